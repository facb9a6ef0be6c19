#!/usr/bin/env python3
"""Writes the committed seed corpora tests/fuzz/corpus/<target>/ (run once;
the output is committed, this script documents where the seeds come from:
the frames of /work/shared/zoom-protocol.md, 101 responses, token replies,
endpoint URLs and .env files). Re-running rewrites the same files."""
import json
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="  # key dGhlIHNhbXBsZSBub25jZQ==


def write(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def compact(obj):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


# ---------------------------------------------------------------- events
started = {"event": "meeting.started", "event_ts": 1694539182464,
           "payload": {"account_id": "AAAAAAAAAAAAAAAAAAAAAA",
                       "object": {"id": "85748239153", "uuid": "4444AAAiAAAAAiAiAiiAii==",
                                  "host_id": "x1yCzABCDEfg23HiJKl4mN", "topic": "Café standup 😀",
                                  "type": 2, "start_time": "2023-09-12T17:19:42Z",
                                  "timezone": "Europe/Paris", "duration": 30}}}
joined = {"event": "meeting.participant_joined", "event_ts": 1694539200000,
          "payload": {"account_id": "AAAAAAAAAAAAAAAAAAAAAA",
                      "object": {"id": 85748239153, "topic": "standup",
                                 "participant": {"user_id": "16778240", "user_name": "Ana \"Ops\" Ruiz",
                                                 "email": "", "join_time": "2023-09-12T17:20:00Z",
                                                 "participant_uuid": "G8S9AAAA"}}}}
recording = {"event": "recording.completed", "event_ts": "1694541000000",
             "download_token": "eyJhbGciOiJIUzI1NiJ9.e30.sig",
             "payload": {"account_id": "AAAAAAAAAAAAAAAAAAAAAA",
                         "object": {"id": 85748239153, "topic": "standup",
                                    "recording_files": [{"id": "a1", "file_type": "MP4",
                                                         "file_size": 12345678,
                                                         "download_url": "https://zoom.us/rec/download/abc"},
                                                        {"id": "a2", "file_type": "M4A",
                                                         "file_size": 1.5e6}]}}}
user_created = {"event": "user.created", "event_ts": -1, "payload": {"object": {"id": "u1", "email": "a@b.c"}}}

frames = {
    "build_connection_ok": '{"module":"build_connection","success":true,"content":"ok","header":{}}',
    "build_connection_empty": '{"module":"build_connection","success":false,"content":"token is empty","header":{}}',
    "build_connection_invalid": '{"module":"build_connection","success":false,"content":"Invalid Token","header":{}}',
    "heartbeat_reply": '{"module":"heartbeat","success":true,"content":"live","header":{}}',
    "heartbeat_request": '{"module":"heartbeat"}',
    "message_started": compact({"module": "message", "content": compact(started)}),
    "message_joined": compact({"module": "message", "success": True, "content": compact(joined)}),
    "message_recording": compact({"module": "message", "content": compact(recording)}),
    "message_object_content": compact({"module": "message", "content": user_created}),
    "message_ascii_escapes": json.dumps({"module": "message", "content": compact(started)}, ensure_ascii=True),
    "unknown_module": '{"module":"subscription_changed","content":{"x":[1,2.5e3,null]},"header":{"h":"v"}}',
    "escaped_keys": '{"mod\\u0075le":"m\\u0065ssage","cont\\u0065nt":"{\\"ev\\\\u0065nt\\":\\"a.b\\",\\"event_ts\\":7}"}',
    "pretty": json.dumps({"module": "message", "content": compact(joined)}, indent=2),
}

for name, f in frames.items():
    write("envelope", name, f)
    write("jscan_diff", name, f)

# the inner events alone, and JSON edge cases for the differential
for name, ev in [("event_started", started), ("event_recording", recording)]:
    write("jscan_diff", name, compact(ev))
for name, doc in [
    ("numbers", '[0,-0,1.5e10,1E-2,9223372036854775807,-9223372036854775808,1e308,4.9e-324]'),
    ("strings", '["\\u00e9\\uD83D\\uDE00\\"\\\\\\/\\b\\f\\n\\r\\t","caf\xc3\xa9","\xf0\x9f\x98\x80"]'),
    ("nesting", '{"a":[{"b":{"c":[[[]]]}},{}],"d":null,"e":true,"f":false}'),
    ("deep", "[" * 300 + "]" * 300),
    ("duplicates", '{"module":"heartbeat","module":"message","content":"{\\"event\\":\\"x\\"}","content":{"event":"y"}}'),
]:
    write("jscan_diff", name, doc)

# ---------------------------------------------------------------- handshake
ok = ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      f"Sec-WebSocket-Accept: {ACCEPT}\r\n\r\n")
write("handshake", "101", ok)
write("handshake", "101_with_frame", ok.encode() + b"\x81\x16" + b'{"module":"heartbeat"}')
write("handshake", "101_mixed_case",
      "HTTP/1.1 101 Web Socket Protocol Handshake\r\nupgrade: WebSocket\r\nconnection: keep-alive, Upgrade\r\n"
      f"sec-websocket-accept:   {ACCEPT}  \r\nServer: nginx\r\nDate: Tue, 12 Sep 2023 17:19:42 GMT\r\n\r\n")
