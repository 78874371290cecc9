"""Alembic's autogenerate does not compare the values of non-native enums, so
`db check` cannot see a new enum member that the migrations forgot. This
compares every enum column's CHECK constraint in the migrated database with
the model's values."""

import re

import sqlalchemy as sa

from marketplace.extensions import db


def _enum_columns():
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, sa.Enum) and column.type.create_constraint:
                yield table.name, column


def _check_sql(table: str, constraint: str) -> str:
    conn = db.session.connection()
    if conn.dialect.name == "postgresql":
        return conn.execute(sa.text(
            "SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid "
            "WHERE t.relname = :table AND c.conname = :name"), {"table": table, "name": constraint}).scalar() or ""
    return conn.execute(sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :table"),
                        {"table": table}).scalar() or ""


def _allowed_values(sql: str, constraint: str, dialect: str) -> set[str]:
    """The quoted literals of one CHECK constraint."""
    if dialect == "sqlite":
        match = re.search(rf"CONSTRAINT {constraint} CHECK \((.*?)\)\s*(,|\)$|\n)", sql, re.S)
        sql = match.group(1) if match else ""
    return set(re.findall(r"'([^']*)'", sql))


def test_every_enum_check_constraint_allows_exactly_the_models_values(app):
    dialect = db.session.connection().dialect.name
    mismatches = {}
    for table, column in _enum_columns():
        constraint = f"ck_{table}_{column.type.name}"
        allowed = _allowed_values(_check_sql(table, constraint), constraint, dialect)
        expected = set(column.type.enums)
        if allowed != expected:
            mismatches[f"{table}.{column.name}"] = {"missing": sorted(expected - allowed),
                                                   "extra": sorted(allowed - expected)}
    assert not mismatches, f"migrate the CHECK constraints of: {mismatches}"


def test_the_check_finds_a_value_the_database_would_refuse(app):
    dialect = db.session.connection().dialect.name
    table, column = next((t, c) for t, c in _enum_columns() if t == "journal_entries")
    constraint = f"ck_{table}_{column.type.name}"

    allowed = _allowed_values(_check_sql(table, constraint), constraint, dialect)

    assert "point_sale" in allowed
    assert "no_such_kind" not in allowed
