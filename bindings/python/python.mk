# Python binding (bindings/python): included by tests/tests.mk. Its tests run
# in `make check` (against build/libzoomws.so.1 and build/zoomws-mock, found
# through ZOOMWS_BUILD); `make install-python` copies the pure-Python package
# into Python's site-packages (no pip needed; DESTDIR and PYTHONDIR honoured).
EXTRA_TESTS += bindings/python/run_tests.py
EXTRA_TEST_DEPS += $(B)/$(SONAME) $(B)/zoomws-mock

PYTHONDIR ?= $(shell python3 -c 'import sysconfig;print(sysconfig.get_paths()["purelib"])')
PYTHON_PKG := $(wildcard bindings/python/zoomws/*.py)

.PHONY: install-python uninstall-python
install-python:
	install -d $(DESTDIR)$(PYTHONDIR)/zoomws
	install -m 644 $(PYTHON_PKG) $(DESTDIR)$(PYTHONDIR)/zoomws/

uninstall-python:
	rm -rf $(DESTDIR)$(PYTHONDIR)/zoomws
