"""Signals end to end: tracking state on trading_signals, futures positions, per-user signal settings.

- trading_signals: the tracking state machine (state, entered_at, entry_fill_price, closed_at,
  exit_price, result_r), the user's tracking rules and, once executed, how it was executed.
- positions: paper futures (market_type, margin_mode, margin, liquidation_price).
- signal_settings: one row per user (amount per trade, leverage cap, margin mode, entry split,
  target split, stop rules, entry expiry, follow-up handling).

Revision ID: 0005_signals
Revises: 0004
Create Date: 2026-11-30 17:00:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0005_signals'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SIGNAL_COLUMNS = [
    sa.Column('state', sa.String(length=20), server_default='waiting_for_entry', nullable=False),
    sa.Column('entered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('entry_fill_price', sa.Numeric(precision=20, scale=8), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('exit_price', sa.Numeric(precision=20, scale=8), nullable=True),
    sa.Column('result_r', sa.Numeric(precision=10, scale=4), nullable=True),
    sa.Column('tracking_rules', postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'{}'::jsonb"),
              nullable=False),
    sa.Column('execution', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
]
POSITION_COLUMNS = [
    sa.Column('market_type', sa.String(length=10), server_default='spot', nullable=False),
    sa.Column('margin_mode', sa.String(length=10), nullable=True),
    sa.Column('margin', sa.Numeric(precision=20, scale=8), nullable=True),
    sa.Column('liquidation_price', sa.Numeric(precision=20, scale=8), nullable=True),
]


def upgrade() -> None:
    for column in SIGNAL_COLUMNS:
        op.add_column('trading_signals', column)
    # Rows tracked before: their outcome says where they ended; an active one with targets was entered.
    op.execute("""
        UPDATE trading_signals SET state = CASE
            WHEN outcome IN ('cancelled', 'expired') THEN outcome
            WHEN NOT is_active THEN 'closed'
            WHEN targets_hit > 0 THEN 'tp' || targets_hit
            ELSE 'waiting_for_entry' END,
          closed_at = CASE WHEN is_active THEN NULL ELSE updated_at END
    """)
    op.create_index('idx_trading_signals_source_name', 'trading_signals', ['source_name'], unique=False)
    for column in POSITION_COLUMNS:
        op.add_column('positions', column)
    op.create_check_constraint(op.f('ck_positions_market_type_known'), 'positions', "market_type IN ('spot', 'futures')")
    op.create_table(
        'signal_settings',
        sa.Column('user_id', sa.UUID(), nullable=False),
        sa.Column('margin_per_trade', sa.Numeric(precision=20, scale=8), server_default=sa.text('100'), nullable=False),
        sa.Column('max_leverage', sa.Numeric(precision=10, scale=2), server_default=sa.text('20'), nullable=False),
        sa.Column('margin_mode', sa.String(length=10), server_default='isolated', nullable=False),
        sa.Column('split_entries', sa.Boolean(), server_default=sa.text('false'), nullable=False),
        sa.Column('target_split', postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'[]'::jsonb"),
                  nullable=False),
        sa.Column('move_stop_to_entry_after_tp1', sa.Boolean(), server_default=sa.text('true'), nullable=False),
        sa.Column('trail_after_target', sa.Integer(), nullable=True),
        sa.Column('entry_expiry_hours', sa.Integer(), server_default=sa.text('48'), nullable=False),
        sa.Column('ask_before_follow_ups', sa.Boolean(), server_default=sa.text('false'), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.CheckConstraint("margin_mode IN ('isolated', 'cross')", name=op.f('ck_signal_settings_margin_mode_known')),
        sa.CheckConstraint('margin_per_trade > 0', name=op.f('ck_signal_settings_margin_per_trade_positive')),
        sa.CheckConstraint('max_leverage >= 1 AND max_leverage <= 125', name=op.f('ck_signal_settings_max_leverage_range')),
        sa.CheckConstraint('entry_expiry_hours > 0', name=op.f('ck_signal_settings_entry_expiry_positive')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_signal_settings_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_signal_settings')),
    )


def downgrade() -> None:
    op.drop_table('signal_settings')
    op.drop_constraint(op.f('ck_positions_market_type_known'), 'positions', type_='check')
    for column in reversed(POSITION_COLUMNS):
        op.drop_column('positions', column.name)
    op.drop_index('idx_trading_signals_source_name', table_name='trading_signals')
    for column in reversed(SIGNAL_COLUMNS):
        op.drop_column('trading_signals', column.name)
