# Examples: included by tests/tests.mk (B, CC, ALL_CFLAGS come from the Makefile).
# The generic rule there builds examples/NAME.c against libzoomws alone; the
# event-loop examples below also need their loop's library.
DEB_PKGS += libuv1-dev libevent-dev libev-dev libglib2.0-dev

LOOP_EXAMPLES := libuv libevent libev glib
# Evaluated when used, so after `make deps` has installed the packages. libev
# has no pkg-config file on Debian 12: -lev then.
EXAMPLE_LIBS_libuv = $(shell pkg-config --cflags --libs libuv)
EXAMPLE_LIBS_libevent = $(shell pkg-config --cflags --libs libevent)
EXAMPLE_LIBS_libev = $(shell pkg-config --cflags --libs libev 2>/dev/null || echo -lev)
EXAMPLE_LIBS_glib = $(shell pkg-config --cflags --libs glib-2.0)

# Static pattern rules are explicit rules: they take precedence over $(B)/examples/%.
$(LOOP_EXAMPLES:%=$(B)/examples/%): $(B)/examples/%: examples/%.c examples/example.h $(B)/libzoomws.so
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Iinclude -o $@ $< -L$(B) -lzoomws -Wl,-rpath,'$$ORIGIN/..' \
	  $(EXAMPLE_LIBS_$*)

EXAMPLE_BINS := $(patsubst examples/%.c,$(B)/examples/%,$(wildcard examples/*.c))
EXTRA_TEST_DEPS += $(EXAMPLE_BINS)
# Each example against one simulator, and multi with 100 clients (a few seconds).
EXTRA_TESTS += examples/run-examples.sh

.PHONY: run-examples
run-examples: $(EXAMPLE_BINS) $(B)/zoomws-mock
	@ZOOMWS_MOCK=$(abspath $(B)/zoomws-mock) ZOOMWS_BUILD=$(abspath $(B)) examples/run-examples.sh
