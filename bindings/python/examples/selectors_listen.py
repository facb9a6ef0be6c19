#!/usr/bin/env python3
"""zoomws in your own select loop (the selectors module): wait until
client.fileno() is readable, then call client.dispatch(). The client needs
no timeout: its fd covers its timers. Here the same loop also reads commands
from a terminal ("q" quits). Needs the ZOOM_* variables (see listen.py);
Ctrl-C or SIGTERM closes gracefully."""
import selectors
import signal
import sys

import zoomws

client = zoomws.Client.from_env()


@client.on("*")
def show(event):
    print(event.json, flush=True)  # the event exactly as Zoom sent it


def on_signal(signum, frame):
    client.stop()  # safe in a signal handler; the loop sees CLOSED soon after


signal.signal(signal.SIGINT, on_signal)
signal.signal(signal.SIGTERM, on_signal)

sel = selectors.DefaultSelector()
sel.register(client, selectors.EVENT_READ)  # anything with fileno()
if sys.stdin.isatty():
    sel.register(sys.stdin, selectors.EVENT_READ)

try:
    client.connect()
    while client.state != zoomws.State.CLOSED:
        for key, _ in sel.select():
            if key.fileobj is client:
                client.dispatch()  # raises AuthError, TLSVerifyError... if it gives up
            else:
                line = sys.stdin.readline()
                if not line or line.strip() == "q":
                    client.stop()
except zoomws.ZoomWSError as e:
    sys.exit("error: %s" % e)
finally:
    client.close()
