"""Reads the PostgreSQL DDL of the design document (``../shared/seed/``) into plain data.

Only what the schema of record must honour is kept: tables with their columns (type, size,
nullability), enum types and their values, index names, and named constraints (the inline
``CONSTRAINT x UNIQUE`` and the ``ALTER TABLE ... ADD CONSTRAINT ... FOREIGN KEY`` list).
Illustrative statements of the document (``CREATE TABLE x (...)``, ``LIKE``, row security,
roles, the ``user_api_keys`` encryption example) are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

SEED_DIR = Path(__file__).resolve().parents[3] / "shared" / "seed"


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # lower case, without size: "uuid", "varchar", "decimal", "timestamp with time zone"
    size: tuple[int, ...]  # (255,) for VARCHAR(255), (20, 8) for DECIMAL(20,8)
    not_null: bool


@dataclass
class Design:
    tables: dict[str, dict[str, Column]] = field(default_factory=dict)
    enums: dict[str, list[str]] = field(default_factory=dict)
    indexes: dict[str, str] = field(default_factory=dict)  # name -> table
    constraints: dict[str, str] = field(default_factory=dict)  # name -> table


def design_document() -> Path | None:
    found = sorted(SEED_DIR.glob("000_*.txt")) if SEED_DIR.is_dir() else []
    return found[0] if found else None


def _sql_blocks(document: str) -> str:
    blocks = re.findall(r"```sql\n(.*?)```", document, flags=re.S)
    return "\n".join(re.sub(r"--[^\n]*", "", block) for block in blocks)


def _body(sql: str, start: int) -> str:
    """The text between the parenthesis opening at ``start`` and its match."""
    depth = 0
    for i in range(start, len(sql)):
        if sql[i] == "(":
            depth += 1
        elif sql[i] == ")":
            depth -= 1
            if depth == 0:
                return sql[start + 1 : i]
    raise ValueError("unbalanced parentheses in the design DDL")


def _split_top_level(body: str) -> list[str]:
    parts, depth, current = [], 0, []
    for char in body:
        depth += char == "("
        depth -= char == ")"
        if char == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [" ".join(p.split()) for p in parts if p.strip()]


COLUMN = re.compile(
    r"^(?P<name>\w+)\s+(?P<type>timestamp with time zone|\w+)(?:\((?P<size>[\d,\s]+)\))?(?P<rest>.*)$", re.I
)


def parse(document: str) -> Design:
    sql = _sql_blocks(document)
    design = Design()
    for match in re.finditer(r"CREATE TYPE (\w+) AS ENUM\s*\(", sql, flags=re.I):
        body = _body(sql, match.end() - 1)
        design.enums[match.group(1)] = re.findall(r"'([^']*)'", body)
    for match in re.finditer(r"CREATE TABLE (\w+)\s*\(", sql, flags=re.I):
        body = _body(sql, match.end() - 1)
        if body.strip() == "..." or body.strip().upper().startswith("LIKE "):
            continue
        table = match.group(1)
        columns: dict[str, Column] = {}
        for part in _split_top_level(body):
            constraint = re.match(r"CONSTRAINT (\w+)", part, flags=re.I)
            if constraint:
                design.constraints[constraint.group(1)] = table
                continue
            column = COLUMN.match(part)
            assert column, f"unreadable column definition in {table}: {part!r}"
            size = tuple(int(s) for s in column.group("size").split(",")) if column.group("size") else ()
            rest = column.group("rest").upper()
            columns[column.group("name")] = Column(
                name=column.group("name"),
                type=column.group("type").lower(),
                size=size,
                not_null="NOT NULL" in rest or "PRIMARY KEY" in rest,
            )
        design.tables[table] = columns
    for match in re.finditer(r"CREATE INDEX (\w+) ON (\w+)", sql, flags=re.I):
        design.indexes[match.group(1)] = match.group(2)
    for match in re.finditer(r"ALTER TABLE (\w+) ADD CONSTRAINT (\w+)\s+FOREIGN KEY", sql, flags=re.I):
        design.constraints[match.group(2)] = match.group(1)
    return design


def load() -> Design | None:
    path = design_document()
    return None if path is None else parse(path.read_text(encoding="utf-8"))
