"""The layering of ARCHITECTURE.md, checked by parsing the sources (nothing is imported).

- ``store/`` is the only place that knows SQL: ``services/``, ``cli/`` and ``web/``
  import nothing from sqlalchemy; ``cli/`` and ``web/`` take only ``store.db`` (to open
  the database) and call services for the rest.
- The pure layers (``io``, ``metrics``, ``models``, ``practice``, ``plan``, ``sim``,
  ``athlete.py``, ``units.py``) import no database, CLI, terminal or web library, and none of the
  impure deliberun packages.
- ``io/`` is the bottom layer: it imports only itself and the two modules below it,
  ``errors.py`` (the error contract) and ``jsonable.py`` (the JSON boundary), which import
  no deliberun at all.
- No import cycles among modules, function-local imports included; the few known ones
  (``KNOWN_CYCLE_EDGES``) may only go away.
- Services never import table modules (``store.tables*``); the known ones
  (``KNOWN_TABLE_IMPORTS``) may only go away.
- A function-local import of deliberun in ``services/`` or ``web/`` is listed in
  ``ALLOWED_LOCAL_IMPORTS`` with its reason (a measured start-up cost, a cycle it closes);
  every other import is at the top of its module.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "deliberun"

#: Packages whose modules must not import sqlalchemy.
NO_SQL = ("services", "cli", "web")
#: Pure layers (packages, and single modules by file name).
PURE = (
    "io", "metrics", "models", "practice", "plan", "sim", "athlete.py", "units.py", "errors.py",
    "jsonable.py", "records.py",
)  # fmt: skip
#: What a pure layer must not import (a module or any submodule of it).
PURE_FORBIDDEN = (
    "sqlalchemy",
    "alembic",
    "typer",
    "rich",
    "fastapi",
    "starlette",
    "uvicorn",
    "deliberun.store",
    "deliberun.services",
    "deliberun.cli",
    "deliberun.web",
)


def _modules(parts: tuple[str, ...]) -> list[Path]:
    out: list[Path] = []
    for p in parts:
        path = SRC / p
        out.extend([path] if path.suffix == ".py" else sorted(path.rglob("*.py")))
    return out


def _package_of(path: Path) -> str:
    """The package a module's relative imports start from (its own for ``__init__``)."""
    return ".".join(path.relative_to(SRC.parent).with_suffix("").parts[:-1])


