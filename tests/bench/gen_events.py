"""Writes the bench's events: realistic meeting.participant_joined events of about 1 KB, one
inner event per line (zoomws-mock double-encodes them into {"module":"message","content":...}).

    python3 gen_events.py COUNT FILE

Each carries "sent_us":1000000000000000, a fixed-width placeholder that the latency run's
simulator overwrites with the send time in microseconds (see stamp_shim.c); elsewhere it is
just another number. Names vary and some are non-ASCII, as real ones are.
"""
import json
import random
import sys

NAMES = ["Jill Chill", "Guest {n}", "José Müller", "Zoë Ångström", "李雷", "Priya Natarajan",
         "O'Connor, Siobhán", "Dr. Ada \"Countess\" Lovelace", "Marc-André Lefèvre", "Ольга Петрова"]
TOPICS = ["Weekly sync", "Quarterly planning — EMEA sales & partner review",
          "Customer escalation: order #48213 (P1)", "All-hands Q&A / \"ask me anything\""]


def event(i, rnd):
    cyc = 1000000000 + i // 7
    meeting_id = 81000000000 + cyc % 1000000000
    name = rnd.choice(NAMES).format(n=i)
    user_id = str(16778240 + rnd.randrange(1 << 20))
    ev = {
        "event": "meeting.participant_joined",
        "event_ts": 1733246400000 + i,
        "sent_us": 1000000000000000,
        "payload": {
            "account_id": "AbCdEfGhIjKlMnOpQrStUv",
            "object": {
                "uuid": f"czLF6FFRTl6Xp0{cyc}Ag==",
                "id": str(meeting_id) if i % 2 else meeting_id,
                "host_id": "z8yCxjabcdEFGHfp8uQ",
                "topic": TOPICS[cyc % len(TOPICS)],
                "type": 2,
                "start_time": "2024-12-03T17:00:00Z",
                "timezone": "America/Los_Angeles",
                "duration": 60,
                "participant": {
                    "user_id": user_id,
                    "user_name": name,
                    "id": "z8yCxjabcdEFGHfp8uQ" if i % 3 == 0 else "",
                    "participant_uuid": f"A1B2C3D4-{i % 10000:04d}-4000-8000-{cyc:012d}",
                    "join_time": "2024-12-03T17:%02d:%02dZ" % (i // 60 % 60, i % 60),
                    "email": "jchill@example.com" if i % 3 == 0 else "",
                    "registrant_id": "",
                    "participant_user_id": "z8yCxjabcdEFGHfp8uQ" if i % 3 == 0 else "",
                    "customer_key": f"crm-{i:08d}",
                    "phone_number": "",
                    "public_ip": "203.0.113.%d" % (i % 250 + 1),
                    "private_ip": "10.%d.%d.%d" % (i % 200, i % 97, i % 251),
                    "data_center": "US (SJ)",
                    "network_type": "Wifi",
                    "device": "Mac",
                    "client_type": "Desktop",
                    "version": "6.2.11 (45721)",
                    "groups": "",
                    "breakout_room_uuid": "",
                    "location": "San Jose (US)",
                    "os": "macOS 14.5",
                    "connection_type": "UDP",
                    "microphone": "MacBook Pro Microphone",
                    "speaker": "MacBook Pro Speakers",
                    "camera": "FaceTime HD Camera",
                },
            },
        },
    }
    return json.dumps(ev, ensure_ascii=False, separators=(",", ":"))


def main():
    count, path = int(sys.argv[1]), sys.argv[2]
    rnd = random.Random(42)
    with open(path, "w", encoding="utf-8") as f:
        for i in range(count):
            f.write(event(i, rnd) + "\n")


if __name__ == "__main__":
    main()
