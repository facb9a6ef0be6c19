#!/bin/sh
# Runs libFuzzer targets one after another (one core), each for SECONDS on a
# scratch copy of its committed corpus (tests/fuzz/corpus/<target>/ is never
# grown), and prints the executions per target.
#   tests/fuzz/run-fuzz.sh BUILD_FUZZ_DIR SECONDS TARGET...
# Crash inputs are written to BUILD_FUZZ_DIR/artifacts/, logs to .../logs/.
# Exit status: 0 when every target ran clean, 1 otherwise.
# Environment: FUZZ_FLAGS adds libFuzzer flags; ZWS_FUZZ_MASK masks known,
# reported disagreements (see fuzz_common.h) for exploratory runs.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/targets.sh"
dir=$1 secs=$2
shift 2
mkdir -p "$dir/artifacts" "$dir/logs" "$dir/work"
# a private scratch area: a concurrent `make check` may run the smoke test
scratch=$(mktemp -d "$dir/work/run.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
status=0 total=0
for t in "$@"; do
    bin="$dir/fuzz_$t"
    work="$scratch/$t"
    log="$dir/logs/$t${FUZZ_LOG_SUFFIX:-}.log"
    mkdir -p "$work"
    [ -d "$here/corpus/$t" ] && cp "$here/corpus/$t"/* "$work/" 2>/dev/null
    start=$(date +%s)
    # shellcheck disable=SC2046
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1} \
        "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$dir/artifacts/$t-" $(fuzz_options "$t" "$here") ${FUZZ_FLAGS:-} \
        "$work" >"$log" 2>&1
    rc=$?
    took=$(($(date +%s) - start))
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    cov=$(grep -ao 'cov: [0-9]*' "$log" | tail -n 1)
    units=$(ls "$work" | wc -l)
    total=$((total + ${execs:-0}))
    if [ "$rc" -eq 0 ]; then
        printf '%-18s %10s execs in %3d s  (%s, corpus %s)\n' "fuzz_$t" "${execs:-?}" "$took" \
            "${cov:-cov: ?}" "$units"
    else
        status=1
        printf '%-18s FAILED after %d s (exit %d), log %s\n' "fuzz_$t" "$took" "$rc" "$log"
        grep -aE 'FUZZ PROPERTY|DISAGREEMENT|ERROR: |SUMMARY|runtime error|Test unit written|^input|^response' \
            "$log" | head -n 20 | sed 's/^/    /'
    fi
done
echo "total: $total executions"
exit $status
