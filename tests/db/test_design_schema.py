"""The migrated database carries the design document's schema under the design's names.

Every design table, column (type family, size, nullability), enum value, index name and named
constraint must exist; the project may add its own. Skipped when the design document is absent.
"""

from __future__ import annotations

import pytest

from db.migrate import upgrade
from tests.db.catalog import catalog
from tests.db.design_ddl import Column, Design, load

# Where a Telegram-first user has no email or password (agreed in issue 10).
MAY_BE_NULLABLE = {("users", "email"), ("users", "password_hash")}

TYPE_FAMILIES = {
    "uuid": {"uuid"},
    "varchar": {"character varying"},
    "text": {"text"},
    "boolean": {"boolean"},
    "integer": {"integer", "bigint"},
    "bigint": {"bigint"},
    "decimal": {"numeric"},
    "jsonb": {"jsonb"},
    "inet": {"inet"},
    "timestamp with time zone": {"timestamp with time zone"},
}

DESIGN = load()
pytestmark = pytest.mark.skipif(DESIGN is None, reason="design document ../shared/seed/000_*.txt not present")


def _column_problem(table: str, column: Column, enums: dict[str, list[str]], found) -> str | None:
    where = f"{table}.{column.name}"
    if found is None:
        return f"{where} missing"
    if column.type in enums:
        if found["udt_name"] != column.type:
            return f"{where} is {found['udt_name']}, design: enum {column.type}"
    elif found["data_type"] not in TYPE_FAMILIES[column.type]:
        return f"{where} is {found['data_type']}, design: {column.type}"
    elif column.type == "varchar" and (found["character_maximum_length"] or 0) < column.size[0]:
        return f"{where} holds {found['character_maximum_length']} characters, design: {column.size[0]}"
    elif column.type == "decimal" and (found["numeric_precision"], found["numeric_scale"]) != column.size:
        return f"{where} is numeric({found['numeric_precision']},{found['numeric_scale']}), design: {column.size}"
    if column.not_null and found["is_nullable"] == "YES" and (table, column.name) not in MAY_BE_NULLABLE:
        return f"{where} is nullable, design: NOT NULL"
    return None


def schema_differences(design: Design, catalog: dict[str, object]) -> list[str]:
    problems = []
    for table, columns in design.tables.items():
        for column in columns.values():
            problem = _column_problem(table, column, design.enums, catalog["columns"].get((table, column.name)))
            if problem:
                problems.append(problem)
    for enum, values in design.enums.items():
        missing = [v for v in values if v not in catalog["enums"].get(enum, [])]
        if missing:
            problems.append(f"enum {enum} lacks {missing}")
    for kind in ("indexes", "constraints"):
        for name, table in getattr(design, kind).items():
            if catalog[kind].get(name) != table:
                problems.append(f"{kind[:-1] if kind == 'constraints' else 'index'} {name} on {table} missing")
    return problems


def test_the_design_document_is_read_whole():
    # Guards the parser: a silently skipped table would make the comparison below vacuous.
    assert set(DESIGN.tables) == {
        "users", "user_sessions", "trading_pairs", "orders", "positions", "ai_commands", "trading_signals",
        "telegram_users",
    }
    assert len(DESIGN.enums) == 9 and DESIGN.enums["telegram_user_status"] == ["active", "blocked", "banned", "pending"]
    assert len(DESIGN.indexes) == 30 and "uq_trading_pair_exchange" in DESIGN.constraints
    assert DESIGN.tables["orders"]["amount"] == Column("amount", "decimal", (20, 8), True)


def test_migrated_database_has_every_design_table_column_enum_index_and_constraint(empty_database_url):
    upgrade(empty_database_url)
    assert schema_differences(DESIGN, catalog(empty_database_url)) == []
