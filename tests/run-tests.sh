#!/bin/sh
# Runs each test program, prints its output, and ends with one summary line.
# TEST_WRAPPER (e.g. "valgrind --error-exitcode=99 --leak-check=full") wraps each.
passed=0 failed=0 failed_names=""
for t in "$@"; do
    name=$(basename "$t")
    if ${TEST_WRAPPER:-} "$t"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1)); failed_names="$failed_names $name"
    fi
done
[ -n "$failed_names" ] && echo "failed programs:$failed_names"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
