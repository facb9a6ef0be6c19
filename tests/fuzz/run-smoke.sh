#!/bin/sh
# A test program for `make check` (EXTRA_TESTS): each fuzz target runs for
# FUZZ_SMOKE_SECONDS (default 5) on a scratch copy of its corpus, then every
# input kept under tests/fuzz/regressions/<target>/ (past crashes) is replayed.
# Prints cmocka-style lines so tests/run-tests.sh counts them.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/targets.sh"
build=${ZOOMWS_BUILD:-build}
dir="$build/fuzz"
secs=${FUZZ_SMOKE_SECONDS:-4} # ~5 s each with start-up and exit
unset ZWS_FUZZ_MASK # nothing masked here
mkdir -p "$dir/logs"

tests=0 failed="" nfailed=0
for t in $fuzz_all_targets; do
    tests=$((tests + 1))
    [ -d "$here/regressions/$t" ] && tests=$((tests + 1))
done
echo "[==========] fuzz: Running $tests test(s)."

nl='
'
fail() {
    echo "[  FAILED  ] $1"
    failed="$failed$1$nl"
    nfailed=$((nfailed + 1))
}

for t in $fuzz_all_targets; do
    name="fuzz_$t"
    echo "[ RUN      ] $name"
    if [ ! -x "$dir/$name" ]; then
        echo "$dir/$name is not built (make fuzz-build)"
        fail "$name"
        continue
    fi
    out=$(FUZZ_LOG_SUFFIX=-smoke "$here/run-fuzz.sh" "$dir" "$secs" "$t" 2>&1)
    if [ $? -eq 0 ]; then
        execs=$(echo "$out" | sed -n "s/^$name *\([0-9]*\) execs in *\([0-9]*\) s.*/\1 execs in \2 s/p")
        echo "[       OK ] $name ($execs)"
    else
        echo "$out" | grep -v '^total:'
        fail "$name"
    fi
    if [ -d "$here/regressions/$t" ] && [ -x "$dir/$name" ]; then
        echo "[ RUN      ] $name regressions"
        bad=0 n=0
        for f in $(find "$here/regressions/$t" -type f | sort); do
            n=$((n + 1))
            log="$dir/logs/$t-regression-$(basename "$f").log"
            UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 "$dir/$name" "$f" >"$log" 2>&1 && continue
            bad=$((bad + 1))
            echo "    $t/$(basename "$f"):"
            grep -aE 'FUZZ PROPERTY|DISAGREEMENT|ERROR: |runtime error|^  [a-z]' "$log" |
                grep -v 'deadly signal' | head -n 4 | cut -c1-200 | sed 's/^ */      /'
            echo "      (log: $log)"
        done
        if [ "$bad" -eq 0 ]; then
            echo "[       OK ] $name regressions ($n inputs replayed)"
        else
            fail "$name regressions"
        fi
    fi
done

echo "[==========] fuzz: $tests test(s) run."
if [ "$nfailed" -eq 0 ]; then
    echo "[  PASSED  ] $tests test(s)."
    exit 0
fi
echo "[  PASSED  ] $((tests - nfailed)) test(s)."
echo "[  FAILED  ] $nfailed test(s), listed below:"
printf '%s' "$failed" | while IFS= read -r f; do echo "[  FAILED  ] $f"; done
exit 1
