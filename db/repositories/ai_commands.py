"""What the NLP layer made of each free-text message (ai_commands) and what the bot answered
(ai_responses). Status moves pending -> processing -> completed | failed (the bot starts a command at
processing: it reads it at once). The row is written once, finished (``finish`` then ``write``, or
``fail``): one INSERT instead of an INSERT, an UPDATE and a transaction more per message; for
answer-only readings not even that, the incoming log's batch statement writes it. A bot that stops
mid-parse loses nothing: the update was not acknowledged, so it comes again and is parsed again.

Every update with free text writes here, so the statements are Core (the ORM's unit of work
was the largest CPU cost of the bot under load, by py-spy): the objects handed back are plain
records of what was written, not tracked by the session."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import DateTime, String, Text, Uuid, bindparam, cast, insert, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import AICommand, AIResponse
from db.repositories.batch import arrays, unnest
from db.single_statement import run_alone
from domain.enums import CommandStatus, CommandType


_COMMANDS = AICommand.__table__
_RESPONSES = AIResponse.__table__


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class CommandRecord:
    """An ``ai_commands`` row being made (:meth:`AICommandRepository.start`): a plain record,
    cheaper to build than a mapped object, which nothing here needs (the row is inserted as Core)."""

    id: uuid.UUID
    input_text: str
    telegram_user_id: uuid.UUID | None
    user_id: uuid.UUID
    command_type: CommandType
    status: CommandStatus
    processed_input: dict[str, Any] | None
    created_at: datetime
    started_at: datetime
    detected_intent: str | None = None
    extracted_entities: dict[str, Any] | None = None
    confidence_score: Decimal | None = None
    processing_time_ms: int | None = None
    model_version: str | None = None
    error_code: str | None = None
    error_message: str | None = None
    completed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ResponseRecord:
    """An ``ai_responses`` row being made (:func:`new_response`)."""

    id: uuid.UUID
    command_id: uuid.UUID
    response_text: str
    response_type: str
    response_data: dict[str, Any]
    model_version: str | None
    created_at: datetime


def new_response(
    command_id: uuid.UUID,
    text: str,
    *,
    response_type: str = "text",
    data: dict[str, Any] | None = None,
    model_version: str | None = None,
) -> ResponseRecord:
    """What the bot answered to a command, not written yet (:meth:`AICommandRepository.add_responses`)."""
    return ResponseRecord(
        id=uuid.uuid4(), command_id=command_id, response_text=text, response_type=response_type,
        response_data=data or {}, model_version=model_version, created_at=_now(),
    )


class AICommandRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def start(
        self, input_text: str, *, telegram_user_id: uuid.UUID | None, user_id: uuid.UUID
    ) -> CommandRecord:
        """A command being processed: ``processed_input`` is the text the parser reads (stored as
        ``{"text": ...}``). Its id is chosen here; it is written once finished."""
        now = _now()
        command = CommandRecord(
            id=uuid.uuid4(),
            input_text=input_text,
            telegram_user_id=telegram_user_id,
            user_id=user_id,
            # Until the parser classifies it; finish() sets the real type.
            command_type=CommandType.GENERAL_QUERY,
            status=CommandStatus.PROCESSING,
            processed_input={"text": input_text.strip()},
            created_at=now,
            started_at=now,
        )
        return command

    async def fail(self, command: CommandRecord, *, error_code: str, error_message: str, processing_time_ms: int) -> None:
        command.status = CommandStatus.FAILED
        command.error_code = error_code
        command.error_message = error_message[:2000]
        command.processing_time_ms = processing_time_ms
        command.completed_at = _now()
        await self.write(command)

    async def write(self, command: CommandRecord) -> None:
        """A finished command (:func:`finish`, :meth:`fail`) in one INSERT on its own (the incoming
        log's batch writes the commands of answer-only intents: :func:`command_values`)."""
        row = _columns(command, COMMAND_FIELDS)
        # A failed parse has no entities: the column's default, {}.
        await run_alone(self._session, _INSERT_COMMAND[row["extracted_entities"] is not None], row)

    async def add_response(
        self,
        command_id: uuid.UUID,
        text: str,
        *,
        response_type: str = "text",
        data: dict[str, Any] | None = None,
        model_version: str | None = None,
    ) -> ResponseRecord:
        response = new_response(command_id, text, response_type=response_type, data=data, model_version=model_version)
        await self.add_responses([response])
        return response

    async def add_responses(self, responses: Sequence[ResponseRecord]) -> None:
        """Responses made earlier (:func:`new_response`), in one statement: committed on its own,
        or in the session's open transaction (the message log's batch)."""
        if responses:
            batch = arrays("batch", RESPONSE_FIELDS, (response_values(response) for response in responses))
            await run_alone(self._session, _INSERT_RESPONSES, batch)

    async def get(self, command_id: uuid.UUID) -> AICommand | None:
        return await self._session.get(AICommand, command_id)

    async def responses(self, command_id: uuid.UUID) -> list[AIResponse]:
        rows = await self._session.scalars(
            select(AIResponse).where(AIResponse.command_id == command_id).order_by(AIResponse.created_at)
        )
        return list(rows)


def finish(
    command: CommandRecord,
    *,
    command_type: str,
    intent: str,
    entities: dict[str, Any],
    confidence: float,
    processing_time_ms: int,
    model_version: str,
) -> None:
    """Fill in the reading of a started command; :meth:`AICommandRepository.write` writes it."""
    command.status = CommandStatus.COMPLETED
    command.command_type = CommandType(command_type)
    command.detected_intent = intent
    command.extracted_entities = entities
    # NUMERIC(3,2): round, and keep within [0, 1] whatever a model returned.
    command.confidence_score = min(max(Decimal(str(round(confidence, 2))), Decimal("0")), Decimal("1"))
    command.processing_time_ms = processing_time_ms
    command.model_version = model_version
    command.completed_at = _now()


COMMAND_FIELDS = (
    "id", "input_text", "telegram_user_id", "user_id", "command_type", "status", "processed_input",
    "detected_intent", "extracted_entities", "confidence_score", "processing_time_ms", "model_version",
    "error_code", "error_message", "created_at", "started_at", "completed_at",
)
RESPONSE_FIELDS = ("id", "command_id", "response_text", "response_type", "response_data", "model_version", "created_at")


def _insert(table: Any, fields: tuple[str, ...]) -> Any:
    return insert(table).values({name: bindparam(name) for name in fields})


# Every free-text message writes these: built once (db/single_statement.py).
_INSERT_COMMAND = {
    True: _insert(_COMMANDS, COMMAND_FIELDS),
    False: _insert(_COMMANDS, tuple(name for name in COMMAND_FIELDS if name != "extracted_entities")),
}


def _insert_responses() -> Any:
    """Many responses in one statement whatever their number: INSERT ... SELECT from arrays."""
    batch = unnest("batch", id=Uuid(), command_id=Uuid(), response_text=Text(), response_type=String(),
                   response_data=Text(), model_version=String(), created_at=DateTime(timezone=True))
    columns = [batch.c[name] for name in RESPONSE_FIELDS]
    columns[RESPONSE_FIELDS.index("response_data")] = cast(batch.c.response_data, JSONB)
    return insert(_RESPONSES).from_select(list(RESPONSE_FIELDS), select(*columns))


_INSERT_RESPONSES = _insert_responses()


def command_values(command: CommandRecord) -> tuple[Any, ...]:
    """A finished command as the log batch binds it (enums by value, JSON as text)."""
    values = _columns(command, COMMAND_FIELDS)
    for name in ("processed_input", "extracted_entities"):
        values[name] = None if values[name] is None else json.dumps(values[name])
    for name in ("command_type", "status"):
        values[name] = None if values[name] is None else str(values[name].value)
    return tuple(values[name] for name in COMMAND_FIELDS)


def response_values(response: ResponseRecord) -> tuple[Any, ...]:
    return tuple(json.dumps(response.response_data) if name == "response_data" else getattr(response, name)
                 for name in RESPONSE_FIELDS)


def _columns(record: CommandRecord | ResponseRecord, fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(record, name) for name in fields}
