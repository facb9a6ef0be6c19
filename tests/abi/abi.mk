# ABI guarantee (libabigail, Debian abigail-tools). The baseline is written once
# per release with `make abi-baseline`; `make abi-check` fails on any change that
# breaks programs built against it (additions are fine within a major).
DEB_PKGS += abigail-tools
ABI_HEADER := abi/zoomws-$(VERSION_MAJOR).0.h

$(B)/libzoomws.abi: $(SHARED) include/zoomws.h
	abidw --headers-dir include --drop-private-types --no-show-locs --out-file $@ $(SHARED)

.PHONY: abi-check abi-baseline
abi-check: $(B)/libzoomws.abi
	@abidiff \
	  abi/libzoomws.abi $(B)/libzoomws.abi; rc=$$?; \
	if [ $$((rc & 11)) -ne 0 ]; then echo "abi-check: incompatible ABI change (abidiff $$rc)"; exit 1; fi; \
	echo "abi-check: compatible with abi/libzoomws.abi (abidiff $$rc)"

abi-baseline: $(B)/libzoomws.abi
	cp $(B)/libzoomws.abi abi/libzoomws.abi
	cp include/zoomws.h $(ABI_HEADER)

$(B)/tests/old_client: tests/abi/old_client.c $(ABI_HEADER) $(B)/libzoomws.so
	@mkdir -p $(@D) $(B)/abi-include
	cp $(ABI_HEADER) $(B)/abi-include/zoomws.h
	$(CC) $(ALL_CFLAGS) -I$(B)/abi-include -o $@ $< -L$(B) -lzoomws -Wl,-rpath,'$$ORIGIN/..'

EXTRA_TESTS += tests/abi/check-abi.sh
EXTRA_TEST_DEPS += $(B)/tests/old_client $(B)/libzoomws.abi
