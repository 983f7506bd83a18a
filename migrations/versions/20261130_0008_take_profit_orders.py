"""Take-profit orders: a signal's targets on a live exchange are the exchange's own conditional
orders (take-profit-market, reduce-only), stored under their own order type.

Revision ID: 0008_take_profit
Revises: 0007_live
Create Date: 2026-11-30 19:00:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '0008_take_profit'
down_revision: str | None = '0007_live'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("ALTER TYPE order_type ADD VALUE IF NOT EXISTS 'take_profit'")


def downgrade() -> None:
    # PostgreSQL cannot drop an enum value; rows of this type become stop orders.
    op.execute("UPDATE orders SET type = 'stop' WHERE type = 'take_profit'")
