"""Reconnecting, permanent failures as exceptions, configuration from the
environment, and the library's log routed to logging."""
import datetime
import logging
import os
import time
from unittest import mock

from support import MockTestCase

import zoomws
from zoomws import State


class ReconnectTest(MockTestCase):

    def test_drop_reports_backoff_then_open_with_gap(self):
        c = self.client()
        statuses = []
        t0 = time.time()

        @c.on_state
        def track(status):
            statuses.append(status)
            if status.state == State.OPEN:
                if sum(s.state == State.OPEN for s in statuses) == 1:
                    self.mock.control("/_mock/drop")
                else:
                    c.stop()
        self.run_client(c)
        opens = [i for i, s in enumerate(statuses) if s.state == State.OPEN]
        self.assertEqual(len(opens), 2)
        first, second = statuses[opens[0]], statuses[opens[1]]
        self.assertEqual(first.gap_ms, 0)
        self.assertIsNone(first.lost_at)
        backoff = [s for s in statuses[opens[0]:opens[1]] if s.state == State.BACKOFF]
        self.assertEqual(len(backoff), 1)
        b = backoff[0]
        self.assertEqual(b.previous, State.OPEN)
        self.assertEqual(b.error, zoomws.Error.CLOSED)
        self.assertFalse(b.permanent)
        self.assertEqual(b.close_code, 1006)
        self.assertEqual(b.retry_ms, 0)  # the first retry is immediate
        self.assertIsInstance(b.lost_at, datetime.datetime)
        self.assertEqual(b.lost_at.tzinfo, datetime.timezone.utc)
        self.assertLessEqual(abs(b.lost_at.timestamp() - time.time()), 10)
        self.assertGreaterEqual(b.lost_at.timestamp(), t0 - 1)
        self.assertEqual(second.lost_at_ms, b.lost_at_ms)
        self.assertGreaterEqual(second.gap_ms, 0)
        self.assertLessEqual(second.gap_ms, (time.time() - t0) * 1000)
        self.assertEqual(statuses[-1].state, State.CLOSED)
        self.assertIn("BACKOFF", repr(b))


class FailureTest(MockTestCase):

    def setUp(self):
        super().setUp()
        self.base = self.mock.stats()

    def test_wrong_secret_raises_auth_error_without_retry(self):
        c = self.client(client_secret="wrong-secret")
        statuses = []
        c.on_state(statuses.append)
        with self.assertRaises(zoomws.AuthError) as cm:
            self.run_client(c)
        e = cm.exception
        self.assertIsInstance(e, zoomws.ZoomWSError)
        self.assertEqual(e.code, zoomws.Error.AUTH)
        self.assertTrue(e.permanent)
        self.assertIn("invalid_client", e.message)
        self.assertNotIn("wrong-secret", str(e))
        self.assertEqual(e.description, "credentials refused")
        self.assertEqual(c.state, State.CLOSED)
        self.assertEqual(c.last_error, e.message)
        self.assertNotIn(State.BACKOFF, [s.state for s in statuses])
        self.assertTrue(statuses[-1].permanent)
        self.assertEqual(statuses[-1].error, zoomws.Error.AUTH)
        self.assertEqual(self.mock.stats()["token_requests"], self.base["token_requests"] + 1)

    def test_untrusted_certificate_raises_tls_verify_error(self):
        c = self.client(ca_file=None)  # the system store does not know the mock's CA
        with self.assertRaises(zoomws.TLSVerifyError) as cm:
            self.run_client(c)
        self.assertIsInstance(cm.exception, zoomws.TLSError)
        self.assertEqual(cm.exception.code, zoomws.Error.TLS_VERIFY)
        self.assertEqual(c.state, State.CLOSED)

    def test_missing_configuration_raises_config_error(self):
        c = self.client(subscription="")  # "" restores the default: none
        with self.assertRaises(zoomws.ConfigError) as cm:
            c.run()
        self.assertIn("subscription", str(cm.exception))
        self.assertEqual(c.state, State.IDLE)

    def test_invalid_options(self):
        with self.assertRaises(zoomws.InvalidArgumentError) as cm:
            self.client(oauth_url="http://insecure.example/oauth/token")
        self.assertIsInstance(cm.exception, ValueError)
        with self.assertRaises(zoomws.InvalidArgumentError):
            self.client(heartbeat_ms=0)
        with self.assertRaises(TypeError):
            self.client(heartbeat_ms="fast")
        with self.assertRaises(TypeError):
            self.client(no_such_option=1)
        c = self.client(auto_reconnect=False, liveness_ms=20000, log_level=zoomws.LogLevel.DEBUG)
        c.set_option("connect_timeout_ms", 5000)
        c.set_option(zoomws.Option.WS_URL, None)


