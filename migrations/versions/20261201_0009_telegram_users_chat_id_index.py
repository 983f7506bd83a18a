"""An index on ``telegram_users.chat_id``: every batch of the outgoing message log finds the
account of each chat it wrote to (and a chat that blocked the bot is marked by it); without the
index each lookup reads the whole table.

Revision ID: 0009_chat_id_index
Revises: 0008_take_profit
Create Date: 2026-12-01 01:20:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '0009_chat_id_index'
down_revision: str | None = '0008_take_profit'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('idx_telegram_users_chat_id', 'telegram_users', ['chat_id'], unique=False)


def downgrade() -> None:
    op.drop_index('idx_telegram_users_chat_id', table_name='telegram_users')
