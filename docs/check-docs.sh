#!/bin/sh
# The documentation's tests, one cmocka-style line each (counted by
# tests/run-tests.sh):
#   docs: man pages                 docs/gen-man.py succeeds (every ZWS_API
#                                   function has a doc comment)
#   docs: man pages render          groff -man -ww prints no warning for any page
#   docs: <file> block N            each C block of docs/**/*.md and README.md
#                                   that contains `int main(` or is fenced
#                                   ```c compile compiles (and a program links)
#                                   against include/ and libzoomws; each
#                                   ```python block passes py_compile
#   docs: API names exist           every zws_*/ZWS_* name the docs use is in
#                                   include/zoomws.h
#   docs: troubleshooting covers every error code
#   docs: simulator guide covers zoomws-mock
#   docs: relative links resolve
# Exits non-zero if any failed.
#   ZOOMWS_BUILD  build directory, absolute (default: ./build of the tree)
#   CC, DOCS_CFLAGS  compiler and flags for the C blocks
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
B=${ZOOMWS_BUILD:-$root/build}
CC=${CC:-cc}
CFLAGS=${DOCS_CFLAGS:--std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wconversion -Wno-sign-conversion}
PYTHON=${PYTHON:-python3}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-docs.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$root" || exit 1

run=0 failed_names=""
# pass NAME / fail NAME [DETAIL FILE]
pass() { run=$((run + 1)); echo "[       OK ] $1"; }
fail() {
    run=$((run + 1))
    [ $# -gt 1 ] && [ -s "$2" ] && sed 's/^/      /' "$2"
    echo "[  FAILED  ] $1"
    failed_names="$failed_names
$1"
}
start() { echo "[ RUN      ] $1"; }

docs=$( (find docs -name '*.md' | LC_ALL=C sort; echo README.md) )

# ------------------------------------------------------------ man pages
name="docs: man pages"
start "$name"
if "$PYTHON" docs/gen-man.py --header include/zoomws.h --example examples/minimal.c \
        --out "$tmp/man3" >"$tmp/gen.log" 2>&1; then
    pass "$name"
    name="docs: man pages render"
    start "$name"
    : >"$tmp/groff.log"
    pages=0
    for page in "$tmp"/man3/*.3; do
        pages=$((pages + 1))
        groff -man -Tutf8 -ww -z "$page" >"$tmp/one.log" 2>&1
        if [ -s "$tmp/one.log" ] || [ "$(groff -man -Tutf8 "$page" 2>/dev/null | wc -l)" -lt 8 ]; then
            { echo "$(basename "$page"):"; cat "$tmp/one.log"; } >>"$tmp/groff.log"
        fi
    done
    if command -v groff >/dev/null && [ "$pages" -gt 1 ] && [ ! -s "$tmp/groff.log" ]; then
        echo "      $pages pages, no groff warning"
        pass "$name"
    else
        command -v groff >/dev/null || echo "groff not found (Debian: groff-base)" >>"$tmp/groff.log"
        fail "$name" "$tmp/groff.log"
    fi
else
    fail "$name" "$tmp/gen.log"
fi

# ------------------------------------------------------------ code blocks
# Each fenced block of a checked kind goes to $tmp/blocks/<file>.<n>.<ext>;
# index lines: path TAB n TAB line TAB lang TAB info
mkdir -p "$tmp/blocks"
: >"$tmp/index"
for md in $docs; do
    case $md in docs/*) rel=${md#docs/} ;; *) rel=$md ;; esac
    key=$(printf '%s' "$rel" | tr '/' '_')
    awk -v dir="$tmp/blocks" -v key="$key" -v rel="$rel" -v index_file="$tmp/index" '
        function fence_end(s) { return s ~ /^[ \t]*```[ \t]*$/ }
        !inb && /^[ \t]*```/ {
            info = $0; sub(/^[ \t]*```[ \t]*/, "", info); sub(/[ \t]+$/, "", info)
            lang = info; sub(/[ \t].*/, "", lang)
            indent = match($0, /[^ \t]/) - 1
            inb = 1; start = NR + 1; keep = (lang == "c" || lang == "python" || lang == "py")
            if (keep) {
                n++
                file = dir "/" key "." n "." (lang == "c" ? "c" : "py")
                printf "%s\t%d\t%d\t%s\t%s\n", rel, n, start, lang, info >> index_file
                printf "" > file
            }
            next
        }
        inb && fence_end($0) { if (keep) close(file); inb = 0; next }
        inb && keep { line = $0; print substr(line, indent + 1) > file }
    ' "$md"
done