write("handshake", "101_no_accept",
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
write("handshake", "101_extension", ok[:-2] + "Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n")
write("handshake", "401",
      "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: 26\r\n\r\n"
      '{"error":"invalid token"}')
write("handshake", "status_only", "HTTP/1.1 503\r\n\r\n")
write("handshake", "partial", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: webs")

# ---------------------------------------------------------------- token replies
def status(code):
    return struct.pack(">H", code)

token = "eyJzdiI6IjAwMDAwMSIsImFsZyI6IkhTNTEyIn0.eyJhdWQiOiJodHRwczovL29hdXRoLnpvb20udXMifQ.SIG"
write("token_reply", "200", status(200) + compact({"access_token": token, "token_type": "bearer",
                                                  "expires_in": 3599, "scope": "user:read:admin",
                                                  "api_url": "https://api.zoom.us"}).encode())
write("token_reply", "200_no_expiry", status(200) + b'{"access_token":"abc","token_type":"bearer"}')
write("token_reply", "200_not_json", status(200) + b"<html>gateway</html>")
write("token_reply", "400_invalid_client",
      status(400) + b'{"reason":"Invalid client_id or client_secret","error":"invalid_client"}')
write("token_reply", "400_no_account", status(400) + b'{"reason":"Account does not exist","error":"invalid_request"}')
write("token_reply", "401_description", status(401) + b'{"error":"invalid_client","error_description":"Bad"}')
write("token_reply", "429", status(429) + b'{"code":429,"message":"Too many requests"}')
write("token_reply", "503", status(503) + b"Service Unavailable")

# ---------------------------------------------------------------- URLs
for i, u in enumerate([
    "wss://ws.zoom.us/ws?subscriptionId=AbCdEfGhIjKlMn-OpQrStU",
    "wss://ws.zoom.us/ws",
    "https://zoom.us/oauth/token",
    "ws://127.0.0.1:8443/ws?subscriptionId=a%2Bb+c&x=1#frag",
    "wss://[::1]:9000/ws?a=&subscriptionId=%E2%82%AC",
    "http://localhost?subscriptionId=x",
    "WSS://WS.ZOOM.US:443/ws?subscriptionId=id&subscriptionId=other",
]):
    write("url", f"url{i}", u)

# ---------------------------------------------------------------- .env files
write("envfile", "typical",
      "# Zoom Server-to-Server OAuth app\nZOOM_ACCOUNT_ID=AbCdEfGhIjKlMnOpQrStUv\n"
      "ZOOM_CLIENT_ID=aBcDeFgHiJkLmNoPqRsTuV\nZOOM_CLIENT_SECRET=s3cr3t-with#hash\n"
      "ZOOM_SUBSCRIPTION_ID=wss://ws.zoom.us/ws?subscriptionId=xyz   # the endpoint\n")
write("envfile", "quotes",
      "export ZOOM_CLIENT_SECRET='single # not a comment'\nZOOM_CLIENT_ID = \"dq \\\"esc\\\" \\n \\t \\\\ \\x\"  # c\n"
      "EMPTY=\nSPACED =   value with spaces   \r\n")
write("envfile", "errors", "1BAD=x\nNOEQUALS\nOPEN='never closed\nDQ=\"x\" trailing\n=value\n")
write("envfile", "blank", "\n   \n\t# comment only\n\r\n")

# ---------------------------------------------------------------- receive
def ws_frame(payload, opcode=1, fin=True, rsv=0):
    if isinstance(payload, str):
        payload = payload.encode()
    b0 = (0x80 if fin else 0) | rsv | opcode
    n = len(payload)
    if n < 126:
        head = bytes([b0, n])
    elif n < 65536:
        head = bytes([b0, 126]) + struct.pack(">H", n)
    else:
        head = bytes([b0, 127]) + struct.pack(">Q", n)
    return head + payload


def close_frame(code, reason=b""):
    return ws_frame(struct.pack(">H", code) + reason, opcode=8)


bc_ok = ws_frame(frames["build_connection_ok"])
events = ws_frame(frames["message_started"]) + ws_frame(frames["message_joined"]) + \
    ws_frame(frames["message_recording"]) + ws_frame(frames["message_object_content"])

# header: byte 0 = flags (prebuf length | 0x40 small max | 0x80 upgrade), byte 1 = chunking
write("receive", "open_events", b"\x00\x00" + bc_ok + events + ws_frame(frames["heartbeat_reply"]))
write("receive", "prebuf_events", b"\x20\x03" + bc_ok + events)
write("receive", "upgrade_events", b"\x80\x00" + ok.encode() + bc_ok + events + close_frame(1000, b"bye"))
write("receive", "upgrade_bytewise", b"\x80\x01" + ok.encode() + bc_ok + ws_frame(frames["message_started"]))
write("receive", "token_refused", b"\x00\x00" + ws_frame(frames["build_connection_invalid"]) + close_frame(1000))
write("receive", "fragmented_ping",
      b"\x00\x02" + bc_ok + ws_frame(frames["message_started"][:20], fin=False) +
      ws_frame(b"ping", opcode=9) + ws_frame(frames["message_started"][20:], opcode=0))
write("receive", "binary_and_close", b"\x00\x81" + bc_ok + ws_frame(b"\x00\x01\x02", opcode=2) +
      close_frame(4001, b"subscription replaced"))
write("receive", "too_big", b"\x40\x00" + bc_ok + ws_frame(frames["message_recording"]))
write("receive", "bad_utf8", b"\x00\x00" + bc_ok + ws_frame(b'{"module":"\xc0\x80"}'))
write("receive", "graceful_stop", b"\x00\x80" + bc_ok + ws_frame(frames["message_started"]))
write("receive", "upgrade_refused", b"\x80\x00" + b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
