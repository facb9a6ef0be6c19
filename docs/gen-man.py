#!/usr/bin/env python3
"""Section-3 man pages from the doc comments of include/zoomws.h.

    gen-man.py [--header include/zoomws.h] [--example examples/minimal.c]
               (--out DIR | --list | --check)

--out DIR  writes one page per ZWS_API function (DIR/<function>.3) and the
           overview DIR/zoomws.3, and removes pages of functions that are gone
--list     prints the page file names, one per line (for uninstall-man)
--check    parses and validates only

Fails (exit 1, one line per problem on stderr) when a ZWS_API function has no
doc comment, so the manual cannot silently fall behind the header.

How comments attach (the header's own conventions):
  - "/** ... */" documents the declarations that follow it, up to the next doc
    comment or blank line. A declaration without a doc comment of its own
    shares the one before it only when that comment names it (the getters'
    "get_str ... get_int ..."), or when the comment documents a callback type
    the function takes (zws_ssl_ctx_cb / zws_client_set_ssl_ctx_cb).
  - A plain "/* ... */" at the start of a block is a note for the whole block
    (the status accessors' shared rules).
  - "/* ---- name */" starts an API section; "/**< ... */" documents an enum
    member or a type on its own line; a plain comment inside an enum heads a
    group of members ("strings (zws_client_set_str)").
  - Sentences saying what is returned ("Returns ...", "NULL if ...",
    "get_str returns ...") form RETURN VALUE; the rest is DESCRIPTION. An int
    function that changes a client (non-const zws_client * first) and says
    nothing about its result follows the header's general rule for errors.
"""
import argparse
import datetime
import os
import re
import sys

# Enums whose table appears on pages besides zoomws.3 (zws_option's groups go
# to the setter their group comment names). Unknown names are errors.
ENUM_PAGES = {
    "zws_error": ["zws_strerror", "zws_status_error"],
    "zws_state": ["zws_state_name", "zws_client_state", "zws_status_state", "zws_status_previous"],
    "zws_log_level": ["zws_client_set_log_cb"],
}
# NAME lines where the first sentence makes a poor one (a comment written for
# the callback type, a list, a "when ...:" clause). Unknown names are errors.
SUMMARY_OVERRIDES = {
    "zws_client_set_ssl_ctx_cb": "sets a hook that configures the client's OpenSSL SSL_CTX",
    "zws_client_config_from_env": "sets options from the ZOOM_* environment variables",
    "zws_status_lost_at_ms": "when the open connection was lost, in ms since the Unix epoch",
}
SECTION_TITLES = {"OpenSSL": "OpenSSL"}  # others: capitalised


class ParseError(Exception):
    pass


# ------------------------------------------------------------------ scanning

