#!/usr/bin/env python3
"""Translates openCypher TCK .feature files into logic-test (.test) files.

A development aid: it lets the in-process logic runner execute the TCK
scenarios (one `reset` per scenario), so engine bugs show up without a Bolt
server. Scenarios that need features the runner lacks (procedures defined by
the scenario, control queries) are skipped and counted.

Usage: tck_to_logic.py <tck-dir> <out-dir>
Writes <out-dir>/<feature path>.test and prints a summary.
"""

import os
import re
import sys


# ---- TCK value parsing and canonical rendering -----------------------------

class ParseError(Exception):
    pass


def fmt_float(x):
    """Renders a float as cypher::FormatFloat (Java's Double.toString)."""
    if x != x:
        return "NaN"
    if x in (float("inf"), float("-inf")):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "-0.0" if str(x).startswith("-") else "0.0"
    sign = "-" if x < 0 else ""
    r = repr(abs(x))
    if "e" in r:
        m, e = r.split("e")
        exponent = int(e)
        digits = m.replace(".", "")
        exponent += len(m.split(".")[0]) - 1
    else:
        ip, fp = (r.split(".") + [""])[:2]
        fp = fp.rstrip("0") if fp != "0" else ""
        ip = ip.lstrip("0")
        if ip:
            exponent = len(ip) - 1
            digits = (ip + fp)
        else:
            stripped = fp.lstrip("0")
            exponent = -(len(fp) - len(stripped)) - 1
            digits = stripped
    digits = digits.rstrip("0") or "0"
    if 1e-3 <= abs(x) < 1e7:
        if exponent >= 0:
            digits = digits.ljust(exponent + 1, "0")
            frac = digits[exponent + 1:] or "0"
            return sign + digits[:exponent + 1] + "." + frac
        return sign + "0." + "0" * (-exponent - 1) + digits
    return sign + digits[0] + "." + (digits[1:] or "0") + "E" + str(exponent)


class ValueParser:
    """Parses one TCK cell value and renders it as logic_runner prints it."""

    def __init__(self, text, sort_lists=False):
        self.s = text.strip()
        self.i = 0
        self.sort_lists = sort_lists

    def ws(self):
        while self.i < len(self.s) and self.s[self.i] in " \t":
            self.i += 1

    def peek(self, t):
        self.ws()
        return self.s.startswith(t, self.i)

    def eat(self, t):
        self.ws()
        if not self.s.startswith(t, self.i):
            raise ParseError("expected %r at %d in %r" % (t, self.i, self.s))
        self.i += len(t)

    def ident(self):
        self.ws()
        if self.i < len(self.s) and self.s[self.i] == "`":
            j = self.s.index("`", self.i + 1)
            name = self.s[self.i + 1:j]
            self.i = j + 1
            return name
        m = re.compile(r"[A-Za-z_][A-Za-z0-9_]*").match(self.s, self.i)
        if not m:
            raise ParseError("expected identifier at %d in %r" % (self.i, self.s))
        self.i = m.end()
        return m.group(0)

    def string(self):
        q = self.s[self.i]
        self.i += 1
        out = []
        while self.i < len(self.s) and self.s[self.i] != q:
            c = self.s[self.i]
            if c == "\\" and self.i + 1 < len(self.s):
                self.i += 1
                c = self.s[self.i]
            out.append(c)
            self.i += 1
        self.i += 1
        return "'" + "".join(out).replace("\n", "\\n") + "'"

    def props(self):
        # {k: v, ...} -> sorted "k: v" list
        self.eat("{")
        items = []
        if not self.peek("}"):
            while True:
                k = self.ident()
                self.eat(":")
                items.append((k, self.value()))
                if self.peek(","):
                    self.eat(",")
                    continue
                break
        self.eat("}")
        items.sort()
        return items

    def node(self):
        self.eat("(")
        labels = []
        while self.peek(":"):
            self.eat(":")
            labels.append(self.ident())
        props = self.props() if self.peek("{") else []
        self.eat(")")
        labels.sort()
        out = "(" + "".join(":" + l for l in labels)
        if props:
            out += (" " if labels else "") + "{" + ", ".join("%s: %s" % kv for kv in props) + "}"
        return out + ")"

    def rel(self):
        self.eat("[")
        self.eat(":")
        t = self.ident()
        props = self.props() if self.peek("{") else []
        self.eat("]")
        out = "[:" + t
        if props:
            out += " {" + ", ".join("%s: %s" % kv for kv in props) + "}"
        return out + "]"

    def path(self):
        self.eat("<")
        out = "<" + self.node()
        while not self.peek(">"):
            if self.peek("<-"):
                self.eat("<-")
                r = self.rel()
                self.eat("-")
                out += "<-" + r + "-"
            else:
                self.eat("-")
                r = self.rel()
                self.eat("->")
                out += "-" + r + "->"
            out += self.node()
        self.eat(">")
        return out + ">"

    def value(self):
        self.ws()
        c = self.s[self.i] if self.i < len(self.s) else ""
        if c in "'\"":
            return self.string()
        if c == "(":
            return self.node()
        if c == "<":
            return self.path()
        if c == "[":
            # relationship or list
            if re.compile(r"\[\s*:").match(self.s, self.i):
                return self.rel()
            self.eat("[")
            items = []
            if not self.peek("]"):
                while True:
                    items.append(self.value())
                    if self.peek(","):
                        self.eat(",")
                        continue
                    break
            self.eat("]")
            if self.sort_lists:
                items.sort()
            return "[" + ", ".join(items) + "]"
        if c == "{":
            items = self.props()
            return "{" + ", ".join("%s: %s" % kv for kv in items) + "}"
        m = re.compile(r"-?(\d+\.\d*([eE][-+]?\d+)?|\d*\.\d+([eE][-+]?\d+)?|\d+[eE][-+]?\d+)").match(
            self.s, self.i)
        if m:
            self.i = m.end()
            return fmt_float(float(m.group(0)))
        m = re.compile(r"-?\d+").match(self.s, self.i)
        if m:
            self.i = m.end()
            return str(int(m.group(0)))
        for word, out in (("NaN", "NaN"), ("-Inf", "-Infinity"), ("Inf", "Infinity"),
                          ("true", "true"), ("false", "false"), ("null", "null")):
            if self.s.startswith(word, self.i):
                self.i += len(word)
                return out
        raise ParseError("cannot parse value %r" % self.s)

    def parse(self):
        v = self.value()
        self.ws()
        if self.i != len(self.s):
            raise ParseError("trailing input in %r" % self.s)
        return v


