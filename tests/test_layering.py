"""The layering of docs/architecture.md, enforced: every import of every module is walked.

- The UI (``kiosk``, ``counter``) reaches the core only through ``loket.services``,
  ``loket.views`` and ``loket.errors``, and never touches SQLAlchemy or a database driver.
- The core (``loket``) has no Qt and knows no UI package.
- ``scheduler`` and ``hardware`` are leaves: they import none of the project's other
  packages.
- The composition root (the modules that start a role or the demo) may wire everything.

Imports inside functions count too: a lazy import is still an edge.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("loket", "kiosk", "counter", "hardware", "scheduler", "roles")
UI = ("kiosk", "counter")
UI_MAY_USE = ("loket.services", "loket.views", "loket.errors")
DATABASE = ("sqlalchemy", "psycopg", "sqlite3", "alembic")
QT = ("PySide6", "shiboken6")

# The composition root (the package ``roles``: role PCs, the demo and the commands that
# open windows) builds the Database, Clock and Actor and may wire everything.
COMPOSITION = "roles"


def _modules() -> Iterator[tuple[str, Path]]:
    for package in PACKAGES:
        base = ROOT / package
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            yield ".".join(parts), path


def _imports(path: Path) -> Iterator[tuple[int, str]]:
    """Every imported module name; ``from a import b`` yields ``a.b`` too (b may be a
    module), so ``from loket import staff`` is the edge to ``loket.staff``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module
            for alias in node.names:
                yield node.lineno, f"{node.module}.{alias.name}"


def _top(name: str) -> str:
    return name.split(".")[0]


def _is_under(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def forbidden(module: str, imported: str, imported_is_module: bool) -> str | None:
    """Why ``module`` may not import ``imported``, or None when the edge is allowed."""
    package, target = _top(module), _top(imported)
    if package == COMPOSITION:
        return None
    if package in UI:
        if target in DATABASE:
            return "the UI never touches the database layer; use loket.services"
        core_module = target == "loket" and imported != "loket" and imported_is_module
        if core_module and not _is_under(imported, UI_MAY_USE):
            return "the UI uses only loket.services, loket.views and loket.errors"
    if package == "loket":
        if target in QT:
            return "the core has no Qt"
        if target in (*UI, "roles"):
            return "the core knows no UI; register commands from the UI package instead"
    if package in ("scheduler", "hardware") and target in PACKAGES and target != package:
        return f"{package} is a leaf: it imports none of the project's other packages"
    return None


def _is_module(name: str) -> bool:
    """True when ``name`` is one of the project's modules or packages (not a class)."""
    parts = name.split(".")
    path = ROOT.joinpath(*parts)
    return path.is_dir() or path.with_suffix(".py").is_file() or parts[0] not in PACKAGES


def test_no_module_imports_across_a_forbidden_edge():
    problems = []
    for module, path in _modules():
        for line, imported in _imports(path):
            why = forbidden(module, imported, _is_module(imported))
            if why:
                problems.append(f"{path.relative_to(ROOT)}:{line}: {module} -> {imported}: {why}")
    assert not problems, "\n".join(problems)


def test_the_rule_catches_the_edges_it_is_meant_to():
    """The checker itself: a forbidden edge of each kind is reported, an allowed one not."""
    assert forbidden("kiosk.kiosk_window", "sqlalchemy.exc", True)
    assert forbidden("counter.workstation", "loket.tickets", True)
    assert forbidden("counter.login", "loket.staff", True)
    assert forbidden("loket.cli.plan", "roles.pcs", True)
    assert forbidden("loket.cli.common", "PySide6.QtWidgets", True)
    assert forbidden("loket.services", "PySide6.QtCore", True)
    assert forbidden("hardware.printer", "loket.errors", True)
    assert forbidden("scheduler.roster", "hardware.printer", True)
    assert not forbidden("counter.workstation", "loket.views", True)
    assert not forbidden("counter.workstation", "loket.views.StaffView", False)
    assert not forbidden("kiosk.kiosk_window", "hardware.printer", True)
    assert not forbidden("loket.plan_builder", "scheduler.roster", True)
    # A lazy import inside a function is an edge as well.
    lines = [name for _, name in _imports(ROOT / "tests" / "test_layering.py")]
    assert "ast" in lines