class FromEnvTest(MockTestCase):

    def test_from_env_connects(self):
        before = self.mock.stats()["build_ok"]
        with mock.patch.dict(os.environ, self.mock.env()):
            c = zoomws.Client.from_env(reconnect_base_ms=50)
        self._clients.append(c)
        self.on_open(c, c.stop)
        self.run_client(c)
        self.assertEqual(self.mock.stats()["build_ok"], before + 1)

    def test_from_env_options_override(self):
        with mock.patch.dict(os.environ, self.mock.env()):
            c = zoomws.Client.from_env(client_secret="overridden")
        self._clients.append(c)
        with self.assertRaises(zoomws.AuthError):
            self.run_client(c)

    def test_from_env_invalid_variable(self):
        env = dict(self.mock.env(), ZOOM_OAUTH_URL="http://plain.example/oauth/token")
        with mock.patch.dict(os.environ, env):
            with self.assertRaises(zoomws.InvalidArgumentError) as cm:
                zoomws.Client.from_env()
        self.assertIn("ZOOM_OAUTH_URL", str(cm.exception))


class LoggingTest(MockTestCase):

    def test_library_log_goes_to_logging(self):
        c = self.client()
        self.on_open(c, c.stop)
        with self.assertLogs("zoomws", logging.DEBUG) as logs:
            self.run_client(c)
        lines = [(r.levelno, r.getMessage()) for r in logs.records]
        self.assertIn((logging.INFO, "state UPGRADING -> OPEN"), lines)
        self.assertTrue(any(level == logging.DEBUG for level, _ in lines))
        self.assertFalse(any("mock-secret" in msg for _, msg in lines))

    def test_warnings_are_warnings(self):
        c = self.client(client_secret="bad-secret")
        with self.assertLogs("zoomws", logging.WARNING) as logs:
            with self.assertRaises(zoomws.AuthError):
                self.run_client(c)
        self.assertTrue(any(r.levelno == logging.WARNING and "invalid_client" in r.getMessage()
                            for r in logs.records))
        self.assertFalse(any(r.levelno < logging.WARNING for r in logs.records))


class NewerOptionsTest(MockTestCase):
    """Options added after the first 0.x release, when the library has them."""

    def connect_once(self, **options):
        try:
            c = self.client(**options)
        except zoomws.InvalidArgumentError:
            self.skipTest("this libzoomws does not know %s" % ", ".join(options))
        self.on_open(c, c.stop)
        self.run_client(c)
        return c

    def test_tls_min_version_13(self):
        c = self.connect_once(tls_min_version=13)
        self.assertEqual(c.status.previous, State.CLOSING)

    def test_insecure_skip_verify(self):
        c = self.connect_once(ca_file=None, insecure_skip_verify=True)
        self.assertEqual(c.status.previous, State.CLOSING)

    def test_proxy_value_is_not_echoed(self):
        with self.assertRaises(zoomws.InvalidArgumentError) as cm:
            self.client(proxy="bogus://user:secret@\x01")
        self.assertNotIn("secret", str(cm.exception))
