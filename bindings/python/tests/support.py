"""Test support: locating the build, driving a live zoomws-mock, and making
clients for it. The library path comes from ZOOMWS_LIBRARY (or
$ZOOMWS_BUILD/libzoomws.so.1, or ../../build/libzoomws.so.1 relative to this
directory), the simulator from ZOOMWS_MOCK (or $ZOOMWS_BUILD/zoomws-mock, or
../../build/zoomws-mock)."""
import json
import logging
import os
import select
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
BINDING = os.path.dirname(HERE)
REPO = os.path.dirname(os.path.dirname(BINDING))
if BINDING not in sys.path:
    sys.path.insert(0, BINDING)


def _build_dir():
    return os.environ.get("ZOOMWS_BUILD") or os.path.join(REPO, "build")


def library_path():
    return os.environ.get("ZOOMWS_LIBRARY") or os.path.join(_build_dir(), "libzoomws.so.1")


def mock_path():
    return os.environ.get("ZOOMWS_MOCK") or os.path.join(_build_dir(), "zoomws-mock")


def header_path():
    return os.path.join(REPO, "include", "zoomws.h")


import zoomws  # noqa: E402

os.environ["ZOOMWS_LIBRARY"] = library_path()
zoomws.load_library(library_path())

# the library's warnings (expected in failure tests) stay out of the test output
if not os.environ.get("ZWS_TEST_VERBOSE"):
    logging.getLogger("zoomws").addHandler(logging.NullHandler())

# a test never takes longer than this to reach its goal
TIMEOUT = 10.0


class Mock:
    """One zoomws-mock process on an ephemeral loopback port."""

    def __init__(self, *args):
        self.dir = tempfile.mkdtemp(prefix="zws-py-")
        self.ca = os.path.join(self.dir, "ca.pem")
        cmd = [mock_path(), "--port", "0", "--ca-out", self.ca, "--quiet"] + list(args)
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
        line = b""
        deadline = time.monotonic() + TIMEOUT
        while not line.endswith(b"\n") and time.monotonic() < deadline:
            ready, _, _ = select.select([self.proc.stdout], [], [], 0.1)
            if ready:
                chunk = os.read(self.proc.stdout.fileno(), 256)
                if not chunk:
                    break
                line += chunk
        text = line.decode(errors="replace")
        if not text.startswith("READY port="):
            self.stop()
            raise RuntimeError("zoomws-mock did not start (%s): %r" % (cmd[0], text))
        self.port = int(text.split()[1].split("=")[1])
        self.oauth_url = "https://127.0.0.1:%d/oauth/token" % self.port
        self.ws_url = "wss://127.0.0.1:%d/ws" % self.port
        ctx = ssl.create_default_context(cafile=self.ca)
        self._opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=ctx))

    def control(self, path, body=None, method=None):
        """A control request (POST by default when a body is given); the JSON reply."""
        data = body.encode() if isinstance(body, str) else body
        if method is None:
            method = "GET" if path.endswith("/stats") else "POST"
        req = urllib.request.Request("https://127.0.0.1:%d%s" % (self.port, path),
                                     data=data if data is not None else
                                     (b"" if method == "POST" else None), method=method)
        with self._opener.open(req, timeout=TIMEOUT) as reply:
            return json.loads(reply.read().decode())

    def fetch_token(self):
        """An access token from the mock's OAuth endpoint: (token, expires_in)."""
        import base64
        auth = base64.b64encode(b"mock-client:mock-secret").decode()
        req = urllib.request.Request(
            self.oauth_url, data=b"grant_type=account_credentials&account_id=mock-account",
            headers={"Authorization": "Basic " + auth,
                     "Content-Type": "application/x-www-form-urlencoded"}, method="POST")
        with self._opener.open(req, timeout=TIMEOUT) as reply:
            body = json.loads(reply.read().decode())
        return body["access_token"], body["expires_in"]

    def stats(self):
        return self.control("/_mock/stats", method="GET")

    def send_events(self, events):
        """POSTs events (dicts) to /_mock/events as JSON lines."""
        return self.control("/_mock/events", "".join(json.dumps(e) + "\n" for e in events))

    def wait_stat(self, field, value, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        while True:
            got = self.stats().get(field)
            if got == value or time.monotonic() > deadline:
                return got
            time.sleep(0.02)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def env(self):
        """The ZOOM_* variables for this mock."""
        return {
            "ZOOM_ACCOUNT_ID": "mock-account", "ZOOM_CLIENT_ID": "mock-client",
            "ZOOM_CLIENT_SECRET": "mock-secret", "ZOOM_SUBSCRIPTION_ID": "mock-subscription",
            "ZOOM_OAUTH_URL": self.oauth_url, "ZOOM_WS_URL": self.ws_url, "ZOOM_CA_FILE": self.ca,
        }

    def client(self, **options):
        args = dict(account_id="mock-account", client_id="mock-client",
                    client_secret="mock-secret", subscription="mock-subscription",
                    oauth_url=self.oauth_url, ws_url=self.ws_url, ca_file=self.ca,
                    reconnect_base_ms=50, reconnect_max_ms=500)
        args.update(options)
        return zoomws.Client(**args)


def meeting_event(name, seq, ts=None, **extra):
    """An inner Zoom event with payload.object.seq."""
    obj = {"id": 8571234567, "topic": "Weekly sync \"quoted\" \u00e9", "seq": seq}
    obj.update(extra)
    return {"event": name, "event_ts": ts if ts is not None else 1700000000000 + seq,
            "payload": {"account_id": "mock-account", "object": obj}}


class MockTestCase(unittest.TestCase):
    """Starts one zoomws-mock per test class (MOCK_ARGS), and tracks clients
    so that each test's are closed in tearDown."""

    MOCK_ARGS = ("--count", "0")

    @classmethod
    def setUpClass(cls):
        cls.mock = Mock(*cls.MOCK_ARGS)

    @classmethod
    def tearDownClass(cls):
        cls.mock.stop()

    def setUp(self):
        self._clients = []

    def tearDown(self):
        for c in self._clients:
            c.close(timeout=0)

    def client(self, **options):
        c = self.mock.client(**options)
        self._clients.append(c)
        return c

    def run_client(self, client, timeout=TIMEOUT, **kwargs):
        """client.run() with a watchdog: fails the test (after stopping the
        client) if run() has not returned within timeout seconds."""
        fired = []

        def watchdog():
            fired.append(True)
            client.stop()
        timer = threading.Timer(timeout, watchdog)
        timer.start()
        try:
            return client.run(**kwargs)
        finally:
            timer.cancel()
            if fired:
                self.fail("run() did not return within %.0f s" % timeout)

    def on_open(self, client, fn):
        """Calls fn() (once) when the client first reaches OPEN."""
        done = []

        @client.on_state
        def opened(st):
            if st.state == zoomws.State.OPEN and not done:
                done.append(True)
                fn()
        return opened
