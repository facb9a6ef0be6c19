# libzoomws — see README.md. `make` builds the library and tools; `make demo`
# runs the listener against the bundled simulator; `make check` runs the tests.

VERSION_MAJOR := $(shell sed -n 's/^\#define ZWS_VERSION_MAJOR \([0-9]*\)/\1/p' include/zoomws.h)
VERSION_MINOR := $(shell sed -n 's/^\#define ZWS_VERSION_MINOR \([0-9]*\)/\1/p' include/zoomws.h)
VERSION_PATCH := $(shell sed -n 's/^\#define ZWS_VERSION_PATCH \([0-9]*\)/\1/p' include/zoomws.h)
VERSION := $(VERSION_MAJOR).$(VERSION_MINOR).$(VERSION_PATCH)

PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
BINDIR ?= $(PREFIX)/bin
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
DESTDIR ?=

CC ?= cc
OPT ?= -O2 -g
WARN := -Wall -Wextra -Werror -Wshadow -Wconversion -Wno-sign-conversion
CFLAGS ?= $(OPT)
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS)
DEPS_LIBS := -lcurl -lssl -lcrypto -lwslay -ljansson -lpthread

B := build
SONAME := libzoomws.so.$(VERSION_MAJOR)
SHARED := $(B)/libzoomws.so.$(VERSION)
STATIC := $(B)/libzoomws.a

LIB_SRC := $(wildcard lib/*.c)
LIB_OBJ := $(LIB_SRC:lib/%.c=$(B)/lib/%.o)
MOCK_SRC := $(wildcard tools/mock/*.c)
LISTEN_SRC := $(wildcard tools/listen/*.c)
TOOLS := $(B)/zoomws-mock $(B)/zoomws-listen

.PHONY: all deps demo check check-unit check-integration install uninstall clean
all: $(SHARED) $(B)/libzoomws.so $(STATIC) $(B)/zoomws.pc $(TOOLS)

# ---------------------------------------------------------------- library
$(B)/lib/%.o: lib/%.c lib/internal.h include/zoomws.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -fPIC -fvisibility=hidden -Iinclude -c $< -o $@
$(B)/lib/jscan.o: lib/jscan_compact.h

$(SHARED): $(LIB_OBJ) lib/zoomws.map
	$(CC) -shared -Wl,-soname,$(SONAME) -Wl,--version-script=lib/zoomws.map -Wl,-z,defs \
	  $(LDFLAGS) -o $@ $(LIB_OBJ) $(DEPS_LIBS)

$(B)/$(SONAME) $(B)/libzoomws.so: $(SHARED)
	ln -sf $(notdir $(SHARED)) $(B)/$(SONAME)
	ln -sf $(SONAME) $(B)/libzoomws.so

$(STATIC): $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(B)/zoomws.pc: pkgconfig/zoomws.pc.in Makefile include/zoomws.h
	@mkdir -p $(@D)
	sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|; s|@INCLUDEDIR@|$(INCLUDEDIR)|; s|@VERSION@|$(VERSION)|' $< > $@

# ---------------------------------------------------------------- tools
$(B)/zoomws-mock: $(MOCK_SRC) $(wildcard tools/mock/*.h)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Wno-conversion -o $@ $(MOCK_SRC) -lssl -lcrypto -lwslay -ljansson

$(B)/zoomws-listen: $(LISTEN_SRC) $(wildcard tools/listen/*.h) $(B)/libzoomws.so $(B)/$(SONAME)
	$(CC) $(ALL_CFLAGS) -Iinclude -o $@ $(LISTEN_SRC) -L$(B) -lzoomws -Wl,-rpath,'$$ORIGIN'

# ---------------------------------------------------------------- set-up
# The Debian packages needed to build and test; installed when run as root.
DEB_PKGS := build-essential pkg-config libssl-dev libcurl4-openssl-dev libwslay-dev \
	libjansson-dev libcmocka-dev python3 valgrind squid apache2-utils stunnel4
deps:
	@missing=$$(for p in $(DEB_PKGS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
	  grep -q 'install ok installed' || echo $$p; done); \
	if [ -z "$$missing" ]; then echo "deps: all Debian packages present"; \
	elif [ "$$(id -u)" = 0 ]; then echo "deps: installing$$(echo $$missing | sed 's/^/ /')"; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	else echo "deps: missing packages; run:"; echo "  sudo apt-get install -y" $$missing; exit 1; fi

# ---------------------------------------------------------------- demo
DEMO_SECONDS ?= 6
demo: deps
	@$(MAKE) --no-print-directory all
	@tools/demo.sh $(B) $(DEMO_SECONDS)

# ---------------------------------------------------------------- tests
include tests/tests.mk

# ---------------------------------------------------------------- install
install: all man install-man install-python
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(BINDIR)
	install -m 755 $(SHARED) $(DESTDIR)$(LIBDIR)/
	ln -sf $(notdir $(SHARED)) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libzoomws.so
	install -m 644 $(STATIC) $(DESTDIR)$(LIBDIR)/
	install -m 644 include/zoomws.h $(DESTDIR)$(INCLUDEDIR)/
	install -m 644 $(B)/zoomws.pc $(DESTDIR)$(PKGCONFIGDIR)/
	install -m 755 $(B)/zoomws-mock $(DESTDIR)$(BINDIR)/
	$(CC) $(ALL_CFLAGS) -Iinclude -o $(DESTDIR)$(BINDIR)/zoomws-listen $(LISTEN_SRC) \
	  -L$(B) -lzoomws -Wl,-rpath,$(LIBDIR)

uninstall: uninstall-man uninstall-python
	rm -f $(DESTDIR)$(LIBDIR)/$(notdir $(SHARED)) $(DESTDIR)$(LIBDIR)/$(SONAME) \
	  $(DESTDIR)$(LIBDIR)/libzoomws.so $(DESTDIR)$(LIBDIR)/libzoomws.a \
	  $(DESTDIR)$(INCLUDEDIR)/zoomws.h $(DESTDIR)$(PKGCONFIGDIR)/zoomws.pc \
	  $(DESTDIR)$(BINDIR)/zoomws-mock $(DESTDIR)$(BINDIR)/zoomws-listen

clean:
	rm -rf $(B)
