"""The examples run against the simulator: they print events, and a signal
makes them close gracefully and exit 0."""
import os
import select
import signal
import subprocess
import sys
import tempfile
import time

from support import BINDING, TIMEOUT, MockTestCase, library_path

EXAMPLES = os.path.join(BINDING, "examples")


def _default_signals():
    # a shell may start background jobs with SIGINT ignored, which Python
    # keeps; Ctrl-C is what these tests simulate
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class ExamplesTest(MockTestCase):

    MOCK_ARGS = ("--rate", "50")

    def run_example(self, name, sig, expect):
        env = dict(os.environ, **self.mock.env())
        env["ZOOMWS_LIBRARY"] = library_path()
        env["PYTHONPATH"] = BINDING + os.pathsep + env.get("PYTHONPATH", "")
        before = self.mock.stats()["closes_received"]
        with tempfile.TemporaryFile() as errors:
            proc = subprocess.Popen([sys.executable, os.path.join(EXAMPLES, name)], env=env,
                                    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=errors, preexec_fn=_default_signals)
            try:
                out = b""
                deadline = time.monotonic() + TIMEOUT
                while expect not in out and time.monotonic() < deadline:
                    ready, _, _ = select.select([proc.stdout], [], [], 0.1)
                    if ready:
                        chunk = os.read(proc.stdout.fileno(), 65536)
                        if not chunk:
                            break
                        out += chunk
                if expect in out:
                    proc.send_signal(sig)
                    proc.communicate(timeout=TIMEOUT)  # drains stdout
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.communicate()
            errors.seek(0)
            err = errors.read().decode(errors="replace")
        self.assertIn(expect, out, "no %r from %s: %s" % (expect, name, err))
        self.assertEqual(proc.returncode, 0, err)
        self.assertEqual(self.mock.stats()["closes_received"], before + 1)
        self.assertEqual(self.mock.stats()["last_close_code"], 1000)

    def test_listen_py_stops_on_sigint(self):
        with open(os.path.join(EXAMPLES, "listen.py")) as f:
            self.assertLessEqual(len(f.read().splitlines()), 15)
        self.run_example("listen.py", signal.SIGINT, b"meeting.participant_joined")

    def test_asyncio_listen_py_stops_on_sigint(self):
        self.run_example("asyncio_listen.py", signal.SIGINT, b" joined 'Weekly sync'")

    def test_selectors_listen_py_stops_on_sigterm(self):
        self.run_example("selectors_listen.py", signal.SIGTERM, b'"event":"meeting.started"')