def imports(path: Path) -> set[str]:
    """Every module ``path`` imports (absolute names; relative imports resolved),
    at any depth (inside functions and ``TYPE_CHECKING`` blocks too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = _package_of(path).split(".")
                base = base[: len(base) - (node.level - 1)]
                mod = ".".join([*base, node.module] if node.module else base)
            else:
                mod = node.module or ""
            out.add(mod)
            out.update(f"{mod}.{a.name}" for a in node.names)
    return out


def _hits(names: set[str], forbidden: tuple[str, ...]) -> list[str]:
    return sorted(n for n in names if any(n == f or n.startswith(f + ".") for f in forbidden))


def test_the_checker_sees_imports(tmp_path: Path) -> None:
    f = tmp_path / "m.py"
    f.write_text(
        "import os\nfrom typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from sqlalchemy.orm import Session\n"
        "def f():\n    import rich.table\n    from deliberun.store import repository\n",
        encoding="utf-8",
    )
    names = imports(f)
    assert _hits(names, ("sqlalchemy",)) == ["sqlalchemy.orm", "sqlalchemy.orm.Session"]
    assert _hits(names, ("rich",)) == ["rich.table"]
    assert _hits(names, ("deliberun.store",)) == [
        "deliberun.store",
        "deliberun.store.repository",
    ]
    assert _hits(names, ("typer",)) == []


def test_layers_exist() -> None:
    assert len(_modules(NO_SQL)) > 20
    assert len(_modules(PURE)) > 40


@pytest.mark.parametrize("path", _modules(NO_SQL), ids=lambda p: str(p.relative_to(SRC)))
def test_no_sql_outside_store(path: Path) -> None:
    rel = path.relative_to(SRC).as_posix()
    hits = _hits(imports(path), ("sqlalchemy",))
    assert not hits, (
        f"{rel} imports {hits}: move the query into a store/ module and call it "
        "(ARCHITECTURE.md: store/ is the only place that knows SQL)"
    )


@pytest.mark.parametrize("path", _modules(("cli", "web")), ids=lambda p: str(p.relative_to(SRC)))
def test_adapters_go_through_services(path: Path) -> None:
    """The CLI and the web are thin: they open the database (store.db) and call services."""
    allowed = {
        "deliberun.store.db",
        "deliberun.store.db.Database",
        "deliberun.store.db.sqlite_files",
    }
    hits = [h for h in _hits(imports(path), ("deliberun.store",)) if h not in allowed]
    assert not hits, f"{path.relative_to(SRC)} imports {hits}: call a service instead"


@pytest.mark.parametrize("path", _modules(PURE), ids=lambda p: str(p.relative_to(SRC)))
def test_pure_layers_stay_pure(path: Path) -> None:
    hits = _hits(imports(path), PURE_FORBIDDEN)
    assert not hits, (
        f"{path.relative_to(SRC)} imports {hits}: pure layers take plain values and "
        "return plain values; do the I/O in services/ or store/"
    )


# --- the dependency order: io at the bottom, no import cycles ------------------------

#: What ``io/`` may import of deliberun besides itself: the modules at the very bottom.
IO_MAY_IMPORT = ("deliberun.io", "deliberun.errors", "deliberun.jsonable")

#: Imports that close a cycle, hidden inside functions, which other issues are taking
#: apart now: importer → edge. Empty since issue 15 (``services/history.py``: the
#: athlete's history sits below races, athlete_state and athlete, so none of them reaches
#: up into another for a cache). The list only shrinks: a new cycle fails the test, and
#: so does a listed import that is gone or no longer closes a cycle.
KNOWN_CYCLE_EDGES: frozenset[tuple[str, str]] = frozenset()


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """deliberun module → the deliberun modules it imports, at any depth (function-local
    and ``TYPE_CHECKING`` imports too). ``from package import name`` counts as importing
    the submodule when ``name`` is one, else the package; a package's ``__init__`` is not
    counted as imported by its submodules' importers (Python runs it, but it re-exports)."""
    paths = sorted(SRC.rglob("*.py"))
    modules = {_module_name(p) for p in paths}
    graph: dict[str, set[str]] = {}
    for p in paths:
        me = _module_name(p)
        edges: set[str] = set()
        for name in imports(p):
            if not name.startswith("deliberun"):
                continue
            # the longest module named by the import ("deliberun.plan.text.parse" → plan.text)
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name and name != me and not me.startswith(name + "."):  # not its own package
                edges.add(name)
        graph[me] = edges
    return graph


