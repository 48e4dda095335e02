"""What each function-local ``deliberun`` import in services and web saves at start-up.

Issue 15: a function-local import hides a dependency from the reader (and an import
cycle from the import order), so it stays only where a measured start-up cost justifies
it. This script lists every ``import deliberun…`` / ``from deliberun… import`` nested in
a function of ``src/deliberun/services`` and ``src/deliberun/web`` (by parsing, with
``ast``), and for each (holder module, imported module) measures, in a fresh interpreter,
the CPU milliseconds the import adds once the holder is loaded: ``import holder``, then
``time.process_time()`` around ``import target`` — what moving the import to the top of
the holder would add to the holder's import. Minimum of ``--repeat`` tries (default 5),
each a ``fork`` of one interpreter that imported the holder; a figure under
``REFINE_BELOW_MS`` is measured again with a fresh interpreter per try (a fork pays
copy-on-write faults: a few ms too many on a small import). It also says whether the
import closes a cycle (the holder is reachable from the target in the import graph,
function-local imports included) and whether the holder is loaded at all by
``deliberun --help`` (the CLI imports services inside its commands), and measures the
CPU time of ``deliberun --help`` and ``deliberun today`` (on the demo history, built
once into ``bench/out/local_imports/``) as whole processes (``RUSAGE_CHILDREN``),
minimum of ``--repeat``. To measure another checkout with this venv, run its copy of
this script with ``PYTHONPATH=<checkout>/src``::

    nice -n 10 .venv/bin/python bench/local_imports.py            # the table
    nice -n 10 .venv/bin/python bench/local_imports.py --only group.py --repeat 3
    nice -n 10 .venv/bin/python bench/local_imports.py --cli-only  # just the CLI start-up
    nice -n 10 .venv/bin/python bench/local_imports.py --json out.json

CPU time, not wall time (the machine is shared); compare figures within one run.
``tests/test_architecture.py::ALLOWED_LOCAL_IMPORTS`` lists the imports that stay local
and why.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import resource
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "deliberun"
OUT = ROOT / "bench" / "out" / "local_imports"
CLI = str(Path(sys.executable).with_name("deliberun"))
#: The packages whose function-local imports are checked.
PACKAGES = ("services", "web")
#: An import costing less than this (CPU ms, after the holder is loaded) goes to the top.
THRESHOLD_MS = 5.0
#: A forked try pays the copy-on-write faults of the pages it touches (a few ms, seen as
#: 4.7 ms for the 79-line ``errors.py`` against 0.5 ms in a fresh interpreter), so a
#: figure below this is measured again in fresh interpreters (the exact, slower way).
REFINE_BELOW_MS = 20.0


@dataclass(frozen=True)
class LocalImport:
    """One function-local import of a deliberun module."""

    file: str  # relative to src/deliberun, e.g. "services/group.py"
    line: int
    function: str  # the outermost function holding it
    module: str  # the deliberun module it loads (a submodule when the name is one)


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def all_modules() -> set[str]:
    return {module_name(p) for p in SRC.rglob("*.py")}


def _resolved(node: ast.Import | ast.ImportFrom, path: Path, modules: set[str]) -> set[str]:
    """The deliberun modules ``node`` loads: ``from deliberun.services import athlete``
    loads the submodule ``deliberun.services.athlete``; ``from deliberun.units import day``
    loads ``deliberun.units``."""
    names: list[str] = []
    if isinstance(node, ast.Import):
        names = [a.name for a in node.names]
    else:
        if node.level:
            base = module_name(path).split(".")
            if path.name != "__init__.py":
                base = base[:-1]
            base = base[: len(base) - (node.level - 1)]
            mod = ".".join([*base, node.module] if node.module else base)
        else:
            mod = node.module or ""
        names = [f"{mod}.{a.name}" if f"{mod}.{a.name}" in modules else mod for a in node.names]
    out = set()
    for name in names:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        if name.startswith("deliberun"):
            out.add(name)
    return out


def local_imports_of(path: Path, modules: set[str] | None = None) -> list[LocalImport]:
    """Every deliberun import nested in a function (at any depth) of ``path``."""
    modules = all_modules() if modules is None else modules
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    rel = path.relative_to(SRC).as_posix()
    found: list[LocalImport] = []

    def walk(node: ast.AST, function: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                walk(child, function or child.name)
            elif isinstance(child, ast.Import | ast.ImportFrom) and function:
                for mod in sorted(_resolved(child, path, modules)):
                    found.append(LocalImport(rel, child.lineno, function, mod))
            else:
                walk(child, function)

    walk(tree, None)
    return found


def local_imports() -> list[LocalImport]:
    modules = all_modules()
    out: list[LocalImport] = []
    for package in PACKAGES:
        for path in sorted((SRC / package).rglob("*.py")):
            out.extend(local_imports_of(path, modules))
    return out


def import_graph() -> dict[str, set[str]]:
    """deliberun module → the deliberun modules it imports anywhere (top, functions,
    ``TYPE_CHECKING``), as ``tests/test_architecture.py`` builds it."""
    modules = all_modules()
    graph: dict[str, set[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        me = module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        edges: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                edges.update(_resolved(node, path, modules))
        graph[me] = {m for m in edges if m != me and not me.startswith(m + ".")}
    return graph


def cycle_path(graph: dict[str, set[str]], start: str, goal: str) -> list[str]:
    """A shortest import path ``start → … → goal`` (empty when there is none): an import
    of ``start`` by ``goal`` closes the cycle ``goal → start → … → goal``."""
    prev: dict[str, str | None] = {start: None}
    queue = [start]
    while queue:
        node = queue.pop(0)
        if node == goal:
            path = [node]
            while (p := prev[path[-1]]) is not None:
                path.append(p)
            return path[::-1]
        for nxt in sorted(graph.get(node, ())):
            if nxt not in prev:
                prev[nxt] = node
                queue.append(nxt)
    return []


# --- measuring -----------------------------------------------------------------------

_PROBE = """
import importlib, json, os, sys, time
holder, repeat, targets = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
importlib.import_module(holder)
out = {}
for target in targets:
    best = None
    for _ in range(repeat):
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: the holder is loaded, the target not yet
            os.close(r)
            before = set(sys.modules)
            t0 = time.process_time()
            importlib.import_module(target)
            dt = time.process_time() - t0
            new = sorted(set(sys.modules) - before)
            got = {"ms": dt * 1000, "new": len(new),
                   "new_deliberun": [m for m in new if m.startswith("deliberun")]}
            os.write(w, json.dumps(got).encode())
            os._exit(0)
        os.close(w)
        with os.fdopen(r) as f:
            got = json.loads(f.read())
        os.waitpid(pid, 0)
        if best is None or got["ms"] < best["ms"]:
            best = got
    out[target] = best
