#!/usr/bin/env python3
"""Fails when the modules of a crate import each other in a cycle.

Reads the `crate::…`, `crate::{…}`, `super::…` and `super::{…}` references of every .rs file
below each source directory given (comments and `#[cfg(test)]` parts left out) and reports each
set of modules that reach one another. A parent module's references to its own children do not
count: declaring and re-exporting children is what a parent is for.

Hand-written because the tools that draw module graphs (cargo-modules) build rust-analyzer,
which would cost CI many minutes for one yes/no answer.

Usage: module-cycles.py crates/core/src [crates/web/src …]
"""
import os
import re
import sys


def modules(src):
    found = {}
    for directory, _, files in os.walk(src):
        for name in files:
            if not name.endswith(".rs"):
                continue
            path = os.path.join(directory, name)
            parts = os.path.relpath(path, src)[:-3].split(os.sep)
            if parts[-1] in ("mod", "lib", "main"):
                parts = parts[:-1]
            with open(path, encoding="utf-8") as f:
                text = f.read()
            code = "\n".join(line for line in text.split("\n") if not line.strip().startswith("//"))
            found["::".join(parts)] = code.split("#[cfg(test)]")[0]
    return found


def edges_of(found):
    root = found.get("", "")
    reexported = {}
    for m in re.finditer(r"pub use (\w+)::\{?([\w, ]+)\}?;", root):
        for item in m.group(2).split(","):
            reexported[item.strip()] = m.group(1)

    def resolve(path):
        parts = [p for p in path.split("::") if p]
        for i in range(len(parts), 0, -1):
            candidate = "::".join(parts[:i])
            if candidate in found:
                return candidate
        return None

    edges = {}
    for module, code in found.items():
        targets = set()
        for ref in re.findall(r"crate::([\w:]+)", code):
            targets.add(resolve(ref))
        for group in re.findall(r"crate::\{([^}]*)\}", code):
            for item in re.findall(r"\w+", group):
                targets.add(reexported.get(item) or resolve(item))
        parent = module.split("::")[:-1] if module else []
        for ref in re.findall(r"super::([\w:]+)", code):
            targets.add(resolve("::".join(parent + [ref])))
        for group in re.findall(r"super::\{([^}]*)\}", code):
            for item in re.findall(r"\w+", group):
                targets.add(resolve("::".join(parent + [item])))
        edges[module] = {
            t for t in targets if t is not None and t != module and not (t.startswith(module + "::") or module == "")
        }
    return edges


def cycles(edges):
    """Tarjan's strongly connected components, without recursion."""
    index, low, on_stack, stack, found, counter = {}, {}, set(), [], [], 0
    for start in edges:
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def main(sources):
    failed = False
    for src in sources:
        edges = edges_of(modules(src))
        for component in cycles(edges):
            failed = True
            print(f"{src}: import cycle between {', '.join(component)}")
            for module in component:
                print(f"  {module} -> {', '.join(sorted(t for t in edges[module] if t in component))}")
    if not failed:
        print(f"no import cycle in {', '.join(sources)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
