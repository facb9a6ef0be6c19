"""Baseline: a Zoom WebSocket client written the way Zoom's public Python samples are
(fetch a Server-to-Server OAuth token, open wss://.../ws?subscriptionId&access_token with
Debian's python3-websockets, heartbeat every 30 s, json.loads the envelope and then its
"content").

    python3 py_websockets.py throughput COUNT | latency COUNT SKIP FILE | idle

Configuration: ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET, ZOOM_SUBSCRIPTION_ID,
ZOOM_OAUTH_URL, ZOOM_WS_URL, ZOOM_CA_FILE (the simulator's CA).
"""
import asyncio
import base64
import json
import os
import resource
import signal
import ssl
import sys
import time
import urllib.request

import websockets

env = os.environ
mode = sys.argv[1]
want = int(sys.argv[2]) if len(sys.argv) > 2 else 0
skip = int(sys.argv[3]) if len(sys.argv) > 3 else 0
ctx = ssl.create_default_context(cafile=env.get("ZOOM_CA_FILE"))


def get_access_token():
    basic = base64.b64encode(f"{env['ZOOM_CLIENT_ID']}:{env['ZOOM_CLIENT_SECRET']}".encode()).decode()
    url = f"{env['ZOOM_OAUTH_URL']}?grant_type=account_credentials&account_id={env['ZOOM_ACCOUNT_ID']}"
    req = urllib.request.Request(url, method="POST", headers={"Authorization": f"Basic {basic}"})
    with urllib.request.urlopen(req, context=ctx) as res:
        return json.loads(res.read())["access_token"]


def cpu_s():
    t = os.times()
    return t.user + t.system


def max_rss_kb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


async def heartbeat(ws):
    while True:
        await asyncio.sleep(30)
        await ws.send(json.dumps({"module": "heartbeat"}))


async def main():
    token = get_access_token()
    url = f"{env['ZOOM_WS_URL']}?subscriptionId={env['ZOOM_SUBSCRIPTION_ID']}&access_token={token}"
    seen = bad = 0
    t0 = t1 = cpu0 = cpu1 = 0.0
    lat = []
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    async with websockets.connect(url, ssl=ctx) as ws:
        hb = asyncio.create_task(heartbeat(ws))
        if mode == "idle":
            first = json.loads(await ws.recv())
            if not first.get("success"):
                sys.exit(f"refused: {first.get('content')}")
            print("OPEN", flush=True)
            reader = asyncio.create_task(drain(ws))
            await stop.wait()
            reader.cancel()
            print(json.dumps({"client": "python-websockets", "cpu_s": cpu_s(), "max_rss_kb": max_rss_kb()}))
            hb.cancel()
            return
        async for message in ws:
            t = time.time_ns() // 1000 if mode == "latency" else 0
            msg = json.loads(message)
            if msg.get("module") == "build_connection":
                if not msg.get("success"):
                    sys.exit(f"refused: {msg.get('content')}")
                continue
            if msg.get("module") != "message":
                continue
            event = json.loads(msg["content"])
            if mode == "throughput":
                if seen == 0:
                    t0, cpu0 = time.monotonic(), cpu_s()
                who = event.get("payload", {}).get("object", {}).get("participant", {}).get("user_name")
                if event.get("event") != "meeting.participant_joined" or not who:
                    bad += 1
                seen += 1
                if seen == want:
                    t1, cpu1 = time.monotonic(), cpu_s()
                    break
            else:
                if not event["payload"]["object"]["participant"]["user_name"] or not event.get("sent_us"):
                    bad += 1
                if seen >= skip:
                    lat.append((event["sent_us"], t - event["sent_us"]))
                seen += 1
                if seen == want:
                    break
        hb.cancel()
    if mode == "throughput":
        print(json.dumps({"client": "python-websockets", "events": seen, "bad": bad, "wall_s": t1 - t0,
                          "cpu_s": cpu1 - cpu0, "max_rss_kb": max_rss_kb()}))
    else:
        with open(sys.argv[4], "w") as f:
            f.write("".join(f"{s} {v}\n" for s, v in lat))
        print(json.dumps({"client": "python-websockets", "events": seen, "bad": bad, "samples": len(lat)}))


async def drain(ws):
    async for _ in ws:
        pass


asyncio.run(main())