def canon(cell, sort_lists=False):
    return ValueParser(cell, sort_lists).parse()


def gherkin_unescape(cell):
    return cell.replace("\\|", "|").replace("\\\\", "\\").replace("\\n", "\n")


def split_row(line):
    line = line.strip()
    assert line.startswith("|") and line.endswith("|"), line
    cells, cur, i = [], "", 1
    while i < len(line) - 1:
        c = line[i]
        if c == "\\" and i + 1 < len(line) - 1:
            cur += c + line[i + 1]
            i += 2
            continue
        if c == "|":
            cells.append(cur)
            cur = ""
        else:
            cur += c
        i += 1
    cells.append(cur)
    return [gherkin_unescape(c.strip()) for c in cells]


# ---- Feature parsing --------------------------------------------------------

def read_docstring(lines, i):
    """lines[i] is the opening \"\"\"; returns (text, next index)."""
    indent = len(lines[i]) - len(lines[i].lstrip())
    i += 1
    out = []
    while lines[i].strip() != '"""':
        out.append(lines[i][indent:] if lines[i][:indent].strip() == "" else lines[i].strip())
        i += 1
    return "\n".join(out), i + 1


def read_table(lines, i):
    rows = []
    while i < len(lines) and lines[i].strip().startswith("|"):
        rows.append(split_row(lines[i]))
        i += 1
    return rows, i


def graph_statements(tck_dir, name):
    path = os.path.join(tck_dir, "graphs", name, name + ".cypher")
    text = open(path).read()
    stmts, cur, quote = [], "", None
    for c in text:
        if quote:
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c == ";":
            stmts.append(cur.strip())
            cur = ""
            continue
        cur += c
    if cur.strip():
        stmts.append(cur.strip())
    return stmts


def compact(query):
    # Blank lines end a block in the logic format.
    return "\n".join(l for l in query.split("\n") if l.strip())


def expand_outlines(lines):
    """Expands Scenario Outline + Examples into plain scenarios."""
    out, i = [], 0
    while i < len(lines):
        line = lines[i]
        if line.strip().startswith("Scenario Outline:"):
            body = [line.replace("Scenario Outline:", "Scenario:")]
            i += 1
            while i < len(lines) and not lines[i].strip().startswith("Examples"):
                body.append(lines[i])
                i += 1
            i += 1
            table, i = read_table(lines, i)
            header = table[0]
            for row in table[1:]:
                for b in body:
                    for k, v in zip(header, row):
                        b = b.replace("<%s>" % k, v)
                    out.append(b)
            continue
        out.append(line)
        i += 1
    return out