def scan(text):
    """The header as a list of items: ('blank',), ('section', name),
    ('doc', text, line), ('note', text, line), ('pp', text),
    ('decl', code, comments, trailing_doc, line)."""
    items, pos, n = [], 0, len(text)

    def line_of(p):
        return text.count("\n", 0, p) + 1

    while pos < n:
        m = re.compile(r"[ \t\r\n]*").match(text, pos)
        if m.group(0).count("\n") >= 2:
            items.append(("blank",))
        pos = m.end()
        if pos >= n:
            break
        if text.startswith("/*", pos):
            end = text.find("*/", pos + 2)
            if end < 0:
                raise ParseError("line %d: unterminated comment" % line_of(pos))
            raw = text[pos:end + 2]
            line = line_of(pos)
            pos = end + 2
            sec = re.match(r"/\*\s*-{3,}\s*(.*?)\s*\*/$", raw)
            if sec:
                items.append(("section", sec.group(1)))
            elif raw.startswith("/**<"):
                raise ParseError("line %d: a '/**<' comment that follows no declaration" % line)
            elif raw.startswith("/**"):
                items.append(("doc", comment_text(raw), line))
            else:
                items.append(("note", comment_text(raw), line))
            continue
        if text[pos] == "#":
            end = pos
            while True:
                nl = text.find("\n", end)
                nl = n if nl < 0 else nl
                if text[end:nl].rstrip().endswith("\\"):
                    end = nl + 1
                    continue
                break
            items.append(("pp", text[pos:nl]))
            pos = nl
            continue
        eol = text.find("\n", pos)
        eol = n if eol < 0 else eol
        rest = text[pos:eol].strip()
        if rest in ("}", 'extern "C" {'):  # the C++ guard
            pos = eol
            continue
        # a declaration: up to ';' at brace depth 0, comments set aside
        start, depth, code, comments = pos, 0, [], []
        while True:
            if pos >= n:
                raise ParseError("line %d: declaration without ';'" % line_of(start))
            if text.startswith("/*", pos):
                end = text.find("*/", pos + 2)
                if end < 0:
                    raise ParseError("line %d: unterminated comment" % line_of(pos))
                comments.append((len("".join(code)), text[pos:end + 2]))
                code.append(" ")
                pos = end + 2
                continue
            c = text[pos]
            depth += c == "{"
            depth -= c == "}"
            code.append(c)
            pos += 1
            if c == ";" and depth == 0:
                break
        trailing = None
        m = re.compile(r"[ \t]*(/\*\*<.*?\*/)", re.S).match(text, pos)
        if m:
            trailing = comment_text(m.group(1))
            pos = m.end()
        items.append(("decl", "".join(code), comments, trailing, line_of(start)))
    return items


def comment_text(raw):
    """The words of a comment, paragraphs separated by blank lines."""
    body = re.sub(r"^/\*\*?<?", "", raw)
    body = re.sub(r"\*/$", "", body)
    if "\n" not in body:
        return body.strip()
    lines = []
    for ln in body.split("\n"):
        ln = re.sub(r"^\s*\* ?", "", ln) if re.match(r"^\s*\*", ln) else ln
        lines.append(ln.rstrip())
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


def paragraphs(text):
    """Comment text -> list of paragraphs (each one string, whitespace folded)."""
    paras, cur = [], []
    for ln in text.split("\n"):
        if ln.strip():
            cur.append(ln.strip())
        elif cur:
            paras.append(" ".join(cur))
            cur = []
    if cur:
        paras.append(" ".join(cur))
    return paras


# ------------------------------------------------------------------ model

class Param:
    def __init__(self, type_, name):
        self.type, self.name = type_, name


class Func:
    def __init__(self, name, ret, params, line, section, is_typedef=False):
        self.name, self.ret, self.params, self.line = name, ret, params, line
        self.section, self.is_typedef = section, is_typedef
        self.doc = None        # comment text
        self.doc_owner = None  # the declaration whose comment it is
        self.note = None
        self.summary = None


class Enum:
    def __init__(self, name, doc, members, section):
        self.name, self.doc, self.members, self.section = name, doc, members, section


def split_params(s):
    s = s.strip()
    if s in ("", "void"):
        return []
    out = []
    for p in s.split(","):
        p = " ".join(p.split())
        m = re.match(r"^(.*?)(\w+)$", p)
        if not m:
            raise ParseError("cannot parse parameter %r" % p)
        out.append(Param(m.group(1).strip(), m.group(2)))
    return out


def parse_enum(code, comments, doc, section):
    m = re.match(r"\s*enum\s+(\w+)\s*\{(.*)\}\s*;\s*$", code, re.S)
    if not m:
        raise ParseError("cannot parse enum: %s" % code[:60])
    name = m.group(1)
    body_start = code.index("{") + 1
    members, value, group = [], -1, None
    events = []  # (offset in code, kind, payload), in order
    for off, raw in comments:
        events.append((off, "member-doc" if raw.startswith("/**<") else "group", comment_text(raw)))
    for mm in re.finditer(r"\b([A-Z][A-Z0-9_]*)\b(\s*=\s*([^,}]+))?", code[body_start:]):
        events.append((body_start + mm.start(), "member", (mm.group(1), mm.group(3))))
    for off, kind, payload in sorted(events, key=lambda e: e[0]):
        if kind == "group":
            group = " ".join(payload.split())
        elif kind == "member":
            mname, expr = payload
            if expr is not None:
                try:
                    value = int(expr.strip(), 0)
                except ValueError:
                    raise ParseError("enum %s: cannot evaluate %s = %s" % (name, mname, expr))
            else:
                value += 1
            members.append({"name": mname, "value": value, "doc": None, "group": group})
        elif members:
            members[-1]["doc"] = " ".join(payload.split())
    return Enum(name, doc, members, section)


