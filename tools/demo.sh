#!/bin/sh
# tools/demo.sh BUILD_DIR SECONDS
#
# End-to-end demo: starts BUILD_DIR/zoomws-mock (the Zoom simulator) on an
# ephemeral loopback port, runs BUILD_DIR/zoomws-listen against it for SECONDS
# seconds (events on stdout, status on stderr), stops it with SIGINT and checks
# that it exited 0 after printing at least one event. Exits non-zero with a
# message on any failure. POSIX sh; everything lives in a temp dir removed on exit.

set -u

READY_TIMEOUT_S=10   # how long the mock may take to print READY
STOP_TIMEOUT_S=10    # how long the listener may take to close after SIGINT

say() { printf 'demo: %s\n' "$*" >&2; }
die() { say "FAILED: $*"; exit 1; }

if [ $# -ne 2 ]; then
    printf 'usage: %s BUILD_DIR SECONDS\n' "$0" >&2
    exit 2
fi
build=$1
secs=$2
case $secs in
    ''|*[!0-9]*) die "SECONDS must be a positive integer, got '$secs'" ;;
esac
[ "$secs" -gt 0 ] || die "SECONDS must be a positive integer, got '$secs'"
mock=$build/zoomws-mock
listen=$build/zoomws-listen
[ -x "$mock" ] || die "$mock not found or not executable (run: make $mock)"
[ -x "$listen" ] || die "$listen not found or not executable (run: make $listen)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/zoomws-demo.XXXXXX") || die "cannot create a temp dir"
mock_pid=
listen_pid=
tee_pid=
timer_pid=

# Stops whatever is still running (each by its own pid) and removes the temp dir.
# shellcheck disable=SC2317 # invoked through the EXIT trap
cleanup() {
    for pid in $timer_pid $listen_pid $tee_pid $mock_pid; do
        kill -TERM "$pid" 2>/dev/null
    done
    for pid in $timer_pid $listen_pid $tee_pid $mock_pid; do
        wait "$pid" 2>/dev/null
    done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT
trap 'say "terminated"; exit 143' TERM

nap() { sleep 0.1 2>/dev/null || sleep 1; }

# ------------------------------------------------------------ the simulator
"$mock" --port 0 --ca-out "$tmp/ca.pem" --rate 3 >"$tmp/mock.out" 2>"$tmp/mock.err" &
mock_pid=$!

ready=
waited=0
while [ "$waited" -lt $((READY_TIMEOUT_S * 10)) ]; do
    ready=$(sed -n '/^READY /{p;q;}' "$tmp/mock.out" 2>/dev/null)
    [ -n "$ready" ] && break
    if ! kill -0 "$mock_pid" 2>/dev/null; then
        break
    fi
    nap
    waited=$((waited + 1))
done
if [ -z "$ready" ]; then
    cat "$tmp/mock.err" >&2
    die "zoomws-mock did not print READY within ${READY_TIMEOUT_S} s (its stderr is above)"
fi
port=$(printf '%s\n' "$ready" | sed -n 's/.*port=\([0-9][0-9]*\).*/\1/p')
ca=$(printf '%s\n' "$ready" | sed -n 's/.* ca=\(.*\)$/\1/p')
if [ -z "$port" ] || [ -z "$ca" ] || [ ! -r "$ca" ]; then
    die "cannot parse the READY line (or read its CA file): $ready"
fi

say "zoomws-mock on 127.0.0.1:$port; zoomws-listen prints each event as a JSON line" \
    "on stdout (status on stderr) for $secs s, then gets SIGINT"

# ------------------------------------------------------------ the listener
# Events go through a FIFO into tee: live on the terminal, and kept for the check.
mkfifo "$tmp/events.fifo" || die "mkfifo failed"
tee "$tmp/events" <"$tmp/events.fifo" &
tee_pid=$!

ZOOM_ACCOUNT_ID=mock-account \
ZOOM_CLIENT_ID=mock-client \
ZOOM_CLIENT_SECRET=mock-secret \
ZOOM_SUBSCRIPTION_ID=mock-subscription \
ZOOM_OAUTH_URL="https://127.0.0.1:$port/oauth/token" \
ZOOM_WS_URL="wss://127.0.0.1:$port/ws" \
ZOOM_CA_FILE="$ca" \
    "$listen" >"$tmp/events.fifo" &
listen_pid=$!

# A timer sends SIGINT after $secs seconds, then SIGKILL if the listener hangs.
# Markers tell afterwards which of them fired; `wait` below returns as soon as
# the listener exits, also when it exits early by itself.
(
    trap 'kill "$s" 2>/dev/null; exit 0' TERM
    sleep "$secs" & s=$!; wait "$s"
    : >"$tmp/sigint-sent"
    kill -INT "$listen_pid" 2>/dev/null
    sleep "$STOP_TIMEOUT_S" & s=$!; wait "$s"
    : >"$tmp/sigkill-sent"
    kill -KILL "$listen_pid" 2>/dev/null
) &
timer_pid=$!

wait "$listen_pid"
listen_rc=$?
listen_pid=
kill -TERM "$timer_pid" 2>/dev/null
wait "$timer_pid" 2>/dev/null
timer_pid=
wait "$tee_pid" 2>/dev/null
tee_pid=

# ------------------------------------------------------------ the checks
if [ -e "$tmp/sigkill-sent" ]; then
    die "zoomws-listen did not exit within ${STOP_TIMEOUT_S} s of SIGINT (killed)"
fi
if [ ! -e "$tmp/sigint-sent" ]; then
    die "zoomws-listen exited by itself after less than $secs s (status $listen_rc)"
fi
[ "$listen_rc" -eq 0 ] || die "zoomws-listen exited with status $listen_rc after SIGINT (expected 0)"
events=$(wc -l <"$tmp/events" | tr -d ' ')
[ "$events" -gt 0 ] || die "zoomws-listen printed no event in $secs s"
bad=$(grep -c -v '^{.*}$' "$tmp/events")
[ "$bad" -eq 0 ] || die "$bad output line(s) are not one JSON object per line"

kill -TERM "$mock_pid" 2>/dev/null
wait "$mock_pid" 2>/dev/null
mock_pid=

say "OK: $events events in $secs s, one JSON object per line; zoomws-listen exited 0 on SIGINT"
exit 0
