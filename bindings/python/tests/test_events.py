"""Event delivery through the binding: order, Event fields, patterns, off(),
handler exceptions, and ctypes callbacks surviving garbage collection."""
import datetime
import gc
import json
import logging
import weakref

from support import MockTestCase, meeting_event

import zoomws


class EventDeliveryTest(MockTestCase):

    def test_events_arrive_in_order_with_fields(self):
        c = self.client()
        n = 50
        events = [meeting_event("meeting.participant_joined", i, user_name="Jill Chill")
                  for i in range(1, n + 1)]
        got = []

        @c.on("meeting.participant_joined")
        def joined(event):
            got.append(event)
            if len(got) == n:
                c.stop()
        self.on_open(c, lambda: self.mock.send_events(events))
        self.assertIsNone(self.run_client(c))
        self.assertEqual([e.payload["object"]["seq"] for e in got], list(range(1, n + 1)))
        first = got[0]
        self.assertIsInstance(first, zoomws.Event)
        self.assertEqual(first.name, "meeting.participant_joined")
        self.assertEqual(first.ts_ms, 1700000000001)
        self.assertEqual(first.ts, datetime.datetime(2023, 11, 14, 22, 13, 20, 1000,
                                                     tzinfo=datetime.timezone.utc))
        self.assertIs(first.ts.tzinfo, datetime.timezone.utc)
        self.assertEqual(first.payload["account_id"], "mock-account")
        self.assertEqual(first.payload["object"]["topic"], "Weekly sync \"quoted\" \u00e9")
        self.assertEqual(first.payload["object"]["user_name"], "Jill Chill")
        self.assertIs(first.payload, first.payload)  # parsed once, cached
        self.assertEqual(json.loads(first.json), events[0])  # the raw text, kept
        self.assertIsInstance(first.json, str)
        self.assertEqual(first.get("payload.object.seq"), 1)
        self.assertEqual(first.get("payload.object.missing", "x"), "x")
        self.assertEqual(c.state, zoomws.State.CLOSED)

    def test_event_json_is_exact_text(self):
        c = self.client()
        line = '{"event":"meeting.ended", "event_ts":1700000000123,"payload":{"n":[1,{"k":"\\u00e9"}]}}'
        got = []

        @c.on("*")
        def any_event(event):
            got.append(event)
            c.stop()
        self.on_open(c, lambda: self.mock.control("/_mock/events", line + "\n"))
        self.run_client(c)
        self.assertEqual(got[0].json, line)
        self.assertEqual(got[0].payload, {"n": [1, {"k": "\u00e9"}]})
        self.assertEqual(got[0].get("payload.n.1.k"), "\u00e9")
        self.assertEqual(got[0].ts_ms, 1700000000123)

    def test_patterns_and_registration_order(self):
        c = self.client()
        calls = []

        def record(tag):
            def handler(event):
                calls.append((tag, event.name))
                if event.name == "user.created":
                    c.stop()
            return handler
        c.on("*")(record("all"))
        c.on("meeting.*")(record("meeting"))
        c.on("meeting.started")(record("started"))
        c.on("recording.completed")(record("recording"))
        c.on("meeting.*")(record("meeting2"))
        names = ["meeting.started", "meeting.ended", "recording.completed", "user.created"]
        self.on_open(c, lambda: self.mock.send_events(
            [meeting_event(name, i) for i, name in enumerate(names, 1)]))
        self.run_client(c)
        self.assertEqual(calls, [
            ("all", "meeting.started"), ("meeting", "meeting.started"),
            ("started", "meeting.started"), ("meeting2", "meeting.started"),
            ("all", "meeting.ended"), ("meeting", "meeting.ended"), ("meeting2", "meeting.ended"),
            ("all", "recording.completed"), ("recording", "recording.completed"),
            ("all", "user.created"),
        ])

    def test_decorator_returns_function_and_bad_pattern_raises(self):
        c = self.client()

        def handler(event):
            pass
        self.assertIs(c.on("meeting.started")(handler), handler)
        self.assertIs(c.on("meeting.ended", handler), handler)
        self.assertGreater(c.add_handler("*", handler), 0)
        with self.assertRaises(zoomws.InvalidArgumentError):
            c.on("meet*ing")(handler)
        with self.assertRaises(zoomws.InvalidArgumentError):
            c.on("")(handler)
        with self.assertRaises(TypeError):
            c.on("*")(42)

    def test_off(self):
        c = self.client()
        calls = []

        def a(event):
            calls.append(("a", event.get("payload.object.seq")))

        def b(event):
            calls.append(("b", event.get("payload.object.seq")))

        def once(event):
            calls.append(("once", event.get("payload.object.seq")))
            self.assertEqual(c.off(once), 1)       # from inside itself
            self.assertEqual(c.off(b_id), 1)        # another one, by id

        def last(event):
            calls.append(("last", event.get("payload.object.seq")))
            if event.get("payload.object.seq") == 3:
                c.stop()
        c.on("*")(a)
        c.on("meeting.*")(a)                        # a registered twice
        b_id = c.add_handler("meeting.*", b)
        c.on("*")(once)
        c.on("*")(last)
        self.on_open(c, lambda: self.mock.send_events(
            [meeting_event("meeting.started", i) for i in (1, 2, 3)]))
        self.run_client(c)
        self.assertEqual(calls[:5], [("a", 1), ("a", 1), ("b", 1), ("once", 1), ("last", 1)])
        self.assertEqual(calls[5:], [("a", 2), ("a", 2), ("last", 2),
                                     ("a", 3), ("a", 3), ("last", 3)])
        self.assertEqual(c.off(a), 2)               # both registrations
        with self.assertRaises(zoomws.NotFoundError):
            c.off(a)
        with self.assertRaises(zoomws.NotFoundError):
            c.off(b_id)
        with self.assertRaises(LookupError):
            c.off(12345)


