"""run(), stop() and signals: Ctrl-C and other signals end run() with a
graceful close (close code 1000 at the server)."""
import os
import signal
import sys
import threading
import time

from support import MockTestCase, meeting_event

import zoomws


class SignalTest(MockTestCase):

    def setUp(self):
        super().setUp()
        self._saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
        signal.signal(signal.SIGINT, signal.default_int_handler)
        self.closes = self.mock.stats()["closes_received"]

    def tearDown(self):
        for s, h in self._saved.items():
            signal.signal(s, h)
        super().tearDown()

    def assert_closed_gracefully(self, c):
        self.assertEqual(c.state, zoomws.State.CLOSED)
        self.assertEqual(c.status.previous, zoomws.State.CLOSING)
        self.assertEqual(c.status.close_code, 1000)  # the server's echo of our close
        stats = self.mock.stats()
        self.assertEqual(stats["closes_received"], self.closes + 1)
        self.assertEqual(stats["last_close_code"], 1000)

    def kill_when_open(self, c, sig, delay=0.1):
        """Sends sig to this process from another thread, once OPEN."""
        self.on_open(c, lambda: threading.Timer(delay, os.kill, (os.getpid(), sig)).start())

    def test_sigint_from_another_thread_returns_after_graceful_close(self):
        c = self.client()
        self.kill_when_open(c, signal.SIGINT)
        self.assertIsNone(self.run_client(c))
        self.assert_closed_gracefully(c)

    def test_sigint_in_handler_reraised_on_request(self):
        c = self.client()
        seen, errors = [], []

        @c.on("*")
        def handler(event):
            seen.append(event.name)
            signal.raise_signal(signal.SIGINT)  # KeyboardInterrupt inside the callback
            seen.append("after raise_signal")  # not reached

        @c.on("*")
        def second(event):
            seen.append("second handler")
        c.on_error(lambda exc, ev: errors.append(exc))
        self.on_open(c, lambda: self.mock.send_events([meeting_event("meeting.started", 1)]))
        with self.assertRaises(KeyboardInterrupt):
            self.run_client(c, raise_on_interrupt=True)
        self.assertEqual(seen, ["meeting.started", "second handler"])
        self.assertEqual(errors, [])  # an interrupt is not a handler error
        self.assert_closed_gracefully(c)

    def test_sigint_delivered_to_another_thread(self):
        # the C-level handler runs in that thread; run() must still notice
        c = self.client()
        self.on_open(c, lambda: threading.Timer(0.1, lambda: signal.pthread_kill(
            threading.get_ident(), signal.SIGINT)).start())
        self.assertIsNone(self.run_client(c))
        self.assert_closed_gracefully(c)

    def test_second_sigint_during_close_raises_at_once(self):
        c = self.client()

        def opened():
            self.mock.control("/_mock/stall")  # the server will not answer our close
            threading.Timer(0.05, os.kill, (os.getpid(), signal.SIGINT)).start()
            threading.Timer(0.4, os.kill, (os.getpid(), signal.SIGINT)).start()
        self.on_open(c, opened)
        t0 = time.monotonic()
        with self.assertRaises(KeyboardInterrupt):
            self.run_client(c)
        self.assertLess(time.monotonic() - t0, 3)  # not the 5 s close timeout
        self.assertEqual(c.state, zoomws.State.CLOSING)
        c.close(timeout=0)

    def test_sigterm_handler_calling_stop(self):
        c = self.client()
        signal.signal(signal.SIGTERM, lambda sig, frame: c.stop())
        self.kill_when_open(c, signal.SIGTERM)
        self.assertIsNone(self.run_client(c))
        self.assert_closed_gracefully(c)

    def test_systemexit_from_signal_handler_reraised_after_close(self):
        c = self.client()

        def on_term(sig, frame):
            sys.exit(3)
        signal.signal(signal.SIGTERM, on_term)
        self.kill_when_open(c, signal.SIGTERM)
        with self.assertRaises(SystemExit) as cm:
            self.run_client(c)
        self.assertEqual(cm.exception.code, 3)
        self.assert_closed_gracefully(c)


class StopTest(MockTestCase):

    def test_stop_from_another_thread(self):
        c = self.client()
        self.on_open(c, lambda: threading.Timer(0.05, c.stop).start())
        self.assertIsNone(self.run_client(c))
        self.assertEqual(c.state, zoomws.State.CLOSED)
        self.assertEqual(self.mock.stats()["last_close_code"], 1000)

    def test_run_again_after_stop(self):
        c = self.client()
        opens = []

        @c.on_state
        def track(status):
            if status.state == zoomws.State.OPEN:
                opens.append(status.attempt)
                c.stop()
        self.run_client(c)
        self.run_client(c)
        self.assertEqual(len(opens), 2)

    def test_stop_while_closed_is_kept(self):
        # as documented for zws_client_stop: a stop requested while IDLE or
        # CLOSED ends the next run at once (a signal during set-up is not lost)
        c = self.client()
        states = []
        c.on_state(lambda st: states.append(st.state))
        c.stop()
        self.assertIsNone(self.run_client(c))
        self.assertNotIn(zoomws.State.OPEN, states)
        self.on_open(c, c.stop)
        self.run_client(c)
        self.assertIn(zoomws.State.OPEN, states)
        c.stop()
        del states[:]
        self.run_client(c)
        self.assertNotIn(zoomws.State.OPEN, states)
        self.assertEqual(c.state, zoomws.State.CLOSED)

    def test_context_manager_closes_gracefully(self):
        before = self.mock.stats()["closes_received"]
        with self.mock.client() as c:
            c.connect()
            self.assertIn(c.state, (zoomws.State.AUTHENTICATING, zoomws.State.CONNECTING))
            while c.state != zoomws.State.OPEN:
                import select
                select.select([c], [], [], 1.0)  # fileno() makes the client selectable
                c.dispatch()
        self.assertEqual(c.state, zoomws.State.CLOSED)
        self.assertEqual(self.mock.stats()["closes_received"], before + 1)
        self.assertEqual(self.mock.stats()["last_close_code"], 1000)
        with self.assertRaises(zoomws.StateError):
            c.run()
        c.close()  # idempotent
        c.stop()   # harmless

    def test_calls_from_a_callback_are_refused(self):
        c = self.client()
        errors = []

        @c.on_state
        def nested(status):
            if status.state == zoomws.State.OPEN:
                for call in (c.run, c.dispatch, c.close):
                    try:
                        call()
                    except zoomws.StateError as e:
                        errors.append(e.code)
                c.stop()
        self.run_client(c)
        self.assertEqual(errors, [zoomws.Error.STATE] * 3)
