# Tests: unit tests (cmocka, against the static library and its internals),
# integration tests (cmocka, against the shared library and a live zoomws-mock
# over TLS on loopback), and build checks of the public header and ABI.

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
INTEG_SRC := $(wildcard tests/integration/test_*.c)
INTEG_BIN := $(INTEG_SRC:tests/integration/%.c=$(B)/tests/%)
HARNESS_SRC := $(wildcard tests/integration/harness*.c)
TEST_CFLAGS := $(ALL_CFLAGS) -Wno-conversion -Iinclude -Ilib -Itests/integration

$(B)/tests/test_%: tests/unit/test_%.c $(STATIC)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -o $@ $< $(STATIC) $(DEPS_LIBS) -lcmocka

$(B)/tests/test_%: tests/integration/test_%.c $(HARNESS_SRC) tests/integration/harness.h $(B)/libzoomws.so
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -o $@ $< $(HARNESS_SRC) -L$(B) -lzoomws -Wl,-rpath,'$$ORIGIN/..' \
	  -lcmocka -lcurl -ljansson -lpthread

# The scanner's tests again with its other paths: portable C instead of SSE2
# (what non-x86 builds run), and SSE2 without the SSSE3 decoder (x86-64 CPUs
# without SSSE3). lib/jscan.c is linked ahead of the static library.
SCAN_VARIANT_TESTS := jscan envelope event
PORTABLE_SCAN_BIN := $(SCAN_VARIANT_TESTS:%=$(B)/tests/portable_scan/test_%)
SSE2_SCAN_BIN := $(SCAN_VARIANT_TESTS:%=$(B)/tests/sse2_scan/test_%)
$(B)/tests/portable_scan/test_%: tests/unit/test_%.c lib/jscan.c lib/jscan_compact.h $(STATIC)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -DZWS_PORTABLE_SCAN -o $@ $< lib/jscan.c $(STATIC) $(DEPS_LIBS) -lcmocka
$(B)/tests/sse2_scan/test_%: tests/unit/test_%.c lib/jscan.c lib/jscan_compact.h $(STATIC)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -DZWS_NO_SSSE3 -o $@ $< lib/jscan.c $(STATIC) $(DEPS_LIBS) -lcmocka

# The public header alone, as strict C99 and as C++.
$(B)/tests/header_c99.o: include/zoomws.h
	@mkdir -p $(@D)
	printf '#include "zoomws.h"\nint main(void){return zws_version_number() ? 0 : 1;}\n' | \
	  $(CC) -std=c99 -pedantic-errors -Wall -Wextra -Werror -Iinclude -x c -c - -o $@
$(B)/tests/header_cxx.o: include/zoomws.h
	@mkdir -p $(@D)
	printf '#include "zoomws.h"\nint main(){return zws_version_number() ? 0 : 1;}\n' | \
	  g++ -std=c++11 -pedantic-errors -Wall -Wextra -Werror -Iinclude -x c++ -c - -o $@

.PHONY: check-header check-symbols check-unit check-integration
check-header: $(B)/tests/header_c99.o $(B)/tests/header_cxx.o
	@echo "header: compiles as pedantic C99 and C++"

# Exported symbols == the version script == the ZWS_API declarations.
check-symbols: $(SHARED)
	@nm -D --defined-only $(SHARED) | awk '$$2 == "T" {print $$3}' | sed 's/@.*//' | sort > $(B)/tests.exported
	@sed -n 's/^ *\(zws_[a-z0-9_]*\);/\1/p' lib/zoomws.map | sort > $(B)/tests.map
	@grep -ohE '^ZWS_API [^(]*\(' include/zoomws.h | grep -oE 'zws_[a-z0-9_]+\($$' | tr -d '(' | sort > $(B)/tests.header
	@diff -u $(B)/tests.map $(B)/tests.exported && diff -u $(B)/tests.map $(B)/tests.header && \
	  echo "symbols: $$(wc -l < $(B)/tests.map) exported = version script = header"

check-unit: $(UNIT_BIN)
	@tests/run-tests.sh $(UNIT_BIN)

check-integration: $(INTEG_BIN) $(B)/zoomws-mock
	@ZOOMWS_MOCK=$(abspath $(B)/zoomws-mock) tests/run-tests.sh $(INTEG_BIN)

# Other parts of the project add test programs (any executable that prints
# cmocka-style "[       OK ] name" lines) to EXTRA_TESTS, what they need built
# to EXTRA_TEST_DEPS, and whole-check steps to CHECK_STEPS.
EXTRA_TESTS := tests/install/check-install.sh $(PORTABLE_SCAN_BIN) $(SSE2_SCAN_BIN)
EXTRA_TEST_DEPS := $(PORTABLE_SCAN_BIN) $(SSE2_SCAN_BIN)
CHECK_STEPS := check-header check-symbols check-examples
-include examples/examples.mk bindings/python/python.mk tests/fuzz/fuzz.mk tests/sanitize.mk tests/bench/bench.mk \
  tests/soak/soak.mk docs/docs.mk tests/abi/abi.mk

check: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory $(CHECK_STEPS)
	@$(MAKE) --no-print-directory check-build
	@ZOOMWS_MOCK=$(abspath $(B)/zoomws-mock) ZOOMWS_BUILD=$(abspath $(B)) \
	  tests/run-tests.sh $(UNIT_BIN) $(INTEG_BIN) $(EXTRA_TESTS)

.PHONY: check-build
check-build: $(UNIT_BIN) $(INTEG_BIN) $(EXTRA_TEST_DEPS)

# Examples are part of the documentation: they must build (and minimal.c runs
# against the simulator in tests/examples.sh).
EXAMPLES := $(patsubst examples/%.c,$(B)/examples/%,$(wildcard examples/*.c))
$(B)/examples/%: examples/%.c examples/example.h $(B)/libzoomws.so
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Iinclude -o $@ $< -L$(B) -lzoomws -Wl,-rpath,'$$ORIGIN/..'
check-examples: $(EXAMPLES) $(B)/zoomws-mock
	@tests/examples.sh $(B)
