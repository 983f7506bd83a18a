"""The incoming log's batch as one statement (bot/middlewares/update_log.py).

A batch used to be a transaction of five or six statements (senders' counters, their sessions
extended, new sessions, the users' activity, the assistant's responses, the message rows): with
BEGIN and COMMIT about eight round trips. Here the same writes are data-modifying CTEs of one
INSERT, bound as arrays (db/repositories/batch.py), run on its own (db/single_statement.py): one
round trip, committed as one. The sub-statements see the same snapshot; what depends on another's
result (the accounts the counters found, the sessions not extended) reads its RETURNING.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from db.repositories.ai_commands import (
    COMMAND_FIELDS, RESPONSE_FIELDS, CommandRecord, ResponseRecord, command_values, response_values,
)
from db.repositories.batch import arrays
from db.repositories.sessions import SESSION_IDLE, new_token_hash
from db.repositories.telegram import LOGGED_FIELDS, logged_values
from db.single_statement import run_alone

# ``counts``: one row per sender (db/repositories/telegram.py's ``_record_activity`` by amounts);
# ``seq`` is the batch position of the sender's last update, whose chat goes in a new session's
# ``device_info``; ``token`` the hash of a new session's token, used only if one is started.
# ``messages``: the log rows (LOGGED_FIELDS) with the sender's Telegram id.
INCOMING_BATCH = text("""
WITH counts AS (
    SELECT * FROM unnest(
        CAST(:c_telegram_id AS BIGINT[]), CAST(:c_messages AS INTEGER[]), CAST(:c_commands AS INTEGER[]),
        CAST(:c_at AS TIMESTAMPTZ[]), CAST(:c_daily_messages AS INTEGER[]), CAST(:c_daily_commands AS INTEGER[]),
        CAST(:c_next_reset AS TIMESTAMPTZ[]), CAST(:c_seq AS INTEGER[]), CAST(:c_chat_id AS BIGINT[]),
        CAST(:c_token AS VARCHAR[])
    ) AS c(telegram_id, messages, commands, at, daily_messages, daily_commands, next_reset, seq, chat_id, token)
),
activity AS (
    UPDATE telegram_users AS u SET
        daily_message_count = CASE WHEN c.daily_messages > 0 AND (u.rate_limit_reset_at IS NULL OR u.rate_limit_reset_at <= c.at)
            THEN c.daily_messages ELSE u.daily_message_count + c.daily_messages END,
        daily_command_count = CASE WHEN c.daily_messages > 0 AND (u.rate_limit_reset_at IS NULL OR u.rate_limit_reset_at <= c.at)
            THEN c.daily_commands ELSE u.daily_command_count + c.daily_commands END,
        rate_limit_reset_at = CASE WHEN c.daily_messages > 0 AND (u.rate_limit_reset_at IS NULL OR u.rate_limit_reset_at <= c.at)
            THEN c.next_reset ELSE u.rate_limit_reset_at END,
        total_messages = u.total_messages + c.messages,
        total_commands = u.total_commands + c.commands,
        last_activity_at = c.at,
        updated_at = now()
    FROM counts AS c WHERE u.telegram_id = c.telegram_id
    RETURNING u.telegram_id, u.id, u.user_id
),
-- One use per user (two Telegram accounts of one user: the later update's)
uses AS (
    SELECT DISTINCT ON (a.user_id) a.user_id, c.at, c.chat_id, c.token
    FROM activity AS a JOIN counts AS c ON c.telegram_id = a.telegram_id
    WHERE a.user_id IS NOT NULL
    ORDER BY a.user_id, c.seq DESC
),
extended AS (
    UPDATE user_sessions AS s SET last_used_at = uses.at, expires_at = uses.at + CAST(:idle AS INTERVAL)
    FROM uses WHERE s.user_id = uses.user_id AND s.expires_at > uses.at AND s.revoked_at IS NULL
    RETURNING s.user_id
),
started AS (
    INSERT INTO user_sessions (user_id, session_token, device_info, created_at, last_used_at, expires_at)
    SELECT uses.user_id, uses.token, jsonb_build_object('client', 'telegram', 'chat_id', uses.chat_id),
           uses.at, uses.at, uses.at + CAST(:idle AS INTERVAL)
    FROM uses WHERE uses.user_id NOT IN (SELECT user_id FROM extended)
),
users_active AS (
    UPDATE users SET last_activity_at = uses.at, updated_at = now() FROM uses WHERE users.id = uses.user_id
),
-- Commands of answer-only intents (bot/assistant/text_handler.py); in the same statement as the
-- responses and messages that refer to them (foreign keys are checked at the statement's end).
commands AS (
    INSERT INTO ai_commands (id, input_text, telegram_user_id, user_id, command_type, status, processed_input,
                             detected_intent, extracted_entities, confidence_score, processing_time_ms, model_version,
                             error_code, error_message, created_at, started_at, completed_at)
    SELECT k.id, k.input_text, k.telegram_user_id, k.user_id, CAST(k.command_type AS command_type),
           CAST(k.status AS command_status), CAST(k.processed_input AS JSONB), k.detected_intent,
           coalesce(CAST(k.extracted_entities AS JSONB), CAST('{}' AS JSONB)), k.confidence_score,
           k.processing_time_ms, k.model_version, k.error_code, k.error_message, k.created_at, k.started_at,
           k.completed_at
    FROM unnest(
        CAST(:k_id AS UUID[]), CAST(:k_input_text AS TEXT[]), CAST(:k_telegram_user_id AS UUID[]),
        CAST(:k_user_id AS UUID[]), CAST(:k_command_type AS TEXT[]), CAST(:k_status AS TEXT[]),
        CAST(:k_processed_input AS TEXT[]), CAST(:k_detected_intent AS VARCHAR[]), CAST(:k_extracted_entities AS TEXT[]),
        CAST(:k_confidence_score AS NUMERIC[]), CAST(:k_processing_time_ms AS INTEGER[]),
        CAST(:k_model_version AS VARCHAR[]), CAST(:k_error_code AS VARCHAR[]), CAST(:k_error_message AS TEXT[]),
        CAST(:k_created_at AS TIMESTAMPTZ[]), CAST(:k_started_at AS TIMESTAMPTZ[]), CAST(:k_completed_at AS TIMESTAMPTZ[])
    ) AS k(id, input_text, telegram_user_id, user_id, command_type, status, processed_input, detected_intent,
           extracted_entities, confidence_score, processing_time_ms, model_version, error_code, error_message,
           created_at, started_at, completed_at)
),
responses AS (
    INSERT INTO ai_responses (id, command_id, response_text, response_type, response_data, model_version, created_at)
    SELECT r.id, r.command_id, r.response_text, r.response_type, CAST(r.response_data AS JSONB), r.model_version, r.created_at
    FROM unnest(
        CAST(:r_id AS UUID[]), CAST(:r_command_id AS UUID[]), CAST(:r_response_text AS TEXT[]),
        CAST(:r_response_type AS VARCHAR[]), CAST(:r_response_data AS TEXT[]), CAST(:r_model_version AS VARCHAR[]),
        CAST(:r_created_at AS TIMESTAMPTZ[])
    ) AS r(id, command_id, response_text, response_type, response_data, model_version, created_at)
)
INSERT INTO telegram_messages (telegram_user_id, ai_command_id, direction, chat_id, message_id, update_id, message_type,
                               text, callback_data, is_forwarded, forward_from_chat, extra, created_at, edited_at)
SELECT
    -- the sender's account; without one, the account of the chat (as every log row)
    coalesce(a.id, (SELECT t.id FROM telegram_users AS t WHERE t.chat_id = m.chat_id LIMIT 1)),
    m.ai_command_id, m.direction, m.chat_id, m.message_id, m.update_id, m.message_type, m.text, m.callback_data,
    m.is_forwarded, m.forward_from_chat, coalesce(CAST(m.extra AS JSONB), CAST('{}' AS JSONB)), m.created_at, m.edited_at
FROM unnest(
    CAST(:m_telegram_id AS BIGINT[]), CAST(:m_ai_command_id AS UUID[]), CAST(:m_direction AS VARCHAR[]),
    CAST(:m_chat_id AS BIGINT[]), CAST(:m_message_id AS BIGINT[]), CAST(:m_update_id AS BIGINT[]),
    CAST(:m_message_type AS VARCHAR[]), CAST(:m_text AS TEXT[]), CAST(:m_callback_data AS VARCHAR[]),
    CAST(:m_is_forwarded AS BOOLEAN[]), CAST(:m_forward_from_chat AS VARCHAR[]), CAST(:m_extra AS TEXT[]),
    CAST(:m_created_at AS TIMESTAMPTZ[]), CAST(:m_edited_at AS TIMESTAMPTZ[])
) AS m(telegram_id, ai_command_id, direction, chat_id, message_id, update_id, message_type, text, callback_data,
       is_forwarded, forward_from_chat, extra, created_at, edited_at)
LEFT JOIN activity AS a ON a.telegram_id = m.telegram_id
""")


@dataclass(frozen=True)
class SenderCount:
    """A sender's updates in the batch: added to the counters of its account (if it has one)."""
    telegram_id: int
    messages: int
    commands: int
    at: datetime  # of the latest update
    daily_messages: int  # those counted for today here (registration took them from its cache)
    daily_commands: int
    next_reset: datetime
    seq: int  # batch position of the sender's latest update
    chat_id: int  # its chat: a new session's device_info


_COUNTS = ("telegram_id", "messages", "commands", "at", "daily_messages", "daily_commands", "next_reset", "seq",
           "chat_id", "token")
# The log row's columns, the sender's Telegram id in place of its account (found by the statement).
_MESSAGES = ("telegram_id", *(name for name in LOGGED_FIELDS if name != "telegram_user_id"))


async def write_incoming(session: AsyncSession, counts: Sequence[SenderCount], responses: Sequence[ResponseRecord],
                         rows: Sequence[tuple[int | None, dict[str, Any]]],
                         commands: Sequence[CommandRecord] = ()) -> None:
    """Counters, sessions, AI commands, responses and the log ``rows`` (sender's Telegram id,
    LOGGED_FIELDS row) of a batch of updates, in one statement committed on its own. A row
    without a sender (the bot's replies) gets the account of its chat."""
    parameters: dict[str, Any] = {"idle": SESSION_IDLE}
    parameters.update(arrays("c", _COUNTS, (
        (c.telegram_id, c.messages, c.commands, c.at, c.daily_messages, c.daily_commands, c.next_reset, c.seq,
         c.chat_id, new_token_hash())
        for c in counts
    )))
    parameters.update(arrays("k", COMMAND_FIELDS, (command_values(command) for command in commands)))
    parameters.update(arrays("r", RESPONSE_FIELDS, (response_values(response) for response in responses)))
    logged = tuple(LOGGED_FIELDS)
    parameters.update(arrays("m", _MESSAGES, (
        (telegram_id, *(value for name, value in zip(logged, logged_values(row)) if name != "telegram_user_id"))
        for telegram_id, row in rows
    )))
    await run_alone(session, INCOMING_BATCH, parameters)
