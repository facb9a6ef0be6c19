#!/bin/sh
# Runs the examples against one simulator (zoomws-mock --rate 50) and prints
# one cmocka-style line per example. Each event-loop example must print events
# and exit 0 twice: at its --events bound, and on SIGINT. multi must bring 100
# clients (one zws_group) OPEN with events on each. Every run is bounded by `timeout`.
#   ZOOMWS_BUILD  the build directory (absolute; default ./build)
#   ZOOMWS_MOCK   the simulator (default $ZOOMWS_BUILD/zoomws-mock)
set -u
B=${ZOOMWS_BUILD:-$(pwd)/build}
MOCK=${ZOOMWS_MOCK:-$B/zoomws-mock}
LIMIT=15     # seconds for one run
CLIENTS=100  # for multi
LOOPS="poll epoll select libuv libevent libev glib"
EVENT_RE='^[a-z_]+(\.[a-z_]+)+$'

dir=$(mktemp -d)
mock=
trap '[ -n "$mock" ] && kill "$mock" 2>/dev/null; rm -rf "$dir"' EXIT
trap 'exit 130' INT TERM

# multi's clients share one zws_group: one descriptor each once open, up to
# about 5 while they all connect at once; it raises its own soft limit up to
# the hard one, which must allow that.
hard=$(ulimit -Hn)
if [ "$hard" != unlimited ] && [ "$hard" -lt $((CLIENTS * 5 + 64)) ]; then
    echo "run-examples: descriptor hard limit $hard is too low for $CLIENTS clients"
    CLIENTS=$(((hard - 64) / 5))
fi

"$MOCK" --port 0 --ca-out "$dir/ca.pem" --rate 50 --quiet >"$dir/ready" 2>"$dir/mock.log" &
mock=$!
i=0
while ! grep -q READY "$dir/ready" 2>/dev/null; do
    i=$((i + 1))
    if [ $i -gt 100 ] || ! kill -0 "$mock" 2>/dev/null; then
        echo "run-examples: zoomws-mock did not start ($MOCK)"; cat "$dir/mock.log"; exit 1
    fi
    sleep 0.1
done
port=$(sed -n 's/READY port=\([0-9]*\).*/\1/p' "$dir/ready")
export ZOOM_ACCOUNT_ID=mock-account ZOOM_CLIENT_ID=mock-client ZOOM_CLIENT_SECRET=mock-secret \
    ZOOM_SUBSCRIPTION_ID=mock-subscription ZOOM_OAUTH_URL="https://127.0.0.1:$port/oauth/token" \
    ZOOM_WS_URL="wss://127.0.0.1:$port/ws" ZOOM_CA_FILE="$dir/ca.pem"

events() { grep -cE "$EVENT_RE" "$1"; }

# An example stops by itself after --events 5, with exit 0.
bounded() {
    out="$dir/$1.bounded"
    timeout -k 2 $LIMIT "$B/examples/$1" --events 5 >"$out" 2>&1
    rc=$? n=$(events "$out")
    [ $rc -eq 0 ] && [ "$n" -ge 5 ] && return 0
    echo "$1 --events 5: exit $rc, $n event lines:"; tail -20 "$out"; return 1
}

# An example prints events until SIGINT, then exits 0. The output file is
# created empty first: an event line in it proves that the example is running
# and has its handlers installed (a signal sent earlier would kill it, or be
# ignored by a `timeout` that has not installed its own yet).
interrupted() {
    out="$dir/$1.sigint"
    : >"$out"
    timeout -k 2 $LIMIT "$B/examples/$1" >>"$out" 2>&1 &
    pid=$! i=0
    while [ "$(events "$out")" -lt 2 ] && [ $i -lt $((LIMIT * 10 - 30)) ]; do
        sleep 0.1; i=$((i + 1))
    done
    kill -INT $pid # timeout passes it on
    wait $pid
    rc=$? n=$(events "$out")
    [ $rc -eq 0 ] && [ "$n" -ge 2 ] && return 0
    echo "$1 (SIGINT): exit $rc, $n event lines:"; tail -20 "$out"; return 1
}

many() {
    timeout -k 2 $((LIMIT * 2)) "$B/examples/multi" --clients $CLIENTS --events-per-client 3 \
        --timeout $((LIMIT * 2 - 5)) >"$dir/multi.out" 2>&1
    rc=$?
    cat "$dir/multi.out"
    [ $rc -eq 0 ] || echo "multi: exit $rc"
    return $rc
}

total=0 failed=""
check() { # name command...
    name=$1; shift
    total=$((total + 1))
    echo "[ RUN      ] $name"
    if "$@"; then
        echo "[       OK ] $name"
    else
        echo "[  FAILED  ] $name"
        failed="$failed $name"
    fi
}

echo "[==========] Running examples against zoomws-mock"
for ex in $LOOPS; do
    check "example_$ex" eval "bounded $ex && interrupted $ex"
done
check example_multi many
echo "[==========] $total test(s) run."
if [ -z "$failed" ]; then
    echo "[  PASSED  ] $total test(s)."
    exit 0
fi
set -- $failed
echo "[  FAILED  ] $# test(s), listed below:"
for name in $failed; do echo "[  FAILED  ] $name"; done
exit 1
