"""Batches of rows as bind parameters: one array per column, unnested by PostgreSQL.

A ``VALUES (...), (...)`` list written into the statement makes new SQL text for every batch:
SQLAlchemy compiles it again and PostgreSQL prepares it again (a round trip each time), and the
per-connection cache of prepared statements churns. ``unnest`` of typed arrays keeps one SQL
text whatever the batch, built once, prepared once per connection.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ARRAY, bindparam, cast, column, func
from sqlalchemy.sql.selectable import TableValuedAlias
from sqlalchemy.types import TypeEngine


def unnest(name: str, **columns: TypeEngine[Any]) -> TableValuedAlias:
    """A table ``name`` of ``columns``, its rows bound by :func:`arrays` under the same name."""
    parameters = (cast(bindparam(f"{name}_{key}"), ARRAY(type_)) for key, type_ in columns.items())
    table = func.unnest(*parameters).table_valued(*(column(key, type_) for key, type_ in columns.items()))
    return table.render_derived(name=name)  # AS name(column, ...)


def arrays(name: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> dict[str, list[Any]]:
    """The bind parameters of :func:`unnest`'s table ``name``: rows given as tuples in ``columns`` order."""
    by_column: list[list[Any]] = [[] for _ in columns]
    for row in rows:
        for values, value in zip(by_column, row, strict=True):
            values.append(value)
    return {f"{name}_{key}": values for key, values in zip(columns, by_column, strict=True)}