class Header:
    def __init__(self, path):
        self.path = path
        with open(path, encoding="utf-8") as f:
            self.text = f.read()
        self.funcs = []     # ZWS_API functions, in header order
        self.typedefs = {}  # callback typedef name -> Func
        self.types = []     # (name, doc) opaque types
        self.enums = {}
        self.sections = []  # in order
        self.intro = None
        self.macros = []    # (name, doc)
        self.version = "0.0.0"
        self.problems = []
        self.parse()

    def parse(self):
        items = scan(self.text)
        ver = {k: re.search(r"#define ZWS_VERSION_%s (\d+)" % k, self.text) for k in ("MAJOR", "MINOR", "PATCH")}
        if all(ver.values()):
            self.version = ".".join(ver[k].group(1) for k in ("MAJOR", "MINOR", "PATCH"))
        section, doc, doc_decls, note = None, None, [], None
        first_note = True
        for it in items:
            kind = it[0]
            if kind == "blank":
                doc, doc_decls, note = None, [], None
            elif kind == "section":
                section, doc, doc_decls, note = it[1], None, [], None
                self.sections.append(section)
            elif kind == "doc":
                doc, doc_decls = it[1], []
            elif kind == "note":
                if first_note and self.intro is None and section is None:
                    self.intro = it[1]
                elif doc is None:
                    note = it[1]
                first_note = False
            elif kind == "pp":
                m = re.match(r"#define\s+(ZWS_\w+)", it[1])
                if m and doc is not None and m.group(1) != "ZWS_API":
                    self.macros.append((m.group(1), doc))
                    doc = None
            elif kind == "decl":
                self.declaration(it, section, doc, doc_decls, note)
        self.check()

    def declaration(self, it, section, doc, doc_decls, note):
        _, code, comments, trailing, line = it
        flat = " ".join(code.split())
        if flat.startswith("enum "):
            self.enums[re.match(r"enum (\w+)", flat).group(1)] = parse_enum(code, comments, doc, section)
            return
        m = re.match(r"typedef struct (\w+) (\w+);$", flat)
        if m:
            self.types.append((m.group(2), trailing))
            return
        m = re.match(r"typedef (.+?)\(\s*\*\s*(\w+)\s*\)\s*\((.*)\);$", flat)
        if m:
            td = Func(m.group(2), m.group(1).strip(), split_params(m.group(3)), line, section, True)
            self.attach(td, doc, doc_decls, note)
            self.typedefs[td.name] = td
            return
        m = re.match(r"ZWS_API (.+?)\b(zws_\w+)\s*\((.*)\);$", flat)
        if m:
            fn = Func(m.group(2), m.group(1).strip(), split_params(m.group(3)), line, section)
            self.attach(fn, doc, doc_decls, note)
            self.funcs.append(fn)
            return
        if "ZWS_API" in flat:
            self.problems.append("%s:%d: cannot parse this ZWS_API declaration: %s" % (self.path, line, flat))
        # anything else (a plain declaration) is not part of the manual

    def attach(self, d, doc, doc_decls, note):
        d.note = note
        if doc is None:
            doc_decls.append(d)
            return
        owner = doc_decls[0] if doc_decls else d
        shared_ok = (not doc_decls or owner is d or
                     re.search(r"\b%s\b" % re.escape(short_name(d.name, owner.name)), doc) or
                     (owner.is_typedef and any(owner.name in p.type for p in d.params)))
        if shared_ok:
            d.doc, d.doc_owner = doc, owner
        doc_decls.append(d)

    def check(self):
        declared = re.findall(r"^ZWS_API\b[^(]*?\b(zws_\w+)\s*\(", self.text, re.M)
        parsed = [f.name for f in self.funcs]
        for name in declared:
            if name not in parsed:
                self.problems.append("%s: ZWS_API function %s was not parsed" % (self.path, name))
        for f in self.funcs:
            if not f.doc:
                self.problems.append("%s:%d: %s has no doc comment (/** ... */ right above it)"
                                     % (self.path, f.line, f.name))
        names = set(parsed)
        for enum, pages in ENUM_PAGES.items():
            if enum not in self.enums:
                self.problems.append("gen-man.py: ENUM_PAGES names enum %s, not in the header" % enum)
            for p in pages:
                if p not in names:
                    self.problems.append("gen-man.py: ENUM_PAGES names function %s, not in the header" % p)
        for p in SUMMARY_OVERRIDES:
            if p not in names:
                self.problems.append("gen-man.py: SUMMARY_OVERRIDES names %s, not in the header" % p)
        if self.intro is None:
            self.problems.append("%s: no introductory comment at the top" % self.path)
        for f in self.funcs:
            f.summary = SUMMARY_OVERRIDES.get(f.name) or summarize(f.doc or "")


