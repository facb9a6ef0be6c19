"""Loading the library: version check, prototypes, errors."""
import ctypes
import os
import re
import unittest
from unittest import mock

from support import header_path, library_path

import zoomws
from zoomws import _lib


class LibraryTest(unittest.TestCase):

    def test_package_major_matches_header(self):
        if not os.path.exists(header_path()):
            self.skipTest("include/zoomws.h not found")
        with open(header_path()) as f:
            header = f.read()
        major = int(re.search(r"#define ZWS_VERSION_MAJOR (\d+)", header).group(1))
        self.assertEqual(zoomws.ABI_VERSION_MAJOR, major)
        self.assertEqual(zoomws.SONAME, "libzoomws.so.%d" % major)
        # the package is released with the library: one version, set in the header
        version = ".".join(re.search(r"#define ZWS_VERSION_%s (\d+)" % part, header).group(1)
                           for part in ("MAJOR", "MINOR", "PATCH"))
        self.assertEqual(zoomws.__version__, version)

    def test_runtime_version(self):
        lib = zoomws.load_library(library_path())
        self.assertEqual(lib.version_number >> 16, zoomws.ABI_VERSION_MAJOR)
        self.assertRegex(zoomws.library_version(), r"^\d+\.\d+\.\d+$")
        self.assertEqual(lib.version, "%d.%d.%d" % (lib.version_number >> 16,
                                                     (lib.version_number >> 8) & 0xff,
                                                     lib.version_number & 0xff))

    def test_other_major_is_refused(self):
        with mock.patch.object(_lib, "ABI_VERSION_MAJOR", zoomws.ABI_VERSION_MAJOR + 1):
            with self.assertRaises(zoomws.LibraryVersionError) as cm:
                _lib.Library(library_path())
        self.assertIn("major version", str(cm.exception))
        self.assertIsInstance(cm.exception, ImportError)

    def test_missing_library(self):
        with self.assertRaises(zoomws.LibraryError) as cm:
            _lib.Library("/nonexistent/libzoomws.so.1")
        self.assertIn("ZOOMWS_LIBRARY", str(cm.exception))

    def test_environment_variable_and_explicit_path(self):
        lib = zoomws.load_library(library_path())
        with mock.patch.dict(os.environ, {"ZOOMWS_LIBRARY": library_path()}):
            self.assertIs(zoomws.load_library(), lib)
        c = zoomws.Client(library=library_path())
        self.assertIs(c.library, lib)
        c.close()
        with self.assertRaises(zoomws.LibraryError):
            zoomws.Client(library="/nonexistent/libzoomws.so.1")

    def test_every_function_used_is_declared(self):
        pkg = os.path.dirname(zoomws.__file__)
        used = set()
        for name in os.listdir(pkg):
            if name.endswith(".py") and name != "_lib.py":
                with open(os.path.join(pkg, name)) as f:
                    used |= set(re.findall(r"\b(zws_[a-z0-9_]+)(?=\(|\")", f.read()))
        declared = set(_lib._PROTOTYPES) | set(_lib._OPTIONAL_PROTOTYPES)
        self.assertLessEqual(used, declared)
        lib = zoomws.load_library(library_path())
        for name in declared:
            if lib.has(name):
                fn = getattr(lib, name)
                self.assertIsNotNone(fn.argtypes, name)
        # the header declares them (names and arity at least)
        if os.path.exists(header_path()):
            with open(header_path()) as f:
                header = f.read()
            for name, (restype, argtypes) in list(_lib._PROTOTYPES.items()) + \
                    list(_lib._OPTIONAL_PROTOTYPES.items()):
                m = re.search(r"ZWS_API [^;]*\b%s\(([^)]*)\)" % name, header)
                self.assertIsNotNone(m, name)
                params = [p for p in m.group(1).split(",") if p.strip() not in ("", "void")]
                self.assertEqual(len(params), len(argtypes), name)

    def test_enums_match_the_header(self):
        if not os.path.exists(header_path()):
            self.skipTest("include/zoomws.h not found")
        with open(header_path()) as f:
            header = re.sub(r"/\*.*?\*/", "", f.read(), flags=re.S)

        def c_enum(name, prefix):
            body = re.search(r"enum %s \{(.*?)\};" % name, header, re.S).group(1)
            values, value = {}, -1
            for item in body.split(","):
                item = item.strip()
                if not item:
                    continue
                key, _, expr = item.partition("=")
                value = int(expr) if expr.strip() else value + 1
                values[re.sub(prefix, "", key.strip())] = value
            return values
        for enum_cls, c_name, prefix in ((zoomws.State, "zws_state", "^ZWS_STATE_"),
                                         (zoomws.Option, "zws_option", "^ZWS_OPT_"),
                                         (zoomws.LogLevel, "zws_log_level", "^ZWS_LOG_"),
                                         (zoomws.Error, "zws_error", "^ZWS_(E_)?")):
            self.assertEqual({m.name: int(m) for m in enum_cls}, c_enum(c_name, prefix), c_name)

    def test_callbacks_are_module_level(self):
        from zoomws import client
        for cb in (client._EVENT_CB, client._STATE_CB, client._LOG_CB):
            self.assertIsInstance(cb, ctypes._CFuncPtr)

    def test_strerror_and_enums(self):
        lib = zoomws.load_library(library_path())
        self.assertEqual(lib.strerror(zoomws.Error.AUTH), "credentials refused")
        for state in zoomws.State:
            self.assertEqual(lib.zws_state_name(state).decode(), state.name)
        e = zoomws.ZoomWSError(-501, "refused")
        self.assertIs(e.code, zoomws.Error.AUTH)
        self.assertEqual(e.args, (zoomws.Error.AUTH, "refused"))
        self.assertIsInstance(zoomws.errors.make_error(-303), zoomws.TLSVerifyError)
        self.assertIsInstance(zoomws.errors.make_error(-999), zoomws.ZoomWSError)
