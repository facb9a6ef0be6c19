# Sanitizer and valgrind runs of the unit and integration tests.
#   make check-asan       rebuild the library, zoomws-mock, zoomws-listen and the
#                         tests with ASan + UBSan into $(B)/asan, run the tests;
#                         any report (in a test, the library or the mock) fails
#   make check-valgrind   the normal build's tests under valgrind (memcheck)
# Included by tests/tests.mk.

SAN_B := $(B)/asan
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
# Every process (tests, the mock they spawn) writes its reports to files here,
# so that a report in a child process cannot go unnoticed.
SAN_REPORTS = $(abspath $(B))/san-reports
SAN_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:log_path=$(SAN_REPORTS)/asan \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:log_path=$(SAN_REPORTS)/ubsan \
	LSAN_OPTIONS=log_path=$(SAN_REPORTS)/lsan

.PHONY: check-asan check-asan-build check-asan-run check-valgrind
check-asan:
	@$(MAKE) --no-print-directory B=$(SAN_B) OPT="-O1 -g" CFLAGS="-O1 -g $(SAN_FLAGS)" \
	  LDFLAGS="$(SAN_FLAGS)" check-asan-build
	@$(MAKE) --no-print-directory B=$(SAN_B) OPT="-O1 -g" CFLAGS="-O1 -g $(SAN_FLAGS)" \
	  LDFLAGS="$(SAN_FLAGS)" check-asan-run

# (run with B=$(SAN_B) and the sanitizer flags: see check-asan)
check-asan-build: $(SHARED) $(B)/$(SONAME) $(B)/libzoomws.so $(STATIC) $(TOOLS) $(UNIT_BIN) $(INTEG_BIN)

check-asan-run:
	@rm -rf $(SAN_REPORTS) && mkdir -p $(SAN_REPORTS)
	@$(SAN_ENV) ZOOMWS_MOCK=$(abspath $(B)/zoomws-mock) ZOOMWS_BUILD=$(abspath $(B)) \
	  tests/run-tests.sh $(UNIT_BIN) $(INTEG_BIN); rc=$$?; \
	reports=$$(ls $(SAN_REPORTS)); \
	for f in $$reports; do echo "==== sanitizer report $$f"; cat $(SAN_REPORTS)/$$f; done; \
	if [ -n "$$reports" ]; then echo "check-asan: $$(echo $$reports | wc -w) sanitizer report(s)"; exit 1; fi; \
	[ $$rc -eq 0 ] && echo "check-asan: no sanitizer reports"; exit $$rc

# memcheck: definite and indirect leaks and every memory error fail the run
# (exit 99, counted by run-tests.sh as a failed program). Still-reachable
# blocks (OpenSSL's and libcurl's global state) are not errors by these rules.
VALGRIND := valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
	--error-exitcode=99 --track-fds=no --num-callers=30

check-valgrind: $(UNIT_BIN) $(INTEG_BIN) $(B)/zoomws-mock
	@TEST_WRAPPER="$(VALGRIND)" ZOOMWS_MOCK=$(abspath $(B)/zoomws-mock) ZOOMWS_BUILD=$(abspath $(B)) \
	  tests/run-tests.sh $(UNIT_BIN) $(INTEG_BIN)