def short_name(name, owner):
    """'zws_event_get_int' next to 'zws_event_get_str' -> 'get_int'."""
    a, b = name.split("_"), owner.split("_")
    i = 0
    while i < min(len(a), len(b)) - 1 and a[i] == b[i]:
        i += 1
    return "_".join(a[max(i - 1, 1):]) if i > 1 else name


# ------------------------------------------------------------------ text

ABBREV = re.compile(r"(\be\.g\.|\bi\.e\.|\betc\.|\bvs\.)$")


def sentences(para):
    parts, out = re.split(r"(?<=[.!?])\s+", para), []
    for p in parts:
        if out and ABBREV.search(out[-1]):
            out[-1] += " " + p
        else:
            out.append(p)
    return [s for s in out if s]


RETURN_RE = re.compile(r"^(Returns?\b|Never NULL|NULL (if|on|when|only)\b|0( or|,))|\breturns?\b")


def split_doc(text, returns_value):
    """(description paragraphs, return-value sentences)."""
    desc, ret = [], []
    for para in paragraphs(text):
        keep = []
        for s in sentences(para):
            (ret if returns_value and RETURN_RE.search(s) else keep).append(s)
        if keep:
            desc.append(" ".join(keep))
    return desc, ret


def strip_parens(s):
    out, depth = [], 0
    for c in s:
        if c == "(":
            depth += 1
        elif c == ")" and depth:
            depth -= 1
        elif not depth:
            out.append(c)
    return re.sub(r"\s+([,;:.])", r"\1", re.sub(r"\s{2,}", " ", "".join(out))).strip()


def summarize(doc):
    paras = paragraphs(doc)
    if not paras:
        return ""
    s = strip_parens(sentences(paras[0])[0]).rstrip(".")
    s = s.split(";")[0]
    s = s.split(", e.g.")[0]
    if ":" in s and s.split()[0] in ("On", "In", "When", "If", "After"):
        s = s.split(":", 1)[1].strip()  # "In BACKOFF: the delay ..." -> "the delay ..."
    elif len(s) > 65 and ":" in s:
        s = s.split(":")[0]
    if len(s) > 70:
        cut = s.rfind(", ", 0, 60)
        s = (s[:cut] if cut > 0 else s[:60].rsplit(" ", 1)[0]) + ", ..."
    first = s.split()[0] if s else ""
    if first[:1].isupper() and first[1:] == first[1:].lower() and first.isalpha():
        s = s[0].lower() + s[1:]  # not for "WebSocket", "TLS", "ZOOM_..."
    return s.strip()


