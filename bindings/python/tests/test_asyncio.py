"""run_async(): events through loop.add_reader, cancellation closes
gracefully, coroutine handlers, permanent failures."""
import asyncio
import signal

from support import TIMEOUT, MockTestCase, meeting_event

import zoomws


class AsyncioTest(MockTestCase):

    def run_async_test(self, coro):
        return asyncio.run(asyncio.wait_for(coro, TIMEOUT))

    def test_events_then_cancel_closes_gracefully(self):
        c = self.client()
        got = []

        async def main():
            three = asyncio.Event()

            @c.on("meeting.*")
            def handler(event):
                got.append(event.payload["object"]["seq"])
                if len(got) == 3:
                    three.set()
            self.on_open(c, lambda: self.mock.send_events(
                [meeting_event("meeting.started", i) for i in (1, 2, 3)]))
            task = asyncio.create_task(c.run_async())
            await three.wait()
            self.assertEqual(c.state, zoomws.State.OPEN)
            task.cancel()
            with self.assertRaises(asyncio.CancelledError):
                await task
        self.run_async_test(main())
        self.assertEqual(got, [1, 2, 3])
        self.assertEqual(c.state, zoomws.State.CLOSED)
        self.assertEqual(c.status.close_code, 1000)
        self.assertEqual(self.mock.stats()["last_close_code"], 1000)

    def test_stop_returns_and_coroutine_handlers_run(self):
        c = self.client()
        done, errors = [], []

        @c.on("*")
        async def slow(event):
            await asyncio.sleep(0.01)
            seq = event.payload["object"]["seq"]
            if seq == 2:
                raise ValueError("async handler broke")
            done.append(seq)
            if seq == 3:
                c.stop()
        c.on_error(lambda exc, ev: errors.append((str(exc), ev.payload["object"]["seq"])))
        self.on_open(c, lambda: self.mock.send_events(
            [meeting_event("meeting.started", i) for i in (1, 2, 3)]))
        self.assertIsNone(self.run_async_test(c.run_async()))
        self.assertEqual(done, [1, 3])
        self.assertEqual(errors, [("async handler broke", 2)])
        self.assertEqual(self.mock.stats()["last_close_code"], 1000)

    def test_ctrl_c_under_asyncio_run(self):
        c = self.client()
        saved = signal.getsignal(signal.SIGINT)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        try:
            async def main():
                loop = asyncio.get_running_loop()
                self.on_open(c, lambda: loop.call_later(0.05, signal.raise_signal,
                                                        signal.SIGINT))
                await c.run_async()
            with self.assertRaises(KeyboardInterrupt):
                asyncio.run(main())  # asyncio.run turns Ctrl-C into cancelling main()
        finally:
            signal.signal(signal.SIGINT, saved)
        self.assertEqual(c.state, zoomws.State.CLOSED)
        self.assertEqual(self.mock.stats()["last_close_code"], 1000)

    def test_permanent_failure_raises(self):
        c = self.client(client_secret="wrong")
        with self.assertRaises(zoomws.AuthError):
            self.run_async_test(c.run_async())

    def test_coroutine_handler_needs_run_async(self):
        c = self.client()
        errors = []

        @c.on("*")
        async def handler(event):
            pass  # pragma: no cover - never awaited

        @c.on("*")
        def stopper(event):
            c.stop()
        c.on_error(lambda exc, ev: errors.append(type(exc)))
        self.on_open(c, lambda: self.mock.send_events([meeting_event("meeting.started", 1)]))
        self.run_client(c)
        self.assertEqual(errors, [TypeError])