while IFS="$(printf '\t')" read -r rel n line lang info; do
    key=$(printf '%s' "$rel" | tr '/' '_')
    name="docs: $rel block $n"
    log="$tmp/block.log"
    if [ "$lang" = c ]; then
        src="$tmp/blocks/$key.$n.c"
        case " $info " in *" compile "*) compile=1 ;; *) compile=0 ;; esac
        grep -q 'int main *(' "$src" && main=1 || main=0
        [ "$compile" = 1 ] || [ "$main" = 1 ] || continue   # an illustrative fragment
        cflags="" libs=""
        for word in $info; do
            case $word in
                pkg=*) cflags="$cflags $(pkg-config --cflags "${word#pkg=}" 2>/dev/null)"
                       libs="$libs $(pkg-config --libs "${word#pkg=}" 2>/dev/null)" ;;
                -l*) libs="$libs $word" ;;
            esac
        done
        start "$name"
        # shellcheck disable=SC2086 # word splitting of the flag lists is intended
        if [ "$main" = 1 ]; then
            $CC $CFLAGS $cflags -I"$root/include" -o "$tmp/a.out" "$src" -L"$B" -lzoomws $libs >"$log" 2>&1
        else
            $CC $CFLAGS $cflags -I"$root/include" -c -o "$tmp/a.o" "$src" >"$log" 2>&1
        fi
    else
        src="$tmp/blocks/$key.$n.py"
        start "$name"
        "$PYTHON" -m py_compile "$src" >"$log" 2>&1
    fi
    if [ $? -eq 0 ]; then
        pass "$name"
    else
        sed -i "s|$src|$rel (block $n, from line $line)|g" "$log"
        echo "($rel line $line, \`\`\`$info)" >>"$log"
        fail "$name" "$log"
    fi
done <"$tmp/index"

# ------------------------------------------------------------ names
# zws_* and ZWS_* names in the docs must exist in the header; "zws_status_*"
# must prefix one. Internal names (module__verb) are not API names.
name="docs: API names exist"
start "$name"
grep -oE '\b(zws|ZWS)_[A-Za-z0-9_]*' include/zoomws.h | sort -u >"$tmp/known"
: >"$tmp/unknown"
for md in $docs; do
    # (a "#zws_e_..." link anchor is not a name)
    grep -noE '#?\b(zws|ZWS)_[A-Za-z0-9_]*\*?' "$md" | grep -v '__' | while IFS=: read -r ln word; do
        case $word in
            \#*) ;;
            *\*) grep -q "^${word%\*}" "$tmp/known" || echo "$md:$ln: $word" ;;
            *) grep -qx "$word" "$tmp/known" || echo "$md:$ln: $word" ;;
        esac
    done >>"$tmp/unknown"
done
if [ -s "$tmp/unknown" ]; then
    sed -i '1i not in include/zoomws.h:' "$tmp/unknown"
    fail "$name" "$tmp/unknown"
else
    pass "$name"
fi

name="docs: troubleshooting covers every error code"
start "$name"
: >"$tmp/missing"
for code in $(grep -oE '^ *ZWS_E_[A-Z_]+' include/zoomws.h); do
    grep -q "^#.*\b$code\b" docs/guides/troubleshooting.md || echo "no heading for $code" >>"$tmp/missing"
done
if [ -s "$tmp/missing" ]; then fail "$name" "$tmp/missing"; else pass "$name"; fi

# Every option of `zoomws-mock --help` and every /_mock/ endpoint of its README.
name="docs: simulator guide covers zoomws-mock"
start "$name"
: >"$tmp/missing"
if [ -x "$B/zoomws-mock" ]; then
    opts=$("$B/zoomws-mock" --help 2>&1 | grep -oE '^ +--[a-z0-9-]+' | tr -d ' ')
    [ -n "$opts" ] || echo "zoomws-mock --help lists no option" >>"$tmp/missing"
    for o in $opts; do
        grep -q -- "\`$o" docs/guides/simulator.md || echo "option $o" >>"$tmp/missing"
    done
else
    echo "$B/zoomws-mock not built" >>"$tmp/missing"
fi
for e in $(grep -oE '/_mock/[a-z-]+' tools/mock/README.md | sort -u); do
    grep -q -- "$e\b" docs/guides/simulator.md || echo "endpoint $e" >>"$tmp/missing"
done
if [ -s "$tmp/missing" ]; then
    sed -i '1i not in docs/guides/simulator.md:' "$tmp/missing"
    fail "$name" "$tmp/missing"
else
    pass "$name"
fi

name="docs: relative links resolve"
start "$name"
: >"$tmp/broken"
for md in $docs; do
    d=$(dirname "$md")
    grep -noE '\]\([^)#][^)]*\)' "$md" | while IFS=: read -r ln link; do
        target=${link#](}
        target=${target%)}
        target=${target%%#*}
        case $target in http://* | https://* | mailto:*) continue ;; esac
        [ -e "$d/$target" ] || echo "$md:$ln: $target"
    done >>"$tmp/broken"
done
if [ -s "$tmp/broken" ]; then fail "$name" "$tmp/broken"; else pass "$name"; fi

# ------------------------------------------------------------ summary
nfailed=$(printf '%s' "$failed_names" | grep -c .)
echo "[==========] $run test(s) run."
echo "[  PASSED  ] $((run - nfailed)) test(s)."
if [ "$nfailed" -gt 0 ]; then
    echo "[  FAILED  ] $nfailed test(s), listed below:"
    printf '%s\n' "$failed_names" | grep . | sed 's/^/[  FAILED  ] /'
    exit 1
fi
exit 0