GLYPHS = {"\u2014": r"\(em", "\u2013": r"\(en", "\u2192": r"\(->", "\u2265": r"\(>=",
          "\u2264": r"\(<=", "\u00d7": r"\(mu", "\u2026": "...", "\u2019": "'", "\u201c": r"\(lq",
          "\u201d": r"\(rq"}


def esc(s):
    """Plain text -> roff-safe text (no markup)."""
    s = s.replace("\\", r"\e")
    s = re.sub(r"(?<![A-Za-z0-9])-", r"\-", s)
    return "".join(GLYPHS.get(c, c) if ord(c) < 128 or c in GLYPHS else r"\[u%04X]" % ord(c) for c in s)


class Markup:
    def __init__(self, header):
        self.funcs = {f.name for f in header.funcs}

    def text(self, s, params=()):
        """Doc prose -> roff: API names bold, functions with (), parameters
        with an underscore (or assigned: "permanent = 1") italic."""
        s = re.sub(r"\babove\b", "in zoomws(3)", s)
        toks = re.split(r"(\bzws_\w+(?:\(\))?|\bZWS_[A-Z0-9_]*\*?|\bzoomws\(3\)|\b\w+(?= =)|\b\w*_\w*\b)", s)
        out = []
        for i, t in enumerate(toks):
            if i % 2 == 0:
                out.append(esc(t))
                continue
            name = t[:-2] if t.endswith("()") else t
            if name in self.funcs:
                out.append(r"\fB%s\fP()" % esc(name))
            elif t == "zoomws(3)":
                out.append(r"\fBzoomws\fP(3)")
            elif t.startswith(("zws_", "ZWS_")):
                out.append(r"\fB%s\fP" % esc(t))
            elif t in params:
                out.append(r"\fI%s\fP" % esc(t))
            else:
                out.append(esc(t))
        return "".join(out)


def roff_lines(text):
    """One sentence per output line; lines must not start with . or '."""
    out = []
    for s in sentences(text):
        if s[:1] in (".", "'"):
            s = r"\&" + s
        out.append(s)
    return "\n".join(out)


# ------------------------------------------------------------------ pages

def th(name, header, date):
    # no hyphenation and a ragged right margin: the text is full of identifiers
    return '.TH %s 3 %s "libzoomws %s" "libzoomws Manual"\n.nh\n.ad l\n' % (name, date, header.version)


def proto_bi(f, typedef=False, width=78):
    """A prototype as .BI lines (types bold, parameter names italic), wrapped
    after commas and aligned on the opening parenthesis."""
    ret = f.ret
    head = "typedef %s (*%s)(" % (ret, f.name) if typedef else \
        "%s%s%s(" % (ret, "" if ret.endswith("*") else " ", f.name)
    if not f.params:
        return ['.B "%s"' % esc(head + "void);")]
    segs = []  # (text, italic)
    for i, p in enumerate(f.params):
        sep = "" if i == 0 else ", "
        segs.append((sep + p.type + ("" if p.type.endswith("*") else " "), False))
        segs.append((p.name, True))
    segs.append((");", False))
    # wrap: group each parameter (type + name + following separator)
    lines, cur, curlen = [], [(head, False)], len(head)
    indent = " " * len(head)
    i = 0
    while i < len(segs):
        chunk = segs[i:i + 2] if not segs[i][1] and i + 1 < len(segs) and segs[i + 1][1] else segs[i:i + 1]
        if chunk[0][0].startswith(", ") and chunk[-1][1]:
            clen = sum(len(t) for t, _ in chunk) + (2 if i + 2 == len(segs) - 1 else 1)
            if curlen + clen > width:
                cur.append((",", False))
                lines.append(cur)
                cur = [(indent + chunk[0][0][2:], False)] + chunk[1:]
                curlen = len(indent) + sum(len(t) for t, _ in chunk) - 2
                i += len(chunk)
                continue
        cur.extend(chunk)
        curlen += sum(len(t) for t, _ in chunk)
        i += len(chunk)
    lines.append(cur)
    out = []
    for ln in lines:
        merged = []  # merge adjacent segments of the same font
        for t, it in ln:
            if merged and merged[-1][1] == it:
                merged[-1] = (merged[-1][0] + t, it)
            else:
                merged.append((t, it))
        if merged[0][1]:
            merged.insert(0, ("", False))
        out.append(".BI " + " ".join('"%s"' % esc(t) for t, _ in merged))
    return out


