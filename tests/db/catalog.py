"""What a migrated database holds, read from pg_catalog / information_schema (for schema tests)."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg

from tests.conftest import _asyncpg_dsn


async def _catalog(url: str) -> dict[str, Any]:
    conn = await asyncpg.connect(_asyncpg_dsn(url))
    try:
        tables = {r[0] for r in await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
        )}
        enums: dict[str, list[str]] = {}
        for row in await conn.fetch(
            "SELECT t.typname, e.enumlabel FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid "
            "ORDER BY t.typname, e.enumsortorder"
        ):
            enums.setdefault(row[0], []).append(row[1])
        indexes = {
            r[0]: r[1] for r in await conn.fetch("SELECT indexname, tablename FROM pg_indexes WHERE schemaname = 'public'")
        }
        columns = {
            (r["table_name"], r["column_name"]): r
            for r in await conn.fetch(
                "SELECT table_name, column_name, data_type, udt_name, is_nullable, character_maximum_length,"
                " numeric_precision, numeric_scale FROM information_schema.columns WHERE table_schema = 'public'"
            )
        }
        constraints = {
            r[0]: r[1]
            for r in await conn.fetch(
                "SELECT c.conname, t.relname FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid"
                " JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = 'public'"
            )
        }
        return {"tables": tables, "enums": enums, "indexes": indexes, "columns": columns, "constraints": constraints}
    finally:
        await conn.close()


def catalog(url: str) -> dict[str, Any]:
    """Tables, enums (values in order), indexes and constraints (name -> table), columns."""
    return asyncio.run(_catalog(url))
