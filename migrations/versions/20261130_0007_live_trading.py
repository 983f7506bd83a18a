"""Live trading on users' own exchange accounts: the market type of a key, the live portfolio that
books an account's orders, and each user's limits for live orders.

Revision ID: 0007_live
Revises: 0006_alerts
Create Date: 2026-11-30 17:00:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007_live'
down_revision: str | None = '0006_alerts'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('exchange_credentials', sa.Column('market_type', sa.String(10), server_default='spot', nullable=False))
    op.create_check_constraint('ck_exchange_credentials_market_type_known', 'exchange_credentials', "market_type IN ('spot', 'swap')")
    # A live portfolio books one connected account; disconnecting keeps its history (SET NULL).
    op.add_column('portfolios', sa.Column('credential_id', sa.Uuid(), nullable=True))
    op.create_foreign_key('fk_portfolios_credential_id', 'portfolios', 'exchange_credentials',
                          ['credential_id'], ['id'], ondelete='SET NULL')
    op.create_index('uq_portfolios_credential_id', 'portfolios', ['credential_id'], unique=True)
    op.create_table(
        'live_trading_limits',
        sa.Column('user_id', sa.Uuid(), sa.ForeignKey('users.id', ondelete='CASCADE', name='fk_live_trading_limits_user_id_users'),
                  nullable=False),
        sa.Column('max_order_value', sa.Numeric(20, 8), server_default='1000', nullable=False),
        sa.Column('confirm_above_value', sa.Numeric(20, 8), server_default='100', nullable=False),
        sa.Column('max_leverage', sa.Numeric(10, 2), server_default='3', nullable=False),
        sa.Column('daily_loss_limit', sa.Numeric(20, 8), server_default='200', nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint('user_id', name='pk_live_trading_limits'),
        sa.CheckConstraint('max_order_value > 0', name='ck_live_trading_limits_max_order_value_positive'),
        sa.CheckConstraint('confirm_above_value >= 0', name='ck_live_trading_limits_confirm_above_value_not_negative'),
        sa.CheckConstraint('max_leverage >= 1', name='ck_live_trading_limits_max_leverage_at_least_one'),
        sa.CheckConstraint('daily_loss_limit > 0', name='ck_live_trading_limits_daily_loss_limit_positive'),
    )


def downgrade() -> None:
    op.drop_table('live_trading_limits')
    op.drop_index('uq_portfolios_credential_id', table_name='portfolios')
    op.drop_constraint('fk_portfolios_credential_id', 'portfolios', type_='foreignkey')
    op.drop_column('portfolios', 'credential_id')
    op.drop_constraint('ck_exchange_credentials_market_type_known', 'exchange_credentials', type_='check')
    op.drop_column('exchange_credentials', 'market_type')