def enum_table(mk, enum, members=None, show_values=False):
    """.TP entries for documented members; the others in one line, with values."""
    members = enum.members if members is None else members
    out, bare = [], []
    for m in members:
        if not m["doc"]:
            bare.append(r"\fB%s\fP (%s)" % (m["name"], esc(str(m["value"]))))
            continue
        out.append(".TP")
        if show_values:
            out.append(r'.BR %s " (%s)"' % (m["name"], esc(str(m["value"]))))
        else:
            out.append(".B %s" % m["name"])
        out.append(mk.text(m["doc"]))
    if bare:
        out = [".PP", ", ".join(bare) + "."] + out
    return out


def related(f, header):
    """SEE ALSO: functions named in the comments, the section's other
    functions, and the setters of the callbacks that receive f's object."""
    texts = " ".join(x for x in (f.doc, f.note) if x)
    names = {n for n in re.findall(r"\bzws_\w+", texts) if n in {g.name for g in header.funcs}}
    names |= {g.name for g in header.funcs if g.section == f.section}
    cb_types = [t for t in header.typedefs.values() if t.section == f.section]
    if f.params:
        first = f.params[0].type
        if first.startswith("const zws_") and "zws_client" not in first:
            cb_types += [t for t in header.typedefs.values() if any(p.type == first for p in t.params)]
    for t in cb_types:
        names |= {g.name for g in header.funcs if any(p.type == t.name for p in g.params)}
    for pages in ENUM_PAGES.values():
        if f.name in pages:
            names |= set(pages)
    names.discard(f.name)
    return ["zoomws"] + sorted(names)


def see_also(names):
    out = [".SH SEE ALSO"]
    for i, n in enumerate(names):
        out.append(".BR %s (3)%s" % (esc(n), "," if i + 1 < len(names) else ""))
    return out


def function_page(f, header, mk, date):
    group = [f] if not f.doc_owner or f.doc_owner.is_typedef else \
        [g for g in header.funcs if g.doc_owner is f.doc_owner]
    names = ", ".join(esc(g.name) for g in group)
    out = [th(f.name, header, date).rstrip("\n"), ".SH NAME", r"%s \- %s" % (names, esc(f.summary))]
    out += [".SH SYNOPSIS", ".nf", ".B #include <zoomws.h>", ".PP"]
    cbs = []
    for g in group:
        for p in g.params:
            if p.type in header.typedefs and p.type not in [c.name for c in cbs]:
                cbs.append(header.typedefs[p.type])
    for c in cbs:
        out += proto_bi(c, typedef=True) + [".PP"]
    for g in group:
        out += proto_bi(g)
    out += [".fi", ".PP", r"Link with \fI\-lzoomws\fP."]

    params = {p.name for g in group for p in g.params}
    returns_value = f.ret != "void"
    desc, ret = [], []
    if f.note:
        d, r = split_doc(f.note, returns_value)
        desc += d
        ret += r
    d, r = split_doc(f.doc, returns_value)
    desc += d
    ret += r
    out.append(".SH DESCRIPTION")
    for i, para in enumerate(desc):
        if i:
            out.append(".PP")
        out.append(roff_lines(mk.text(para, params)))
    for c in cbs:
        if c.doc and c.doc != f.doc:
            out.append(".SS %s" % esc(c.name))
            cparams = {p.name for p in c.params}
            for i, para in enumerate(paragraphs(c.doc)):
                if i:
                    out.append(".PP")
                out.append(roff_lines(mk.text(para, cparams)))

    opt = header.enums.get("zws_option")
    if opt:
        mine = [m for m in opt.members if m["group"] and re.search(r"\b%s\b" % f.name, m["group"])]
        if mine:
            out += [".SS Options"] + enum_table(mk, opt, mine)
    for enum, pages in ENUM_PAGES.items():
        if f.name in pages and enum in header.enums:
            e = header.enums[enum]
            title = {"zws_error": "Error codes", "zws_state": "States",
                     "zws_log_level": "Log levels"}.get(enum, "enum " + enum)
            out += [".SS %s" % title] + enum_table(mk, e, show_values=enum == "zws_error")

    if not ret and f.ret == "int" and f.params and f.params[0].type == "zws_client *":
        ret = ["Returns 0 on success, or a negative ZWS_E_* error code (see zoomws(3))."]
    if ret:
        out += [".SH RETURN VALUE", roff_lines(mk.text(" ".join(ret), params))]
    out += see_also(related(f, header))
    return "\n".join(out) + "\n"