def cycles(graph: dict[str, set[str]]) -> set[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: set[frozenset[str]] = set()

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            scc = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                scc.add(w)
                if w == v:
                    break
            if len(scc) > 1:
                found.add(frozenset(scc))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_cycle_finder_finds_cycles() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert cycles(graph) == {frozenset({"a", "b", "c"})}
    assert cycles({"a": {"b"}, "b": set()}) == set()


def test_the_graph_sees_function_local_imports() -> None:
    graph = import_graph()
    # web/app.py imports its routes at the top; routes answer through web/responses
    assert "deliberun.web.routes" in graph["deliberun.web.app"]
    assert "deliberun.web.responses" in graph["deliberun.web.routes"]
    # a function-local import (services/plan.py writes FIT workouts inside a function)
    assert "deliberun.plan.formats.fit_workout" in graph["deliberun.services.plan"]


def test_no_new_import_cycles() -> None:
    graph = import_graph()
    known = {(a, b) for a, b in KNOWN_CYCLE_EDGES if b in graph.get(a, ())}
    assert known == set(KNOWN_CYCLE_EDGES), (
        f"{sorted(KNOWN_CYCLE_EDGES - known)} no longer imported: remove from KNOWN_CYCLE_EDGES"
    )
    found = cycles(graph)
    still = {(a, b) for a, b in known if any({a, b} <= c for c in found)}
    assert still == known, (
        f"{sorted(known - still)} no longer close a cycle: remove from KNOWN_CYCLE_EDGES"
    )
    rest = {a: {b for b in bs if (a, b) not in known} for a, bs in graph.items()}
    new = cycles(rest)
    assert not new, (
        f"import cycles {[sorted(c) for c in new]}: move what both need into a module "
        "below them (a function-local import hides a cycle, it does not remove it)"
    )


#: The athlete services, bottom layer first: a module may import those of the layers
#: below it, never one of its own layer or above, at any depth (issue 15: the history
#: every use case shares sits at the bottom).
SERVICE_LAYERS = (
    ("deliberun.services.history",),
    ("deliberun.services.races", "deliberun.services.athlete_state"),
    ("deliberun.services.athlete",),
    ("deliberun.services.practice_sessions",),
    ("deliberun.services.practice",),
)


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        v = todo.pop()
        if v not in seen:
            seen.add(v)
            todo.extend(graph.get(v, ()))
    return seen - {start}


def test_the_athlete_services_depend_in_one_order() -> None:
    graph = import_graph()
    for i, layer in enumerate(SERVICE_LAYERS):
        higher = {m for above in SERVICE_LAYERS[i:] for m in above}
        for low in layer:
            assert low in graph
            above = sorted((higher - {low}) & _reachable(graph, low))
            assert not above, f"{low} imports {above} (directly or not): they sit above it"
    # and the order is real: each module uses every module of the layer below it
    for below, layer in zip(SERVICE_LAYERS, SERVICE_LAYERS[1:], strict=False):
        for high in layer:
            assert set(below) <= _reachable(graph, high), f"{high} does not use {below}"


@pytest.mark.parametrize("path", _modules(("io",)), ids=lambda p: str(p.relative_to(SRC)))
def test_io_is_the_bottom_layer(path: Path) -> None:
    names = {n for n in imports(path) if n == "deliberun" or n.startswith("deliberun.")}
    above = sorted(n for n in names if not _hits({n}, IO_MAY_IMPORT))
    assert not above, (
        f"{path.relative_to(SRC)} imports {above}: io/ reads and writes activity files and "
        "imports nothing above it (a plan format belongs in plan/formats/)"
    )


@pytest.mark.parametrize("name", ["errors.py", "jsonable.py"])
def test_the_bottom_modules_import_no_deliberun(name: str) -> None:
    """``errors`` and ``jsonable`` sit below io: every layer may import them."""
    names = imports(SRC / name)
    assert not [n for n in names if n == "deliberun" or n.startswith("deliberun.")]


# --- services hand domain objects, not table rows -----------------------------------

#: Services that still import a table module (``store.tables*``), to be replaced by
#: repository functions that take and return domain types. Empty since issue 15 (the
#: last, ``practice.py``, calls ``store.practice_repo`` with journal entries, cycles,
#: targets and experiment specs): the rule holds for every service.
KNOWN_TABLE_IMPORTS: frozenset[tuple[str, str]] = frozenset()


def _table_imports() -> set[tuple[str, str]]:
    found = set()
    for path in _modules(("services",)):
        for name in _hits(imports(path), ("deliberun.store",)):
            module = ".".join(name.split(".")[:3])
            if module.startswith("deliberun.store.tables"):
                found.add((path.name, module))
    return found


def test_services_do_not_import_table_modules() -> None:
    found = _table_imports()
    new = sorted(found - KNOWN_TABLE_IMPORTS)
    gone = sorted(KNOWN_TABLE_IMPORTS - found)
    assert not new, (
        f"services import table modules {new}: add a repository function in store/ that "
        "takes and returns domain types, and call it"
    )
    assert not gone, f"{gone} no longer import table modules: remove from KNOWN_TABLE_IMPORTS"


#: What a store function must not hand to or take from a service: the table classes
#: (``store/tables*.py``) and SQLAlchemy's result ``Row``.
def _row_types(store: Path) -> set[str]:
    names = {"Row"}
    for path in sorted(store.glob("tables*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        names.update(n.name for n in tree.body if isinstance(n, ast.ClassDef))
    return names


def _names_in(node: ast.expr | None) -> set[str]:
    """Every name an annotation mentions (``list[X] | None`` → {list, X, None}...)."""
    if node is None:
        return set()
    out = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    out |= {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)}
    out |= {
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    }
    return out


def row_functions(store: Path) -> dict[str, set[str]]:
    """``{"deliberun.store.<module>.<function>": {row types}}``: every public function of
    the store (outside the table modules) whose return or parameter annotations name a
    table class or ``Row`` (``list[ActivityRow]``, ``row: SegmentRow``, ``dict[str, X]``)."""
    rows = _row_types(store)
    out: dict[str, set[str]] = {}
    for path in sorted(store.glob("*.py")):
        if path.name.startswith("tables"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                continue
            args = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
            named = _names_in(node.returns)
            for a in args:
                named |= _names_in(a.annotation)
            hit = named & rows
            if hit:
                out[f"deliberun.store.{path.stem}.{node.name}"] = hit
    return out


def store_calls(path: Path) -> set[str]:
    """Every ``deliberun.store.<module>.<name>`` a module uses: through a module alias
    (``from deliberun.store import repository as repo`` … ``repo.activity``) or imported
    by name (``from deliberun.store.repository import activity as stored``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    modules: dict[str, str] = {}
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "deliberun.store":
            for a in node.names:
                modules[a.asname or a.name] = f"deliberun.store.{a.name}"
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            "deliberun.store."
        ):
            out.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("deliberun.store.") and a.asname:
                    modules[a.asname] = a.name
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id in modules:
                out.add(f"{modules[node.value.id]}.{node.attr}")
    return out


#: Services, web and CLI modules that still call a store function handing out (or
#: taking) table rows, by file under src/deliberun → the functions. Empty since issue 15:
#: the reads and writes services use take and return records (``deliberun.records``:
#: ``repository.activity``, ``activities``, ``sources``, ``save_activity``, ...) or the
#: pure layers' types; the row functions left in the store serve its own writes and the
#: tests. The list may only shrink: a new use fails, a gone one must leave it.
KNOWN_ROW_CALLS: dict[str, frozenset[str]] = {}


def _row_calls() -> dict[str, set[str]]:
    rows = row_functions(SRC / "store")
    found: dict[str, set[str]] = {}
    for path in _modules(NO_SQL):
        hits = store_calls(path) & rows.keys()
        if hits:
            found[str(path.relative_to(SRC))] = hits
    return found


def test_the_row_checker_sees_row_functions_and_their_calls(tmp_path: Path) -> None:
    store = tmp_path / "store"
    store.mkdir()
    (store / "tables_x.py").write_text("class XRow:\n    pass\n", encoding="utf-8")
    (store / "x_repo.py").write_text(
        "def get(s) -> XRow | None: ...\ndef rows(s) -> list[XRow]: ...\n"
        "def put(s, row: XRow) -> None: ...\ndef rec(s) -> XRecord: ...\n"
        "def _private(s) -> XRow: ...\n",
        encoding="utf-8",
    )
    assert row_functions(store) == {
        "deliberun.store.x_repo.get": {"XRow"},
        "deliberun.store.x_repo.rows": {"XRow"},
        "deliberun.store.x_repo.put": {"XRow"},
    }  # a record and a private function are fine
    real = row_functions(SRC / "store")
    assert real["deliberun.store.repository.get_activity"] == {"ActivityRow"}
    assert "deliberun.store.repository.activity" not in real
    svc = tmp_path / "svc.py"
    svc.write_text(
        "from deliberun.store import repository as repo\n"
        "from deliberun.store.courses_repo import get_course as gc\n"
        "def f(s):\n    return repo.get_activity(s, 1), repo.activity(s, 1)\n",
        encoding="utf-8",
    )
    calls = store_calls(svc)
    assert {"deliberun.store.repository.get_activity", "deliberun.store.repository.activity",
            "deliberun.store.courses_repo.get_course"} <= calls  # fmt: skip
    assert calls & real.keys() == {
        "deliberun.store.repository.get_activity",
        "deliberun.store.courses_repo.get_course",
    }


def test_services_and_adapters_get_no_table_rows_from_the_store() -> None:
    """No service, web or CLI module calls a store function whose annotations name a
    table class (or SQLAlchemy's ``Row``): repositories take and return domain types
    (``deliberun.records`` and the pure layers' types)."""
    found = _row_calls()
    known = {k: set(v) for k, v in KNOWN_ROW_CALLS.items()}
    new = {k: sorted(v - known.get(k, set())) for k, v in found.items() if v - known.get(k, set())}
    gone = {k: sorted(v - found.get(k, set())) for k, v in known.items() if v - found.get(k, set())}
    assert not new, (
        f"these modules call store functions that hand out table rows: {new}; give the "
        "repository a function returning a record (deliberun/records.py) and call that"
    )
    assert not gone, f"no longer called, remove from KNOWN_ROW_CALLS: {gone}"


def test_mypy_checks_every_module() -> None:
    """``make typecheck`` names every package and module of deliberun (pure layers and,
    since issue 15, the store, services and adapters), so none is left unchecked."""
    make = (SRC.parents[1] / "Makefile").read_text(encoding="utf-8")
    named = set()
    for line in make.splitlines():
        if line.startswith(("PURE :=", "ADAPTERS :=")):
            named.update(p.removeprefix("src/deliberun/") for p in line.split(":=")[1].split())
    assert "$(PURE) $(ADAPTERS)" in make
    top = {p.name for p in SRC.iterdir() if p.suffix == ".py" or (p / "__init__.py").exists()}
    assert top - named == set(), f"{sorted(top - named)} are not type-checked: add to the Makefile"


# --- function-local imports: only where a measured cost or a cycle justifies them ----

#: Every function-local import of deliberun in services/ and web/ that stays local, and
#: why: what it would add to the import of the module holding it (CPU ms and modules,
#: ``bench/local_imports.py`` on main before issue 15c, min of 5, load 13-20 on 2 cores;
#: below 5 ms an import goes to the top), or another issue moving it. (An import that
#: closes a cycle may say so — "closes holder → … → holder" — only while it does: none
#: is left since issue 15's ``services/history.py``.) Keyed by (file
#: under src/deliberun, the module imported). A new local import fails the test until it
#: is listed with a reason; a listed one that is gone fails too (the list stays honest).
ALLOWED_LOCAL_IMPORTS: dict[tuple[str, str], str] = {
    ("services/activities.py", "deliberun.services.manual_import"): "8 ms (4 modules)",
    (
        "services/athlete.py",
        "deliberun.models.detraining",
    ): "5 ms (1 module)",
    (
        "services/athlete.py",
        "deliberun.models.races",
    ): "10 ms (1 module)",
    (
        "services/athlete.py",
        "deliberun.models.vdot_day",
    ): "7 ms (2 modules)",
    (
        "services/athlete.py",
        "deliberun.models.vdot_history",
    ): "15 ms (5 modules)",
    ("services/athlete_zones.py", "deliberun.plan.paces"): "392 ms (496 modules)",
    (
        "services/athlete_zones.py",
        "deliberun.services.athlete",
    ): "926 ms (776 modules)",
    (
        "services/courses.py",
        "deliberun.services.athlete_state",
    ): "119 ms (62 modules; issue 15 history, min of 3, load 7)",
    ("services/demo.py", "deliberun.services.athlete"): "132 ms (70 modules)",
    ("services/demo.py", "deliberun.services.importer"): "129 ms (79 modules)",
    ("services/demo.py", "deliberun.services.plan"): "146 ms (74 modules)",
    ("services/demo.py", "deliberun.services.practice"): "223 ms (91 modules)",
    ("services/demo.py", "deliberun.services.review"): "214 ms (92 modules)",
    ("services/demo_group.py", "deliberun.services.athletes"): "38 ms (6 modules)",
    ("services/demo_group.py", "deliberun.services.importer"): "135 ms (76 modules)",
    ("services/group.py", "deliberun.plan.workout"): "6 ms (4 modules)",
    ("services/group.py", "deliberun.services.athlete"): "130 ms (71 modules)",
    ("services/group.py", "deliberun.services.history"): (
        "105 ms (71 modules; issue 15 s9: the model settings through the history, min of 3, "
        "load 1-3)"
    ),
    ("services/group.py", "deliberun.services.plan"): "159 ms (91 modules)",
    ("services/group.py", "deliberun.services.practice"): "176 ms (96 modules)",
    ("services/group.py", "deliberun.services.practice_sessions"): "153 ms (75 modules)",
    ("services/group.py", "deliberun.store.athletes_repo"): "38 ms (5 modules)",
    ("services/group.py", "deliberun.store.settings_repo"): "7.8 ms (3 modules)",
    ("services/group.py", "deliberun.store.strava_repo"): "44 ms (5 modules)",
    ("services/group.py", "deliberun.store.verdicts_repo"): "32 ms (3 modules)",
    ("services/importer.py", "deliberun.io.sources"): "10 ms (3 modules)",
    (
        "services/importer.py",
        "deliberun.practice.journal_file",
    ): "512 ms (199 modules)",
    (
        "services/importer.py",
        "deliberun.services.plan",
    ): "65 ms (34 modules)",
    (
        "services/importer.py",
        "deliberun.services.practice",
    ): "595 ms (267 modules)",
    (
        "services/plan.py",
        "deliberun.services.athlete",
    ): "509 ms (226 modules)",
    (
        "services/practice.py",
        "deliberun.store.repository",
    ): "0.1 ms (already loaded)",
    (
        "services/practice_sessions.py",
        "deliberun.models.races",
    ): "10 ms (1 module)",
    (
        "services/practice_sessions.py",
        "deliberun.models.sessions",
    ): "10 ms (4 modules)",
    (
        "services/practice_sessions.py",
        "deliberun.services.athlete",
    ): "0.1 ms (already loaded); left to issue 14, moving the session build out of practice_sessions",
    (
        "services/practice_sessions.py",
        "deliberun.services.athlete_zones",
    ): "3 ms (1 module); left to issue 14, moving the session build out of practice_sessions",
    ("services/race_plan.py", "deliberun.plan.formats.fit_workout"): "17 ms (8 modules)",
    ("services/race_plan.py", "deliberun.plan.workout"): "8 ms (5 modules)",
    (
        "services/race_plan.py",
        "deliberun.services.courses",
    ): "153 ms (70 modules)",
    (
        "services/session_types.py",
        "deliberun.services.athlete",
    ): "505 ms (226 modules)",
    ("services/stored_verdicts.py", "deliberun.services.athlete"): "573 ms (283 modules)",
    ("services/stored_verdicts.py", "deliberun.services.races"): "85 ms (58 modules)",
    ("services/stored_verdicts.py", "deliberun.services.practice_sessions"): "550 ms (312 modules)",
    ("services/stored_verdicts.py", "deliberun.services.session_types"): "86 ms (59 modules)",
    ("services/strava_sync.py", "deliberun.services.importer"): "13 ms (13 modules)",
    ("services/target_rehearsals.py", "deliberun.plan.race_plan"): "68 ms (54 modules)",
    ("services/target_rehearsals.py", "deliberun.plan.rehearsals"): "70 ms (54 modules)",
    (
        "services/target_rehearsals.py",
        "deliberun.services.courses",
    ): "255 ms (126 modules)",
    (
        "services/target_rehearsals.py",
        "deliberun.services.race_plan",
    ): "109 ms (61 modules)",
    ("services/threshold_refresh.py", "deliberun.services.activities"): "39 ms (23 modules)",
    ("services/threshold_refresh.py", "deliberun.services.athlete"): "30 ms (9 modules)",
    ("web/group_app.py", "deliberun.services.athletes"): "6 ms (3 modules)",
    ("web/routes.py", "deliberun.services.coach_notes"): "23 ms (4 modules)",
    ("web/strava_routes.py", "deliberun.services.strava_sync"): "215 ms (128 modules)",
    ("web/strava_routes.py", "deliberun.strava.client"): "205 ms (121 modules)",
}


def function_local_imports(path: Path, package: str | None = None) -> set[tuple[str, str]]:
    """(file under src/deliberun, deliberun module) for every import nested in a function
    (at any depth) of ``path``; ``from pkg import name`` counts as the submodule when
    ``name`` is one. ``package``: where relative imports start (default: the file's)."""
    modules = {_module_name(p) for p in SRC.rglob("*.py")}
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    inside = path.is_relative_to(SRC)
    rel = path.relative_to(SRC).as_posix() if inside else path.name
    package = package or _package_of(path)
    found: set[tuple[str, str]] = set()

    def resolve(name: str) -> str:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name

    for fn in ast.walk(tree):
        if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(fn):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")
                    base = base[: len(base) - (node.level - 1)]
                    mod = ".".join([*base, node.module] if node.module else base)
                else:
                    mod = node.module or ""
                names = [f"{mod}.{a.name}" for a in node.names]
            for name in names:
                module = resolve(name)
                if module.startswith("deliberun"):
                    found.add((rel, module))
    return found


def test_the_local_import_finder_sees_nested_imports(tmp_path: Path) -> None:
    f = tmp_path / "m.py"
    f.write_text(
        "import os\nfrom deliberun.store.db import Database\n"
        "def f():\n    import json\n    from deliberun.services import athlete\n"
        "    def g():\n        from deliberun.units import day\n"
        "class C:\n    async def h(self):\n        from . import races\n"
        "        import deliberun.plan.text\n",
        encoding="utf-8",
    )
    found = function_local_imports(f, package="deliberun.services")
    assert found == {
        ("m.py", "deliberun.services.athlete"),  # a submodule by its name
        ("m.py", "deliberun.units"),  # a name in a module: the module
        ("m.py", "deliberun.services.races"),  # relative, in a method
        ("m.py", "deliberun.plan.text"),
    }


def test_function_local_imports_are_listed_with_a_reason() -> None:
    found: set[tuple[str, str]] = set()
    for path in _modules(("services", "web")):
        found |= function_local_imports(path)
    new = sorted(found - ALLOWED_LOCAL_IMPORTS.keys())
    gone = sorted(ALLOWED_LOCAL_IMPORTS.keys() - found)
    assert not new, (
        f"function-local imports {new}: import at the top of the module; keep one local only "
        "when bench/local_imports.py measures a start-up cost (> 5 ms) or it closes an import "
        "cycle, and list it in ALLOWED_LOCAL_IMPORTS with the reason"
    )
    assert not gone, f"{gone} are no longer function-local: remove from ALLOWED_LOCAL_IMPORTS"
    assert all(reason.strip() for reason in ALLOWED_LOCAL_IMPORTS.values())


def test_a_local_import_said_to_close_a_cycle_closes_one() -> None:
    """A reason "closes …" stays true: the holder is reachable from the module it
    imports (function-local imports included); else the reason is stale."""
    graph = import_graph()

    def reaches(start: str, goal: str) -> bool:
        seen: set[str] = set()
        todo = [start]
        while todo:
            v = todo.pop()
            if v == goal:
                return True
            if v not in seen:
                seen.add(v)
                todo.extend(graph.get(v, ()))
        return False

    stale = sorted(
        (f, module)
        for (f, module), why in ALLOWED_LOCAL_IMPORTS.items()
        if "closes" in why and not reaches(module, _module_name(SRC / f))
    )
    assert not stale, f"{stale} close no import cycle: give the measured cost instead"


def test_the_model_settings_are_read_through_the_history() -> None:
    """Inside a use case every service reads the athlete's model settings once, from the
    history (``history.of(db).model_settings()``); a direct ``model_settings(db)`` reads
    the table again per call (issue 15: "one read of settings per page")."""
    direct = re.compile(r"\bmodel_settings\((?!\))")
    found = [
        f"{path.relative_to(SRC)}:{n}"
        for path in sorted((SRC / "services").glob("*.py"))
        if path.name not in ("history.py", "athlete_settings.py")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if direct.search(line) and "def model_settings" not in line
    ]
    assert found == [], found
