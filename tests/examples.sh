#!/bin/sh
# Runs examples/minimal.c against the simulator: it must print a participant
# line, and stop cleanly (exit 0) on SIGINT.
set -u
B=$1
dir=$(mktemp -d)
trap 'kill "$mock" 2>/dev/null; rm -rf "$dir"' EXIT
"$B/zoomws-mock" --port 0 --ca-out "$dir/ca.pem" --rate 20 --quiet >"$dir/ready" &
mock=$!
i=0
while ! grep -q READY "$dir/ready" 2>/dev/null; do
    i=$((i + 1)); [ $i -gt 100 ] && { echo "examples: zoomws-mock did not start"; exit 1; }
    sleep 0.1
done
port=$(sed -n 's/READY port=\([0-9]*\).*/\1/p' "$dir/ready")
ZOOM_ACCOUNT_ID=mock-account ZOOM_CLIENT_ID=mock-client ZOOM_CLIENT_SECRET=mock-secret \
ZOOM_SUBSCRIPTION_ID=mock-subscription ZOOM_OAUTH_URL="https://127.0.0.1:$port/oauth/token" \
ZOOM_WS_URL="wss://127.0.0.1:$port/ws" ZOOM_CA_FILE="$dir/ca.pem" \
    "$B/examples/minimal" >"$dir/out" 2>&1 &
ex=$!
i=0
while ! grep -q ' joined "' "$dir/out" 2>/dev/null; do
    i=$((i + 1)); [ $i -gt 100 ] && break
    sleep 0.1
done
kill -INT "$ex"; wait "$ex"; rc=$?
if [ $rc -ne 0 ] || ! grep -q ' joined "' "$dir/out"; then
    echo "examples: minimal failed (exit $rc):"; cat "$dir/out"; exit 1
fi
echo "examples: minimal printed '$(grep -m1 ' joined "' "$dir/out")' and exited 0 on SIGINT"
