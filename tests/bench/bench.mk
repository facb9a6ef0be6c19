# Benchmarks: `make bench` builds the library, the simulator and the bench programs, installs
# the bench's extras (as root; otherwise it prints what is missing), runs
# tests/bench/run_bench.py, prints one table and writes tests/bench/results.md.
# Not part of `make check`: nothing here is asserted, and nothing is added to DEB_PKGS.
#
#   make bench                          the full run (about 10 minutes on 2 cores)
#   make bench BENCH_ARGS=--quick       a small run to try it out
#   make bench BENCH_ARGS='--only throughput,latency --runs 3'

BENCH_BIN := $(B)/bench/zws_bench
BENCH_PYTHON := $(firstword $(wildcard /usr/bin/python3) python3)
# Debian packages of the bench only: the Python baseline, the profilers. Node.js and npm
# are checked as commands (any Node.js >= 18 will do).
BENCH_DEB_PKGS := python3-websockets linux-perf valgrind
BENCH_ARGS ?=

$(B)/bench/zws_bench: tests/bench/zws_bench.c include/zoomws.h $(B)/libzoomws.so
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Iinclude -o $@ $< -L$(B) -lzoomws -Wl,-rpath,'$$ORIGIN/..' -lcurl -lssl -lcrypto -lpthread

.PHONY: bench bench-deps
bench-deps:
	@missing=$$(for p in $(BENCH_DEB_PKGS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
	  grep -q 'install ok installed' || echo $$p; done); \
	command -v node >/dev/null 2>&1 || missing="$$missing nodejs"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	if [ -z "$$missing" ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then echo "bench: installing$$(echo $$missing | sed 's/^/ /')"; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing || \
	  echo "bench: could not install$$missing; the bench skips what needs them"; \
	else echo "bench: missing packages (the bench skips what needs them); run:"; \
	  echo "  sudo apt-get install -y" $$missing; fi
	@if [ ! -d tests/bench/baselines/node_modules/ws ]; then \
	  if command -v npm >/dev/null 2>&1; then \
	    (cd tests/bench/baselines && npm ci --no-audit --no-fund --loglevel=error) || \
	      echo "bench: npm ci failed; the Node.js baseline is skipped"; \
	  else echo "bench: no npm; the Node.js baseline is skipped"; fi; \
	fi

bench: deps
	@$(MAKE) --no-print-directory all $(BENCH_BIN) bench-deps
	$(BENCH_PYTHON) tests/bench/run_bench.py --build $(B) $(BENCH_ARGS)
