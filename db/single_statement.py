"""One statement on its own, straight on the driver: for the few statements every update runs.

Through the ORM session a single INSERT costs about 1 ms of CPU (session, connection checkout,
cache key, execution context, commit, close); the same statement compiled once and executed on
the pooled asyncpg connection costs about 0.3 ms (benchmarks/e2e_bench.py, py-spy). So a
statement built once as SQLAlchemy Core is compiled here once, and run with the type
conversions SQLAlchemy would apply (enums, JSON, UUIDs), on a connection of the same pool.

Outside a transaction the statement commits on its own (asyncpg's autocommit). When the session
has a transaction open it joins it instead, through the session, so it commits or rolls back
with the rest of the unit of work.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import asyncpg
from sqlalchemy.engine.interfaces import Dialect
from sqlalchemy.exc import InterfaceError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.base import Executable

Processor = Callable[[Any], Any] | None


@dataclass(frozen=True)
class _Compiled:
    sql: str
    fixed: dict[str, Any]  # parameters whose value is in the statement (``is_bot_blocked=False``)
    order: tuple[str, ...]  # bind parameter names in $1, $2... order
    bind: tuple[Processor, ...]
    keys: tuple[str, ...]  # names of the returned columns
    results: tuple[Processor, ...]

    def arguments(self, parameters: Mapping[str, Any]) -> list[Any]:
        values = [parameters[name] if name in parameters else self.fixed[name] for name in self.order]
        return [value if convert is None else convert(value) for value, convert in zip(values, self.bind)]

    def row(self, record: asyncpg.Record) -> dict[str, Any]:
        return {key: value if convert is None else convert(value)
                for key, value, convert in zip(self.keys, record, self.results)}


# Compiled statements by statement: they are module constants, built once, few.
_compiled: dict[tuple[type[Dialect], Executable], _Compiled] = {}


def _compile(statement: Executable, dialect: Dialect) -> _Compiled:
    key = (type(dialect), statement)
    found = _compiled.get(key)
    if found is not None:
        return found
    compiled = statement.compile(dialect=dialect)
    # Defaults computed in Python, IN-lists expanded per call: the session's job, not this one's.
    if compiled.insert_prefetch or compiled.update_prefetch or compiled.literal_execute_params \
            or compiled.post_compile_params:
        raise ValueError(f"not a fixed statement: {compiled.string[:80]}")
    order = tuple(compiled.positiontup or ())
    processors = compiled._bind_processors
    columns = compiled._result_columns
    found = _Compiled(
        sql=compiled.string,
        fixed={name: bind.effective_value for bind, name in compiled.bind_names.items() if not bind.required},
        order=order,
        bind=tuple(processors.get(name) for name in order),
        keys=tuple(column[0] for column in columns),
        results=tuple(_result_processor(column[3], dialect) for column in columns),
    )
    _compiled[key] = found
    return found


def _result_processor(type_: Any, dialect: Dialect) -> Processor:
    try:
        return type_._cached_result_processor(dialect, None)
    except Exception:  # noqa: BLE001 - wants the driver's type code (numeric): asyncpg's own value is right
        return None


async def run_alone(session: AsyncSession, statement: Executable, parameters: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Run ``statement`` (a Core statement built once) and return its rows as dicts by column key.

    In the session's transaction when one is open, else on its own, committed when it returns."""
    if session.in_transaction():
        result = await session.execute(statement, dict(parameters))
        return [dict(row._mapping) for row in result] if result.returns_rows else []
    engine = session.bind
    compiled = _compile(statement, engine.dialect)
    arguments = compiled.arguments(parameters)
    pooled = await engine.raw_connection()
    try:
        records = await pooled.driver_connection.fetch(compiled.sql, *arguments)
    except (asyncpg.PostgresConnectionError, asyncpg.InterfaceError, OSError) as error:
        # The connection broke (a server restart): raised as the session would, so callers tell
        # an outage from a bug the same way whichever path ran the statement.
        pooled.invalidate(error)
        raise InterfaceError(compiled.sql, None, error, hide_parameters=True, connection_invalidated=True) from error
    except asyncpg.PostgresError:
        pooled.close()  # the server refused the statement; the connection is fine
        raise
    except BaseException as error:  # broken or interrupted mid-statement: not fit for reuse
        pooled.invalidate(error if isinstance(error, Exception) else None)
        raise
    pooled.close()
    return [compiled.row(record) for record in records]
