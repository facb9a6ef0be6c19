# `make soak SOAK_MINUTES=30` (not part of make check): the long runs.
SOAK_MINUTES ?= 30
$(B)/tests/soak: tests/soak/soak.c $(HARNESS_SRC) tests/integration/harness.h $(B)/libzoomws.so
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -o $@ $< $(HARNESS_SRC) -L$(B) -lzoomws -Wl,-rpath,'$$ORIGIN/..' \
	  -lcurl -ljansson -lpthread

.PHONY: soak
soak: all $(B)/tests/soak $(B)/tests/test_events $(B)/tests/test_churn
	ZOOMWS_MOCK=$(abspath $(B)/zoomws-mock) EVENTS_COUNT=1000000 $(B)/tests/test_events
	ZOOMWS_MOCK=$(abspath $(B)/zoomws-mock) CHURN_CYCLES=10000 $(B)/tests/test_churn
	ZOOMWS_MOCK=$(abspath $(B)/zoomws-mock) SOAK_MINUTES=$(SOAK_MINUTES) $(B)/tests/soak
