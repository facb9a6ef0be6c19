#!/usr/bin/env python3
"""Prints meeting events. Needs ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID,
ZOOM_CLIENT_SECRET and ZOOM_SUBSCRIPTION_ID; Ctrl-C closes cleanly."""
import zoomws

client = zoomws.Client.from_env()


@client.on("meeting.*")
def on_meeting(event):
    print(event.ts, event.name, event.payload["object"].get("topic"), flush=True)


client.run()  # reconnects by itself; returns on Ctrl-C, raises AuthError & co.
