"""Orders: stop-loss/take-profit handed to the position on fill, and when a stop_limit triggered.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 12:20:08.707115+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('orders', sa.Column('stop_loss', sa.Numeric(precision=20, scale=8), nullable=True))
    op.add_column('orders', sa.Column('take_profit', sa.Numeric(precision=20, scale=8), nullable=True))
    op.add_column('orders', sa.Column('triggered_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column('orders', 'triggered_at')
    op.drop_column('orders', 'take_profit')
    op.drop_column('orders', 'stop_loss')
