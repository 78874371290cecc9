"""Payments sit below orders (README, Architecture): nothing in marketplace/payments
imports orders or anything above it. Payments tell orders what happened through
marketplace.events. An ast walk over every import, top-level or inside a function."""

import ast
from pathlib import Path

PAYMENTS = Path(__file__).resolve().parents[2] / "marketplace" / "payments"
# orders and what is above it; showrooms too (payments need nothing of the points' tills).
ABOVE_PAYMENTS = ("marketplace.orders", "marketplace.payouts", "marketplace.showrooms", "marketplace.demo", "search")


def imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def is_above(module: str) -> bool:
    return any(module == top or module.startswith(top + ".") for top in ABOVE_PAYMENTS)


def test_payments_import_nothing_from_orders_or_above():
    offending = {f"{path.name}: {module}" for path in sorted(PAYMENTS.glob("*.py"))
                 for module in imported_modules(path) if is_above(module)}
    assert not offending, f"payments must not import these (publish an event instead): {sorted(offending)}"


def test_the_walk_finds_an_import_inside_a_function(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from marketplace.orders.models import Order\n")

    assert any(is_above(m) for m in imported_modules(module))
