#!/usr/bin/env python3
"""zoomws under asyncio: the event loop watches the client's file descriptor
(loop.add_reader), so no thread is involved, and handlers may be coroutines.
Needs the ZOOM_* variables (see listen.py). Ctrl-C cancels main(), which
closes the connection gracefully (close code 1000)."""
import asyncio
import sys

import zoomws


async def main():
    with zoomws.Client.from_env() as client:

        @client.on("meeting.participant_joined")
        async def joined(event):  # scheduled as a task: may await
            who = event.payload["object"]["participant"]["user_name"]
            await asyncio.sleep(0)  # e.g. store it, call the REST API...
            print("%s joined %r" % (who, event.payload["object"].get("topic")), flush=True)

        @client.on("*")
        def every(event):  # plain functions run inline
            print(event.ts.isoformat(), event.name, flush=True)

        @client.on_state
        def state(status):
            print("state:", status, file=sys.stderr, flush=True)
            if status.gap_ms:
                print("events of the last %d ms are lost" % status.gap_ms, file=sys.stderr)

        await client.run_async()  # until client.stop(), a permanent error, or cancel


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass  # already closed gracefully
    except zoomws.ZoomWSError as e:
        sys.exit("error: %s" % e)
