#!/bin/sh
# Runs each cmocka test program, shows its output, and ends with one summary
# line counting individual tests. A program that dies before its own summary
# counts as one failure. TEST_WRAPPER (e.g. valgrind) wraps each program.
passed=0 failed=0 broken=""
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for t in "$@"; do
    ${TEST_WRAPPER:-} "$t" >"$out" 2>&1
    rc=$?
    cat "$out"
    ok=$(grep -c '^\[       OK \]' "$out")
    bad=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s), listed below.*/\1/p' "$out")
    passed=$((passed + ok))
    failed=$((failed + ${bad:-0}))
    if [ "$rc" -ne 0 ] && [ -z "$bad" ]; then
        failed=$((failed + 1))
        broken="$broken $(basename "$t")(exit $rc)"
    fi
done
[ -n "$broken" ] && echo "programs that failed outside a test:$broken"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
