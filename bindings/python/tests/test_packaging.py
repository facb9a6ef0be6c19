"""The in-tree build backend makes a valid wheel, and pip installs the
package offline (no index)."""
import base64
import hashlib
import importlib.util
import os
import subprocess
import sys
import tempfile
import unittest
import zipfile

from support import BINDING

import zoomws


def _backend():
    spec = importlib.util.spec_from_file_location(
        "zoomws_build", os.path.join(BINDING, "build_backend", "zoomws_build.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


class PackagingTest(unittest.TestCase):

    def test_backend_builds_a_valid_wheel(self):
        backend = _backend()
        with tempfile.TemporaryDirectory() as d:
            name = backend.build_wheel(d)
            self.assertEqual(name, "zoomws-%s-py3-none-any.whl" % zoomws.__version__)
            with zipfile.ZipFile(os.path.join(d, name)) as z:
                names = set(z.namelist())
                pkg = {"zoomws/%s" % n for n in os.listdir(os.path.join(BINDING, "zoomws"))
                       if n.endswith(".py")}
                self.assertLessEqual(pkg, names)
                info = "zoomws-%s.dist-info" % zoomws.__version__
                meta = z.read(info + "/METADATA").decode()
                self.assertIn("Name: zoomws\n", meta)
                self.assertIn("Version: %s\n" % zoomws.__version__, meta)
                for line in z.read(info + "/RECORD").decode().splitlines():
                    path, digest, size = line.split(",")
                    if not digest:
                        continue
                    data = z.read(path)
                    want = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
                    self.assertEqual(digest, "sha256=" + want.decode(), path)
                    self.assertEqual(int(size), len(data), path)

    def test_pip_installs_offline(self):
        if subprocess.run([sys.executable, "-m", "pip", "--version"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode:
            self.skipTest("pip is not installed")
        with tempfile.TemporaryDirectory() as target:
            env = dict(os.environ, PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1",
                       PYTHONDONTWRITEBYTECODE="1")
            r = subprocess.run([sys.executable, "-m", "pip", "install", "--no-index",
                                "--no-deps", "--quiet", "--target", target, BINDING],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               timeout=120)
            self.assertEqual(r.returncode, 0, r.stdout.decode(errors="replace"))
            self.assertTrue(os.path.exists(os.path.join(target, "zoomws", "client.py")))
            r = subprocess.run([sys.executable, "-c", "import zoomws; print(zoomws.__file__)"],
                               env=dict(env, PYTHONPATH=target), cwd=target,
                               stdout=subprocess.PIPE, timeout=60)
            self.assertTrue(r.stdout.decode().startswith(target), r.stdout)