def translate(tck_dir, path, stats):
    lines = expand_outlines(open(path).read().split("\n"))
    out = ["# Translated from the openCypher TCK: %s" % os.path.relpath(path, tck_dir), ""]
    i = 0
    scenario = None
    block = []
    skip = False
    ignored = False

    def flush():
        nonlocal block
        if scenario is None:
            return
        if skip or ignored:
            stats["skipped"] += 1
        else:
            stats["scenarios"] += 1
            out.extend(block)
        block = []

    pending_query = None
    background = []
    while i < len(lines):
        s = lines[i].strip()
        if s.startswith("Background:"):
            scenario = "background"
            block = []
            i += 1
            continue
        if s.startswith("Scenario:"):
            if scenario == "background":
                background = block
                scenario = None
            flush()
            ignored = lines[i - 1].strip().startswith("@ignore") if i > 0 else False
            scenario = s
            skip = False
            block = ["# " + s, "reset", ""] + background
            pending_query = None
            i += 1
            continue
        if scenario is None:
            i += 1
            continue
        try:
            if s.startswith("Given the ") and s.endswith(" graph"):
                name = s[len("Given the "):-len(" graph")]
                for st in graph_statements(tck_dir, name):
                    block += ["statement ok", compact(st), ""]
                i += 1
            elif s.startswith("And having executed:"):
                q, i = read_docstring(lines, i + 1)
                block += ["statement ok", compact(q), ""]
            elif s.startswith("And parameters are:"):
                rows, i = read_table(lines, i + 1)
                for name, val in rows:
                    block += ["param %s %s" % (name, val.replace("\n", "\\n"))]
                block.append("")
            elif s.startswith("And there exists a procedure"):
                skip = True
                i += 1
                _, i = read_table(lines, i)
            elif s.startswith("When executing control query:"):
                skip = True
                q, i = read_docstring(lines, i + 1)
            elif s.startswith("When executing query:"):
                q, i = read_docstring(lines, i + 1)
                pending_query = compact(q)
            elif s.startswith("Then the result should be empty"):
                block += ["query", pending_query, "----", ""]
                i += 1
            elif s.startswith("Then the result should be"):
                ordered = ", in order" in s
                nolist = "ignoring element order for lists" in s
                rows, i = read_table(lines, i + 1)
                mods = ("" if ordered else " rowsort") + (" nolistorder" if nolist else "")
                block += ["query" + mods, pending_query, "----"]
                block.append(" | ".join(rows[0]))
                for r in rows[1:]:
                    block.append(" | ".join(canon(c, nolist) for c in r))
                block.append("")
            elif re.match(r"Then an? (\w+) should be raised at ([\w ]+): (\w+)", s):
                m = re.match(r"Then an? (\w+) should be raised at ([\w ]+): (\w+)", s)
                typ, phase, detail = m.groups()
                kind = {"compile time": "compile-error", "runtime": "runtime-error"}.get(
                    phase, "error")
                block += ["# expects %s" % typ, "statement %s %s" % (kind, detail),
                          pending_query, ""]
                i += 1
            elif s.startswith("And the side effects should be:"):
                rows, i = read_table(lines, i + 1)
                block += ["effects " + " ".join("%s %s" % (k, v) for k, v in rows), ""]
            elif s.startswith("And no side effects"):
                if block and block[-1] == "" and not any(
                        b.startswith("statement compile-error") or b.startswith("statement error")
                        or b.startswith("statement runtime-error") for b in block[-4:]):
                    block += ["effects", ""]
                i += 1
            else:
                i += 1
        except (ParseError, ValueError, IndexError) as e:
            skip = True
            stats["unparsed"] += 1
            i += 1
    flush()
    return "\n".join(out) + "\n"


def main():
    tck_dir, out_dir = sys.argv[1], sys.argv[2]
    stats = {"scenarios": 0, "skipped": 0, "unparsed": 0}
    features = os.path.join(tck_dir, "features")
    for root, _, files in os.walk(features):
        for f in sorted(files):
            if not f.endswith(".feature"):
                continue
            src = os.path.join(root, f)
            rel = os.path.relpath(src, features)[: -len(".feature")] + ".test"
            dst = os.path.join(out_dir, rel)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            with open(dst, "w") as fh:
                fh.write(translate(tck_dir, src, stats))
    print("translated %(scenarios)d scenarios, skipped %(skipped)d, unparsed %(unparsed)d" % stats)


if __name__ == "__main__":
    main()
