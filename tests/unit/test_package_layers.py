"""Packages depend on each other in one direction (README, "Architecture").

The walk reads every module's imports with `ast`, as text, without importing
anything, so it also sees imports inside functions. A package may import the
core modules (marketplace/*.py) and the packages below it; a lower package
learns of a higher one's changes through marketplace.events, never by import.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Lowest first. Each package may import only those before it (and the core modules).
LAYERS = ["mail", "regions", "web", "jobs", "storage", "accounts", "audit", "producers", "catalog", "pricing",
          "showrooms", "traceability", "payments", "orders", "banking", "payouts", "notifications", "portal",
          "backoffice", "search", "storefront", "demo"]


def package_of(path: Path) -> str | None:
    parts = path.relative_to(ROOT).parts
    if parts[0] == "search":
        return "search"
    if parts[0] == "marketplace" and len(parts) > 2:
        return parts[1]
    return None  # a core module, or the app factory


def imported_packages(path: Path) -> set[tuple[str, int]]:
    """(package, line) for every import of a marketplace package or of search."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "search":
                found.add(("search", node.lineno))
            elif parts[0] == "marketplace" and len(parts) > 1 and parts[1] in LAYERS:
                found.add((parts[1], node.lineno))
    return found


def modules():
    for path in sorted([*(ROOT / "marketplace").rglob("*.py"), *(ROOT / "search").rglob("*.py")]):
        package = package_of(path)
        if package is not None:
            yield path, package


def test_every_package_has_a_place_in_the_layers():
    assert {package for _path, package in modules()} <= set(LAYERS)


def test_no_package_imports_one_above_it():
    upward = [f"{path.relative_to(ROOT)}:{line} imports {target} ({package} is below it)"
              for path, package in modules()
              for target, line in sorted(imported_packages(path))
              if target != package and LAYERS.index(target) > LAYERS.index(package)]

    assert upward == []


@pytest.mark.parametrize("source, expected", [
    ("from marketplace.orders.models import Order", {("orders", 1)}),
    ("import search.outbox", {("search", 1)}),
    ("def f():\n    from marketplace.payments import services", {("payments", 2)}),
    ("from marketplace.errors import NotFound", set()),
])
def test_the_walk_sees_every_kind_of_import(tmp_path, source, expected):
    module = tmp_path / "module.py"
    module.write_text(source)

    assert imported_packages(module) == expected
