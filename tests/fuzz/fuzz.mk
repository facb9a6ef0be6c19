# Fuzzing with libFuzzer (clang): one target per parser plus the whole receive
# path and a jansson differential; see tests/fuzz/README.md.
#   make fuzz [FUZZ_SECONDS=60] [FUZZ_TARGETS="receive envelope"]
#   make fuzz-smoke        ~5 s per target + the regression inputs (also part of
#                          make check, as tests/fuzz/run-smoke.sh)
# Included by tests/tests.mk (after LIB_SRC, B and DEPS_LIBS are defined).

DEB_PKGS += clang libclang-rt-14-dev

FUZZ_CC ?= clang
FUZZ_B := $(B)/fuzz
FUZZ_TARGETS ?= envelope handshake token_reply url envfile receive jscan_diff
FUZZ_ALL := envelope handshake token_reply url envfile receive jscan_diff
FUZZ_BIN := $(FUZZ_ALL:%=$(FUZZ_B)/fuzz_%)
FUZZ_SECONDS ?= 60
# FUZZ_EXTRA: more flags, e.g. for an exploratory build that lets known UBSan
# reports be suppressed (see README.md): FUZZ_EXTRA=-fsanitize-recover=pointer-overflow
FUZZ_EXTRA ?=
FUZZ_CFLAGS := -std=c11 -g -O1 -fno-omit-frame-pointer -D_GNU_SOURCE \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined $(FUZZ_EXTRA)
FUZZ_LIB_OBJ := $(LIB_SRC:lib/%.c=$(FUZZ_B)/lib/%.o)

# The library and the listener's parser, instrumented for coverage and sanitized.
$(FUZZ_B)/lib/%.o: lib/%.c lib/internal.h include/zoomws.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -Iinclude -c $< -o $@
$(FUZZ_B)/listen/envfile.o: tools/listen/envfile.c tools/listen/envfile.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

# (objects named in a pattern rule would otherwise be deleted as intermediates)
.SECONDARY: $(FUZZ_LIB_OBJ) $(FUZZ_B)/listen/envfile.o

$(FUZZ_B)/fuzz_envfile: $(FUZZ_B)/listen/envfile.o
$(FUZZ_B)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.h $(FUZZ_LIB_OBJ)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Wall -Wextra -Werror -fsanitize=fuzzer -Iinclude -Ilib \
	  -Itools/listen -o $@ $(filter %.c %.o,$^) $(DEPS_LIBS)

.PHONY: fuzz fuzz-smoke fuzz-build
fuzz-build: $(FUZZ_BIN)

fuzz: $(FUZZ_TARGETS:%=$(FUZZ_B)/fuzz_%)
	@tests/fuzz/run-fuzz.sh $(FUZZ_B) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-smoke: $(FUZZ_BIN)
	@ZOOMWS_BUILD=$(abspath $(B)) tests/fuzz/run-smoke.sh

EXTRA_TESTS += tests/fuzz/run-smoke.sh
EXTRA_TEST_DEPS += $(FUZZ_BIN)

# Unit tests that pin down what the fuzzers found (gcc, against the static
# library like tests/unit); see README.md for each finding and its fix.
EXTRA_TESTS += $(B)/tests/test_fuzz_regressions
EXTRA_TEST_DEPS += $(B)/tests/test_fuzz_regressions
.PHONY: fuzz-regressions
$(B)/tests/test_fuzz_regressions: tests/fuzz/regressions/test_fuzz_regressions.c $(STATIC)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -o $@ $< $(STATIC) $(DEPS_LIBS) -lcmocka
fuzz-regressions: $(B)/tests/test_fuzz_regressions
	@tests/run-tests.sh $<