print(json.dumps(out))
"""

_FRESH = """
import importlib, sys, time
importlib.import_module(sys.argv[1])
t0 = time.process_time()
importlib.import_module(sys.argv[2])
print((time.process_time() - t0) * 1000)
"""

_LOADED_BY_HELP = """
import json, sys
import deliberun.cli.main
print(json.dumps(sorted(m for m in sys.modules if m.startswith("deliberun"))))
"""


def _python(code: str, *args: str) -> str:
    r = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=False
    )
    if r.returncode != 0:
        raise RuntimeError(f"{args}: {r.stderr.strip().splitlines()[-1:]}")
    return r.stdout


def marginal_ms(holder: str, targets: list[str], repeat: int) -> dict[str, dict[str, Any]]:
    """Per target: the CPU ms ``import target`` costs once ``holder`` is loaded (min of
    ``repeat``), the number of modules it adds and the deliberun ones among them. One
    fresh interpreter imports the holder; each try is a ``fork`` of it (so every try
    starts from the holder loaded and nothing else)."""
    got: dict[str, dict[str, Any]] = json.loads(_python(_PROBE, holder, str(repeat), *targets))
    return got


def fresh_ms(holder: str, target: str, repeat: int) -> float:
    """CPU ms of ``import target`` after ``import holder``, each try in a fresh
    interpreter (min of ``repeat``)."""
    return min(float(_python(_FRESH, holder, target)) for _ in range(repeat))


def loaded_by_help() -> set[str]:
    return set(json.loads(_python(_LOADED_BY_HELP)))


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DELIBERUN_")}
    env.update({"COLUMNS": "120", "NO_COLOR": "1", "TERM": "dumb"})
    return env


def cli_cpu_ms(args: list[str], repeat: int) -> float:
    """CPU ms (user + sys) of the whole ``deliberun`` process, min of ``repeat``."""
    best = float("inf")
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        r = subprocess.run([CLI, *args], capture_output=True, env=_env(), check=False)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if r.returncode != 0:
            raise RuntimeError(f"deliberun {' '.join(args)}: exit {r.returncode}: {r.stderr!r}")
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        best = min(best, cpu * 1000)
    return best


def demo_db() -> tuple[Path, str]:
    """The demo history (seed 0), built once into bench/out/local_imports/demo."""
    meta = OUT / "demo.json"
    if not meta.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        r = subprocess.run(
            [CLI, "demo", "--out", str(OUT / "demo"), "--seed", "0", "-q", "--json"],
            capture_output=True,
            text=True,
            env=_env(),
            check=True,
        )
        meta.write_text(r.stdout, encoding="utf-8")
    out = json.loads(meta.read_text(encoding="utf-8"))
    return Path(out["db"]), str(out["today"])


def cli_costs(repeat: int) -> dict[str, float]:
    db, today = demo_db()
    return {
        "deliberun --help": cli_cpu_ms(["--help"], repeat),
        "deliberun today": cli_cpu_ms(["--db", str(db), "--today", today, "today"], repeat),
        "python -c pass": _bare_python_ms(repeat),
    }


def _bare_python_ms(repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        best = min(best, cpu * 1000)
    return best


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--repeat", type=int, default=5, help="fresh interpreters per figure (min)")
    p.add_argument("--only", help="only files whose path contains this")
    p.add_argument("--cli-only", action="store_true", help="only the CLI start-up figures")
    p.add_argument("--list", action="store_true", help="only list the imports (no timing)")
    p.add_argument("--json", type=Path, help="also write the figures here")
    a = p.parse_args(argv)

    found = [i for i in local_imports() if not a.only or a.only in i.file]
    if a.list:
        for i in found:
            print(f"{i.file}:{i.line} {i.function} -> {i.module}")
        print(f"{len(found)} function-local deliberun imports")
        return 0
    load = os.getloadavg()
    print(f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}, {os.cpu_count()} cores")
    doc: dict[str, object] = {"load": load, "repeat": a.repeat, "threshold_ms": THRESHOLD_MS}
    if not a.cli_only:
        at_help = loaded_by_help()
        pairs = sorted({(i.file, i.module) for i in found})
        rows = []
        print(
            f"\n{'holder':34} {'imports':44} {'ms':>7} {'mods':>4} {'by':5}  --help  cycle  verdict"
        )
        graph = import_graph()
        for file in sorted({f for f, _ in pairs}):
            holder = module_name(SRC / file)
            targets = [m for f, m in pairs if f == file]
            costs = marginal_ms(holder, targets, a.repeat)
            for target in targets:
                ms = costs[target]["ms"]
                how = "fork"
                if ms < REFINE_BELOW_MS:
                    ms, how = fresh_ms(holder, target, a.repeat), "fresh"
                cycle = cycle_path(graph, target, holder)
                lines = [i.line for i in found if (i.file, i.module) == (file, target)]
                verdict = "negligible" if ms < THRESHOLD_MS else "COSTLY"
                if cycle:
                    verdict += " (closes a cycle)"
                rows.append(
                    {
                        "file": file,
                        "module": target,
                        "lines": lines,
                        "ms": round(ms, 2),
                        "measured_in": how,
                        "new_modules": costs[target]["new"],
                        "new_deliberun": costs[target]["new_deliberun"],
                        "holder_at_help": holder in at_help,
                        "cycle": cycle,
                        "verdict": verdict,
                    }
                )
                short = target.removeprefix("deliberun.")
                at = "yes" if holder in at_help else "no"
                new = costs[target]["new"]
                cyc = "yes" if cycle else "no"
                print(
                    f"{file:34} {short:44} {ms:7.1f} {new:4} {how:5}  {at:6}  {cyc:5}  {verdict}",
                    flush=True,
                )
        doc["imports"] = rows
        print(
            f"\n{len(found)} imports, {len(pairs)} (holder, module) pairs; threshold {THRESHOLD_MS} ms"
        )
    cli = cli_costs(a.repeat)
    doc["cli"] = cli
    print()
    for name, ms in cli.items():
        print(f"{name:24} {ms:7.0f} ms CPU (min of {a.repeat})")
    if a.json:
        a.json.write_text(json.dumps(doc, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
