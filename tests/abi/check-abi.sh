#!/bin/sh
# ABI guarantee: (1) abidiff finds no incompatible change against the committed
# baseline; (2) a program compiled against the released header runs on the
# library built from the current source. cmocka-style lines.
set -u
B=${ZOOMWS_BUILD:?}
top=$(cd "$(dirname "$0")/../.." && pwd)
failed=0
out=$(make -s -C "$top" abi-check 2>&1)
if [ $? -eq 0 ]; then
    echo "[       OK ] abi: abidiff against abi/libzoomws.abi"
else
    echo "$out" | tail -20
    echo "[  ERROR   ] abi: abidiff reports an incompatible change"; failed=1
fi
dir=$(mktemp -d)
trap 'kill "$mock" 2>/dev/null; rm -rf "$dir"' EXIT
"$B/zoomws-mock" --port 0 --ca-out "$dir/ca.pem" --rate 50 --quiet >"$dir/ready" &
mock=$!
i=0
while ! grep -q READY "$dir/ready" 2>/dev/null && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.1; done
port=$(sed -n 's/READY port=\([0-9]*\).*/\1/p' "$dir/ready")
if ZOOM_ACCOUNT_ID=mock-account ZOOM_CLIENT_ID=mock-client ZOOM_CLIENT_SECRET=mock-secret \
   ZOOM_SUBSCRIPTION_ID=mock-subscription ZOOM_OAUTH_URL="https://127.0.0.1:$port/oauth/token" \
   ZOOM_WS_URL="wss://127.0.0.1:$port/ws" ZOOM_CA_FILE="$dir/ca.pem" \
   timeout 30 "$B/tests/old_client" >"$dir/out" 2>&1; then
    echo "[       OK ] abi: $(cat "$dir/out")"
else
    cat "$dir/out"
    echo "[  ERROR   ] abi: old client failed on the new library"; failed=1
fi
if [ $failed -ne 0 ]; then
    echo "[  FAILED  ] 1 test(s), listed below:"
    echo "[  FAILED  ] abi"
    exit 1
fi
