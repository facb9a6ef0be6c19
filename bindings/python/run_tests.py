#!/usr/bin/env python3
"""Runs the Python binding's tests (unittest) and prints cmocka-style lines,
which tests/run-tests.sh counts:

    [ RUN      ] test_module.Class.test_name
    [       OK ] test_module.Class.test_name
    ...
    [  FAILED  ] N test(s), listed below:
    [  FAILED  ] test_module.Class.test_name

Exits 0 only if every test passed. The library and the simulator are found
through ZOOMWS_LIBRARY / ZOOMWS_MOCK, else ZOOMWS_BUILD (the build directory,
as `make check` sets it), else ../../build relative to this file.
Arguments: unittest name patterns (-k) to run a subset.
"""
import faulthandler
import os
import sys
import time
import unittest

sys.dont_write_bytecode = True  # keep the source tree clean (children too)
os.environ["PYTHONDONTWRITEBYTECODE"] = "1"

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.join(HERE, "tests")


class CmockaResult(unittest.TextTestResult):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.failed_names = []
        self.passed = 0

    @staticmethod
    def name(test):
        return test.id()

    def _line(self, tag, test):
        self.stream.write("[%s] %s\n" % (tag, self.name(test)))
        self.stream.flush()

    def startTest(self, test):
        unittest.TestResult.startTest(self, test)
        self._started = time.monotonic()
        self._line(" RUN      ", test)

    def addSuccess(self, test):
        unittest.TestResult.addSuccess(self, test)
        self.passed += 1
        self._line("       OK ", test)

    def _fail(self, test, err, kind):
        self.stream.write(self._exc_info_to_string(err, test))
        self.failed_names.append(self.name(test))
        self._line("  %-8s" % kind, test)

    def addFailure(self, test, err):
        unittest.TestResult.addFailure(self, test, err)
        self._fail(test, err, "FAILED")

    def addError(self, test, err):
        unittest.TestResult.addError(self, test, err)
        if isinstance(test, unittest.suite._ErrorHolder):  # setUpClass & co.
            self.stream.write(self._exc_info_to_string(err, test))
            self.failed_names.append(str(test))
            self._line("  ERROR   ", test)
        else:
            self._fail(test, err, "ERROR")

    def addSkip(self, test, reason):
        unittest.TestResult.addSkip(self, test, reason)
        self.stream.write("[  SKIPPED ] %s: %s\n" % (self.name(test), reason))

    def addExpectedFailure(self, test, err):
        unittest.TestResult.addExpectedFailure(self, test, err)
        self.passed += 1
        self._line("       OK ", test)

    def addUnexpectedSuccess(self, test):
        unittest.TestResult.addUnexpectedSuccess(self, test)
        self.failed_names.append(self.name(test))
        self._line("  FAILED  ", test)



def main(argv):
    os.chdir(TESTS)
    sys.path.insert(0, TESTS)
    sys.path.insert(1, HERE)
    build = os.environ.get("ZOOMWS_BUILD")
    if build:
        os.environ.setdefault("ZOOMWS_LIBRARY", os.path.join(build, "libzoomws.so.1"))
        os.environ.setdefault("ZOOMWS_MOCK", os.path.join(build, "zoomws-mock"))
    # a hung test must not hang `make check`: dump the stacks and exit(1)
    faulthandler.dump_traceback_later(float(os.environ.get("ZOOMWS_PY_TEST_TIMEOUT", "120")),
                                      exit=True)
    loader = unittest.TestLoader()
    if argv:
        loader.testNamePatterns = ["*%s*" % a if "*" not in a else a for a in argv]
    suite = loader.discover(TESTS, pattern="test_*.py", top_level_dir=TESTS)
    result = CmockaResult(unittest.runner._WritelnDecorator(sys.stdout), True, 0)
    print("[==========] python: zoomws binding")
    sys.stdout.flush()
    t0 = time.monotonic()
    result.startTestRun()
    try:
        suite.run(result)
    finally:
        result.stopTestRun()
    total = result.testsRun
    print("[==========] %d test(s) run in %.1f s." % (total, time.monotonic() - t0))
    print("[  PASSED  ] %d test(s)." % result.passed)
    if result.failed_names:
        print("[  FAILED  ] %d test(s), listed below:" % len(result.failed_names))
        for name in result.failed_names:
            print("[  FAILED  ] %s" % name)
    sys.stdout.flush()
    return 0 if not result.failed_names and total > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