class HandlerErrorTest(MockTestCase):

    def test_exception_goes_to_on_error_and_loop_survives(self):
        c = self.client()
        seqs, errors = [], []

        @c.on("meeting.*")
        def flaky(event):
            seq = event.payload["object"]["seq"]
            if seq in (2, 4):
                raise ValueError("bad event %d" % seq)
            seqs.append(seq)

        @c.on("*")
        def after(event):  # later handlers of the same event still run
            if event.payload["object"]["seq"] == 5:
                c.stop()

        @c.on_error
        def hook(exc, event):
            errors.append((type(exc), str(exc), event.payload["object"]["seq"]))
        self.on_open(c, lambda: self.mock.send_events(
            [meeting_event("meeting.started", i) for i in range(1, 6)]))
        self.assertIsNone(self.run_client(c))
        self.assertEqual(seqs, [1, 3, 5])
        self.assertEqual(errors, [(ValueError, "bad event 2", 2), (ValueError, "bad event 4", 4)])

    def test_exception_is_logged_without_hook(self):
        c = self.client()
        seqs = []

        @c.on("*")
        def flaky(event):
            seq = event.payload["object"]["seq"]
            seqs.append(seq)
            if seq == 1:
                raise RuntimeError("handler broke")
            c.stop()
        self.on_open(c, lambda: self.mock.send_events(
            [meeting_event("meeting.started", i) for i in (1, 2)]))
        with self.assertLogs("zoomws", logging.ERROR) as logs:
            self.run_client(c)
        self.assertEqual(seqs, [1, 2])
        errors = [r for r in logs.records if r.levelno == logging.ERROR]
        self.assertEqual(len(errors), 1)
        self.assertIn("meeting.started", errors[0].getMessage())
        self.assertIsNotNone(errors[0].exc_info)
        self.assertIs(errors[0].exc_info[0], RuntimeError)

    def test_state_callback_exception_and_failing_hook(self):
        c = self.client()
        states = []

        @c.on_state
        def broken(status):
            states.append(status.state)
            if status.state == zoomws.State.OPEN:
                c.stop()
            raise KeyError("state callback broke")

        @c.on_error
        def hook(exc, arg):
            raise RuntimeError("the hook broke too")
        with self.assertLogs("zoomws", logging.ERROR) as logs:
            self.run_client(c)
        self.assertEqual(states[-1], zoomws.State.CLOSED)
        self.assertIn(zoomws.State.OPEN, states)
        errors = [r for r in logs.records if r.levelno == logging.ERROR]
        self.assertGreaterEqual(len(errors), 2)  # one per failing transition
        for r in errors:
            self.assertIn("on_error hook", r.getMessage())
            self.assertIs(r.exc_info[0], RuntimeError)
            self.assertIsInstance(r.exc_info[1].__context__, KeyError)


class CallbackLifetimeTest(MockTestCase):

    def test_callbacks_survive_gc_between_events(self):
        c = self.client()
        seqs = []
        n = 5

        def register():
            # closures referenced only by the client
            def handler(event):
                seq = event.payload["object"]["seq"]
                seqs.append(seq)
                gc.collect()
                if seq < n:
                    self.mock.send_events([meeting_event("meeting.started", seq + 1)])
                else:
                    c.stop()
            c.on("meeting.*")(handler)
            c.on_state(lambda st: gc.collect())
        register()
        gc.collect()
        self.on_open(c, lambda: self.mock.send_events([meeting_event("meeting.started", 1)]))
        self.run_client(c)
        self.assertEqual(seqs, list(range(1, n + 1)))

    def test_dropped_client_is_freed(self):
        c = zoomws.Client(client_id="x", client_secret="y", subscription="z")
        c.on("*")(lambda event: c)  # a reference cycle through the handler
        ref = weakref.ref(c)
        del c
        gc.collect()
        self.assertIsNone(ref())
        self.assertEqual([r for r in zoomws.client._clients.values() if r() is None], [])
