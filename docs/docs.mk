# Documentation: included by tests/tests.mk (B, CC, ALL_CFLAGS and PREFIX come
# from the Makefile).
#
#   make man             section-3 pages from include/zoomws.h's doc comments,
#                        into $(B)/man/man3 (docs/gen-man.py; fails when a
#                        ZWS_API function has no doc comment)
#   make install-man     installs them into $(DESTDIR)$(MANDIR)/man3
#   make uninstall-man   removes them again
#
# `make check` builds the pages and runs docs/check-docs.sh: the generator,
# groff -ww on every page, the C and Python blocks of docs/**/*.md and
# README.md (see docs/README.md for which blocks are compiled), and the
# docs' references to the header, the simulator and each other.

DEB_PKGS += groff-base

MANDIR ?= $(PREFIX)/share/man
MAN_OUT := $(B)/man/man3

.PHONY: man install-man uninstall-man
man: $(MAN_OUT)/zoomws.3

# One run writes every page (and removes those of vanished functions).
$(MAN_OUT)/zoomws.3: include/zoomws.h docs/gen-man.py examples/minimal.c
	python3 docs/gen-man.py --header include/zoomws.h --example examples/minimal.c --out $(MAN_OUT)

install-man: man
	install -d $(DESTDIR)$(MANDIR)/man3
	install -m 644 $(MAN_OUT)/*.3 $(DESTDIR)$(MANDIR)/man3/

uninstall-man:
	for page in $$(python3 docs/gen-man.py --header include/zoomws.h --list); do \
	  rm -f $(DESTDIR)$(MANDIR)/man3/$$page; done

EXTRA_TEST_DEPS += man
EXTRA_TESTS += docs/check-docs.sh
