"""Application token providers (zws_client_set_token_provider & co.)."""
import asyncio
import unittest

from support import TIMEOUT, MockTestCase

import zoomws
from zoomws import State


class TokenProviderTest(MockTestCase):

    def setUp(self):
        super().setUp()
        if not zoomws.load_library().has("zws_client_set_token_provider"):
            self.skipTest("this libzoomws has no token providers")
        self.requests = self.mock.stats()["token_requests"]

    def test_provider_returning_a_token(self):
        c = self.client(client_secret="not-used")  # the built-in request would fail
        calls = []

        @c.set_token_provider
        def provider():
            calls.append(c.state)
            return self.mock.fetch_token()
        self.on_open(c, c.stop)
        self.assertIsNone(self.run_client(c))
        self.assertEqual(calls, [State.AUTHENTICATING])
        self.assertEqual(self.mock.stats()["token_requests"], self.requests + 1)  # ours only

    def test_invalidate_token_asks_again_on_reconnect(self):
        c = self.client()
        calls, opens = [], []

        def provider():
            calls.append(True)
            return self.mock.fetch_token()
        c.set_token_provider(provider)

        @c.on_state
        def track(status):
            if status.state == State.OPEN:
                opens.append(status)
                if len(opens) == 1:
                    c.invalidate_token()
                    self.mock.control("/_mock/drop")
                else:
                    c.stop()
        self.run_client(c)
        self.assertEqual(len(opens), 2)
        self.assertEqual(len(calls), 2)

    def test_provider_failure_permanent_and_transient(self):
        c = self.client()
        calls = []

        @c.set_token_provider
        def provider():
            calls.append(True)
            if len(calls) == 1:
                raise RuntimeError("vault unreachable")  # retried with backoff
            raise zoomws.AuthError(zoomws.Error.AUTH, "revoked")
        statuses = []
        c.on_state(statuses.append)
        with self.assertRaises(zoomws.AuthError) as cm:
            self.run_client(c)
        self.assertIn("revoked", str(cm.exception))
        self.assertEqual(len(calls), 2)
        backoff = [s for s in statuses if s.state == State.BACKOFF]
        self.assertEqual(backoff[0].error, zoomws.Error.TOKEN)
        self.assertIn("vault unreachable", backoff[0].message)
        self.assertEqual(self.mock.stats()["token_requests"], self.requests)

    def test_coroutine_provider_under_asyncio(self):
        c = self.client()

        @c.set_token_provider
        async def provider():
            return await asyncio.get_running_loop().run_in_executor(None, self.mock.fetch_token)
        self.on_open(c, c.stop)
        asyncio.run(asyncio.wait_for(c.run_async(), TIMEOUT))
        self.assertEqual(c.status.previous, State.CLOSING)

    def test_provider_answering_later(self):
        c = self.client()
        pending = []
        c.set_token_provider(lambda: pending.append(True))  # returns None: answers later

        async def main():
            run = asyncio.create_task(c.run_async())
            while not pending:
                await asyncio.sleep(0.01)
            token, ttl = await asyncio.get_running_loop().run_in_executor(
                None, self.mock.fetch_token)
            self.assertEqual(c.state, State.AUTHENTICATING)
            c.provide_token(token, ttl)
            while c.state != State.OPEN:
                await asyncio.sleep(0.01)
            c.stop()
            await run
        asyncio.run(asyncio.wait_for(main(), TIMEOUT))
        self.assertEqual(c.state, State.CLOSED)

    def test_permanent_failure_reported_later_ends_run_async(self):
        c = self.client()
        c.set_token_provider(lambda: None)

        async def main():
            run = asyncio.create_task(c.run_async())
            await asyncio.sleep(0.05)
            c.token_failed("no such tenant", permanent=True)  # outside dispatch
            await run
        with self.assertRaises(zoomws.AuthError) as cm:
            asyncio.run(asyncio.wait_for(main(), TIMEOUT))
        self.assertIn("no such tenant", str(cm.exception))
        with self.assertRaises(zoomws.StateError):
            c.token_failed("nothing pending")

    def test_clearing_the_provider_restores_oauth(self):
        c = self.client()
        c.set_token_provider(lambda: None)
        c.set_token_provider(None)
        self.on_open(c, c.stop)
        self.run_client(c)
        self.assertEqual(self.mock.stats()["token_requests"], self.requests + 1)


if __name__ == "__main__":
    unittest.main()
