#!/usr/bin/env bash
# The code-shape figures issue 16 measures, reproducible on any commit (no network, no build):
#   deploy/code-shape.sh [repository root]      (default: the checkout this script is in)
# e.g. before/after:  git worktree add /tmp/before daa6ffa && deploy/code-shape.sh /tmp/before
#
# Heuristics (on the Java text with comments and string/char literals blanked out):
#   - largest workflow: the longest *WorkflowImpl.java under workflows/src/main, in lines.
#   - positional constructor calls with null: `new Name(` or `new Name<..>(` calls whose argument
#     list (parentheses matched across lines) has a top-level argument that is exactly `null`.
#   - wide lines: lines of */src/main/java longer than 100 columns (raw text, comments included).
#   - inline qualified names: `com.flowviz.x.Y` or `java.x.Y`/`javax.x.Y` in code outside import
#     and package lines, in */src/main/java.
#   - workflow lists: per file (main and test), how many distinct *WorkflowImpl classes it names;
#     files naming 3 or more are where a new procedure must be added by hand.
set -euo pipefail
root="${1:-$(cd "$(dirname "$0")/.." && pwd)}"
exec python3 - "$root" <<'PY'
import os, re, sys

root = sys.argv[1]

def java_files(kind):
    for top in sorted(os.listdir(root)):
        base = os.path.join(root, top, "src", kind, "java")
        for d, _, files in os.walk(base):
            for f in sorted(files):
                if f.endswith(".java"):
                    yield os.path.join(d, f)

def read(p):
    with open(p, encoding="utf-8") as fh:
        return fh.read()

def blank(src):
    """Comments and literals replaced by spaces (newlines kept), so code patterns match code only."""
    out, i, n = [], 0, len(src)
    while i < n:
        c = src[i]
        if src.startswith("//", i):
            j = src.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i)); i = j
        elif src.startswith("/*", i):
            j = src.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", src[i:j])); i = j
        elif src.startswith('"""', i):
            j = src.find('"""', i + 3)
            j = n if j < 0 else j + 3
            out.append('"' + re.sub(r"[^\n]", " ", src[i + 1:j - 1]) + '"'); i = j
        elif c in "\"'":
            j = i + 1
            while j < n and src[j] != c and src[j] != "\n":
                j += 2 if src[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(c + " " * (j - i - 2) + c); i = j
        else:
            out.append(c); i += 1
    return "".join(out)

def rel(p):
    return os.path.relpath(p, root)

main = list(java_files("main"))
test = list(java_files("test"))

# 1. largest workflow implementation
impls = [(read(p).count("\n"), p) for p in main
         if p.endswith("WorkflowImpl.java") and "/workflows/src/main/" in p]
lines, biggest = max(impls) if impls else (0, "-")
print(f"largest workflow implementation: {lines} lines ({os.path.basename(biggest)})")

# 2. positional constructor calls with a bare null argument
NEW = re.compile(r"\bnew\s+[A-Z][\w.]*\s*(<[^()]*?>)?\s*\(")
def top_level_args(code, start):
    depth, arg, args, i = 0, [], [], start
    while i < len(code):
        c = code[i]
        if c in "([{":
            depth += 1
        elif c in ")]}":
            if depth == 0:
                args.append("".join(arg)); return args
            depth -= 1
        elif c == "," and depth == 0:
            args.append("".join(arg)); arg = []; i += 1; continue
        arg.append(c); i += 1
    return args
calls = nulls = 0
for p in main:
    code = blank(read(p))
    for m in NEW.finditer(code):
        args = [a.strip() for a in top_level_args(code, m.end())]
        k = sum(1 for a in args if a == "null")
        if k:
            calls += 1; nulls += k
print(f"positional constructor calls with null arguments (main): {calls} ({nulls} nulls)")

# 3. wide lines
wide = sum(1 for p in main for l in read(p).split("\n") if len(l) > 100)
print(f"main lines wider than 100 columns: {wide}")

# 4. inline fully qualified class names
FQN = re.compile(r"(?<![\w.])(com\.flowviz\.[a-z0-9_.]+\.[A-Z]|javax?\.[a-z0-9_.]+\.[A-Z])")
fq_flowviz = fq_java = 0
for p in main:
    for l in blank(read(p)).split("\n"):
        if re.match(r"\s*(import|package)\s", l):
            continue
        for m in FQN.finditer(l):
            if m.group(0).startswith("com."):
                fq_flowviz += 1
            else:
                fq_java += 1
print(f"inline fully qualified class names (main): {fq_flowviz + fq_java}"
      f" (com.flowviz {fq_flowviz}, java/javax {fq_java})")

# 5. files listing workflow implementation classes
IMPL = re.compile(r"\b([A-Z]\w*WorkflowImpl)\b")
listing = []
for p in main + test:
    if p.endswith("WorkflowImpl.java"):
        continue
    names = set(IMPL.findall(blank(read(p))))
    if len(names) >= 3:
        listing.append((len(names), rel(p)))
print(f"files listing 3+ workflow implementation classes: {len(listing)}")
for k, p in sorted(listing, reverse=True):
    print(f"  {k:3d}  {p}")
PY
