"""The layering of ARCHITECTURE.md, checked by parsing the sources (nothing is imported).

- ``store/`` is the only place that knows SQL: ``services/``, ``cli/`` and ``web/``
  import nothing from sqlalchemy; ``cli/`` and ``web/`` take only ``store.db`` (to open
  the database) and call services for the rest.
- The pure layers (``io``, ``metrics``, ``models``, ``practice``, ``plan``, ``sim``,
  ``athlete.py``, ``units.py``) import no database, CLI, terminal or web library, and none of the
  impure deliberun packages.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "deliberun"

#: Packages whose modules must not import sqlalchemy.
NO_SQL = ("services", "cli", "web")
#: Pure layers (packages, and single modules by file name).
PURE = ("io", "metrics", "models", "practice", "plan", "sim", "athlete.py", "units.py")
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
