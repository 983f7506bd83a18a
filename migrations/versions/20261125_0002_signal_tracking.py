"""Signal tracking: every entry price and how many targets a followed signal has reached.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 12:18:08.361840+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('trading_signals', sa.Column('entry_prices', postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'[]'::jsonb"), nullable=False))
    op.add_column('trading_signals', sa.Column('targets_hit', sa.Integer(), server_default=sa.text('0'), nullable=False))


def downgrade() -> None:
    op.drop_column('trading_signals', 'targets_hit')
    op.drop_column('trading_signals', 'entry_prices')