def overview_page(header, mk, date, example):
    intro = paragraphs_with_titles(header.intro)
    title = intro[0][1][0] if intro and intro[0][0] is None else "libzoomws"
    tagline = title.split("\u2014", 1)[-1].strip().rstrip(".")
    out = [th("zoomws", header, date).rstrip("\n"), ".SH NAME", r"zoomws \- %s" % esc(tagline),
           ".SH SYNOPSIS", ".nf", ".B #include <zoomws.h>", ".fi", ".PP",
           r"Link with \fI\-lzoomws\fP (\fBpkg\-config \-\-cflags \-\-libs zoomws\fP).",
           ".SH DESCRIPTION"]
    first = True
    for heading, paras in intro:
        if heading is None:
            paras = paras[1:] if paras and paras[0] == title else paras
        else:
            out.append(".SS %s" % esc(heading))
        for p in paras:
            if not first and heading is None:
                out.append(".PP")
            out.append(roff_lines(mk.text(p)))
            first = False
    out.append(".SH FUNCTIONS")
    for sec in header.sections:
        fs = [f for f in header.funcs if f.section == sec]
        if not fs:
            continue
        out.append(".SS %s" % esc(SECTION_TITLES.get(sec, sec[:1].upper() + sec[1:])))
        for f in fs:
            out += [".TP", ".BR %s (3)" % esc(f.name), esc(f.summary)]
    if header.types:
        out.append(".SH TYPES")
        for name, doc in header.types:
            out += [".TP", ".B %s" % name, mk.text(doc or "")]
        for t in header.typedefs.values():
            setters = [f.name for f in header.funcs if any(p.type == t.name for p in f.params)]
            text = paragraphs(t.doc)[0] if t.doc else "The callback type of %s." % " and ".join(setters)
            out += [".TP", ".B %s" % t.name, roff_lines(mk.text(text))]
    opt = header.enums.get("zws_option")
    if opt:
        out.append(".SH OPTIONS")
        groups = []
        for m in opt.members:
            if not groups or groups[-1][0] != m["group"]:
                groups.append((m["group"], []))
            groups[-1][1].append(m)
        for g, ms in groups:
            if g:
                out += [".SS %s" % mk.text(g[:1].upper() + g[1:])]
            out += enum_table(mk, opt, ms)
    if "zws_state" in header.enums:
        out += [".SH STATES"] + enum_table(mk, header.enums["zws_state"])
    if "zws_error" in header.enums:
        e = header.enums["zws_error"]
        out.append(".SH ERRORS")
        if e.doc:
            out.append(roff_lines(mk.text(" ".join(paragraphs(e.doc)))))
        out += enum_table(mk, e, show_values=True)
    if "zws_log_level" in header.enums:
        out += [".SH LOG LEVELS"] + enum_table(mk, header.enums["zws_log_level"])
    if header.macros:
        out.append(".SH VERSION")
        out.append("The compile-time version is "
                   r"\fBZWS_VERSION_MAJOR\fP.\fBZWS_VERSION_MINOR\fP.\fBZWS_VERSION_PATCH\fP "
                   "(%s for this manual)." % header.version)
        for name, doc in header.macros:
            out += [".TP", ".B %s" % name, roff_lines(mk.text(" ".join(paragraphs(doc))))]
    if example:
        with open(example, encoding="utf-8") as fh:
            code = fh.read().rstrip("\n")
        shown = os.path.relpath(example, os.path.dirname(os.path.dirname(os.path.abspath(header.path))))
        out += [".SH EXAMPLE", "The smallest complete listener (%s in the source tree):" % esc(shown),
                ".PP", ".in +4n", ".EX"]
        for ln in code.split("\n"):
            ln = esc(ln)
            out.append(r"\&" + ln if ln[:1] in (".", "'") else ln)
        out += [".EE", ".in"]
    names = [f.name for f in header.funcs if f.section in ("lifecycle", "handlers", "running")]
    out += see_also(names)
    return "\n".join(out) + "\n"


