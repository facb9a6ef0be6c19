#!/bin/sh
# Stages `make install DESTDIR=...`, checks what it installed, then builds an
# outside program with nothing but `pkg-config --cflags --libs zoomws` (and
# --static) and runs both builds. cmocka-style lines for tests/run-tests.sh.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
failed=""
nfailed=0
ok() { echo "[       OK ] install: $1"; }
bad() { echo "[  ERROR   ] install: $1: $2"; failed="$failed
[  FAILED  ] install: $1"; nfailed=$((nfailed + 1)); }

prefix=/usr/local
if make -s -C "$top" install DESTDIR="$stage" PREFIX="$prefix" >"$stage/install.log" 2>&1; then
    ok "make install DESTDIR"
else
    bad "make install DESTDIR" "$(tail -3 "$stage/install.log")"
fi
lib="$stage$prefix/lib"
for f in "$lib/libzoomws.so" "$lib/libzoomws.a" "$stage$prefix/include/zoomws.h" \
         "$lib/pkgconfig/zoomws.pc" "$stage$prefix/bin/zoomws-listen" "$stage$prefix/bin/zoomws-mock"; do
    [ -e "$f" ] || bad "installed files" "missing ${f#$stage}"
done
[ -e "$stage$prefix/share/man/man3/zws_client_on.3" ] || bad "man pages" "zws_client_on.3 missing"
py=$(find "$stage" -path '*/zoomws/__init__.py' | head -1)
if [ -n "$py" ] && PYTHONPATH="${py%/zoomws/__init__.py}" python3 -c 'import zoomws' 2>/dev/null; then
    ok "man pages and the Python package ($(echo "${py#$stage}" | sed 's|/zoomws/__init__.py||'))"
else
    bad "python package" "not installed or not importable"
fi
soname=$(objdump -p "$lib/libzoomws.so" 2>/dev/null | sed -n 's/ *SONAME *//p')
if [ -n "$soname" ] && [ -L "$lib/$soname" ] && [ -L "$lib/libzoomws.so" ]; then
    ok "SONAME $soname and its links"
else
    bad "SONAME links" "soname '$soname'"
fi

cat >"$stage/outside.c" <<'C'
#include <stdio.h>
#include <zoomws.h>
int main(void)
{
    zws_client *c = zws_client_new();
    int on = zws_client_on(c, "meeting.*", NULL, NULL); /* refused: no callback */
    printf("libzoomws %s (0x%06x), on(NULL cb) = %s\n", zws_version(), zws_version_number(),
           zws_strerror(on));
    zws_client_free(c);
    return zws_version_number() == ZWS_VERSION_NUMBER && on == ZWS_E_INVALID ? 0 : 1;
}
C
export PKG_CONFIG_PATH="$lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$stage"
if cc -o "$stage/outside" "$stage/outside.c" $(pkg-config --cflags --libs zoomws) 2>"$stage/cc.log" &&
   LD_LIBRARY_PATH="$lib" "$stage/outside" >"$stage/run.log" 2>&1; then
    ok "pkg-config --cflags --libs: $(cat "$stage/run.log")"
else
    bad "pkg-config shared build" "$(cat "$stage/cc.log" "$stage/run.log" 2>/dev/null | head -3)"
fi
# static: only the archive in the library directory, so -lzoomws means libzoomws.a
mkdir -p "$stage/static" && cp "$lib/libzoomws.a" "$stage/static/"
if cc -o "$stage/outside-static" "$stage/outside.c" \
       $(pkg-config --static --cflags --libs zoomws | sed "s|-L[^ ]*|-L$stage/static|") 2>"$stage/cc.log" &&
   "$stage/outside-static" >/dev/null 2>&1 && ! ldd "$stage/outside-static" | grep -q libzoomws; then
    ok "pkg-config --static (libzoomws.a linked in)"
else
    bad "pkg-config static build" "$(head -3 "$stage/cc.log")"
fi
if make -s -C "$top" uninstall DESTDIR="$stage" PREFIX="$prefix" >/dev/null 2>&1 &&
   [ ! -e "$lib/libzoomws.so" ] && [ ! -e "$stage$prefix/include/zoomws.h" ]; then
    ok "make uninstall"
else
    bad "make uninstall" "files left"
fi
if [ "$nfailed" -gt 0 ]; then
    echo "[  FAILED  ] $nfailed test(s), listed below:$failed"
    exit 1
fi