def paragraphs_with_titles(text):
    """The intro comment: [(heading or None, [paragraphs])]. A heading is an
    unindented line followed by an indented block."""
    lines = text.split("\n")
    groups, heading, buf, paras = [], None, [], []

    def flush_para():
        if buf:
            paras.append(" ".join(b.strip() for b in buf))
            buf.clear()

    for i, ln in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if ln.strip() and not ln.startswith(" ") and nxt.startswith("  "):
            flush_para()
            groups.append((heading, paras))
            heading, paras = ln.strip(), []
        elif not ln.strip():
            flush_para()
        else:
            buf.append(ln)
    flush_para()
    groups.append((heading, paras))
    return [(h, p) for h, p in groups if p or h]


# ------------------------------------------------------------------ main

def page_names(header):
    return ["zoomws.3"] + ["%s.3" % f.name for f in header.funcs]


def build_date(header_path):
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    ts = int(epoch) if epoch and epoch.isdigit() else int(os.stat(header_path).st_mtime)
    return datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).strftime("%Y-%m-%d")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    ap = argparse.ArgumentParser(description="Man pages (section 3) from include/zoomws.h.")
    ap.add_argument("--header", default=os.path.join(root, "include", "zoomws.h"))
    ap.add_argument("--example", default=os.path.join(root, "examples", "minimal.c"),
                    help="program shown in zoomws.3's EXAMPLE ('' for none)")
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--out", metavar="DIR")
    mode.add_argument("--list", action="store_true")
    mode.add_argument("--check", action="store_true")
    args = ap.parse_args()
    try:
        header = Header(args.header)
    except (OSError, ParseError) as e:
        print("gen-man.py: %s" % e, file=sys.stderr)
        return 1
    if header.problems:
        for p in header.problems:
            print(p, file=sys.stderr)
        print("gen-man.py: %d problem(s); no pages written" % len(header.problems), file=sys.stderr)
        return 1
    if args.list:
        print("\n".join(page_names(header)))
        return 0
    if args.check:
        return 0
    mk = Markup(header)
    date = build_date(args.header)
    example = args.example if args.example and os.path.exists(args.example) else None
    os.makedirs(args.out, exist_ok=True)
    pages = {"zoomws.3": overview_page(header, mk, date, example)}
    for f in header.funcs:
        pages["%s.3" % f.name] = function_page(f, header, mk, date)
    for name, text in pages.items():
        path = os.path.join(args.out, name)
        tmp = path + ".tmp"
        with open(tmp, "w", encoding="ascii") as fh:
            fh.write(text)
        os.replace(tmp, path)
    for old in os.listdir(args.out):  # pages of functions that no longer exist
        if old.endswith(".3") and old not in pages and (old.startswith("zws_") or old == "zoomws.3"):
            os.remove(os.path.join(args.out, old))
    return 0


if __name__ == "__main__":
    sys.exit(main())
