"""The schema of record: the design document's tables, columns, enum values, indexes and constraint
names, reached by renames and casts that keep every row.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 16:20:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, project name, design name)
COLUMN_RENAMES = [
    ('user_sessions', 'token_hash', 'session_token'),
    ('trading_pairs', 'base_asset', 'base_currency'),
    ('trading_pairs', 'quote_asset', 'quote_currency'),
    ('orders', 'order_type', 'type'),
    ('orders', 'quantity', 'amount'),
    ('orders', 'filled_quantity', 'filled_amount'),
    ('orders', 'fee', 'total_fee'),
    ('positions', 'initial_quantity', 'size'),
    ('positions', 'quantity', 'remaining_size'),
    ('positions', 'fees', 'total_fees'),
    ('positions', 'stop_loss', 'stop_loss_price'),
    ('positions', 'take_profit', 'take_profit_price'),
    ('ai_responses', 'ai_command_id', 'command_id'),
    ('trading_signals', 'indicators', 'technical_indicators'),
    ('trading_signals', 'market_data', 'market_conditions'),
    # The project's outcome label (tp1_hit, sl_hit, ...) keeps its data under a new name; the
    # design's actual_outcome (the price change in percent) is added below.
    ('trading_signals', 'actual_outcome', 'outcome'),
]

# (table, project name, design name); tables other than the design's keep their ix_ names.
INDEX_RENAMES = [
    ('users', 'ix_users_email', 'idx_users_email'),
    ('users', 'ix_users_username', 'idx_users_username'),
    ('users', 'ix_users_is_active', 'idx_users_active'),
    ('users', 'ix_users_created_at', 'idx_users_created_at'),
    ('user_sessions', 'ix_user_sessions_user_id', 'idx_sessions_user_id'),
    ('user_sessions', 'ix_user_sessions_expires_at', 'idx_sessions_expires_at'),
    ('trading_pairs', 'ix_trading_pairs_is_active', 'idx_trading_pairs_active'),
    ('orders', 'ix_orders_user_id', 'idx_orders_user_id'),
    ('orders', 'ix_orders_portfolio_id', 'idx_orders_portfolio_id'),
    ('orders', 'ix_orders_status', 'idx_orders_status'),
    ('orders', 'ix_orders_created_at', 'idx_orders_created_at'),
    ('orders', 'ix_orders_exchange_order_id', 'idx_orders_exchange_order_id'),
    ('positions', 'ix_positions_user_id', 'idx_positions_user_id'),
    ('positions', 'ix_positions_portfolio_id', 'idx_positions_portfolio_id'),
    ('positions', 'ix_positions_status', 'idx_positions_status'),
    ('ai_commands', 'ix_ai_commands_user_id', 'idx_ai_commands_user_id'),
    ('ai_commands', 'ix_ai_commands_telegram_user_id', 'idx_ai_commands_telegram_user_id'),
    ('ai_commands', 'ix_ai_commands_status', 'idx_ai_commands_status'),
    ('ai_commands', 'ix_ai_commands_command_type', 'idx_ai_commands_type'),
    ('ai_commands', 'ix_ai_commands_created_at', 'idx_ai_commands_created_at'),
    ('ai_responses', 'ix_ai_responses_ai_command_id', 'idx_ai_responses_command_id'),
    ('trading_signals', 'ix_trading_signals_symbol', 'idx_trading_signals_symbol'),
    ('trading_signals', 'ix_trading_signals_user_id', 'idx_trading_signals_user_id'),
    ('trading_signals', 'ix_trading_signals_is_active', 'idx_trading_signals_active'),
    ('trading_signals', 'ix_trading_signals_created_at', 'idx_trading_signals_created_at'),
    ('telegram_users', 'ix_telegram_users_user_id', 'idx_telegram_users_user_id'),
    ('telegram_users', 'ix_telegram_users_status', 'idx_telegram_users_status'),
]

# Design indexes the project did not have: (name, table, column).
NEW_INDEXES = [
    ('idx_sessions_token', 'user_sessions', 'session_token'),
    ('idx_trading_pairs_symbol', 'trading_pairs', 'symbol'),
    ('idx_trading_pairs_exchange', 'trading_pairs', 'exchange'),
    ('idx_positions_trading_pair_id', 'positions', 'trading_pair_id'),
    ('idx_trading_signals_trading_pair_id', 'trading_signals', 'trading_pair_id'),
    ('idx_trading_signals_signal_type', 'trading_signals', 'signal_type'),
    ('idx_telegram_users_telegram_id', 'telegram_users', 'telegram_id'),
]

# (table, project name, design name): unique, check and foreign-key constraints.
CONSTRAINT_RENAMES = [
    ('trading_pairs', 'uq_trading_pairs_symbol_exchange', 'uq_trading_pair_exchange'),
    ('user_sessions', 'uq_user_sessions_token_hash', 'uq_user_sessions_session_token'),
    ('orders', 'ck_orders_quantity_positive', 'ck_orders_amount_positive'),
    ('orders', 'ck_orders_filled_within_quantity', 'ck_orders_filled_within_amount'),
    ('positions', 'ck_positions_quantity_not_negative', 'ck_positions_remaining_size_not_negative'),
    ('portfolios', 'fk_portfolios_user_id_users', 'fk_portfolios_user_id'),
    ('orders', 'fk_orders_user_id_users', 'fk_orders_user_id'),
    ('orders', 'fk_orders_portfolio_id_portfolios', 'fk_orders_portfolio_id'),
    ('orders', 'fk_orders_trading_pair_id_trading_pairs', 'fk_orders_trading_pair_id'),
    ('positions', 'fk_positions_trading_pair_id_trading_pairs', 'fk_positions_trading_pair_id'),
    ('ai_responses', 'fk_ai_responses_ai_command_id_ai_commands', 'fk_ai_responses_command_id'),
    ('trading_signals', 'fk_trading_signals_ai_command_id_ai_commands', 'fk_trading_signals_command_id'),
    ('telegram_users', 'fk_telegram_users_user_id_users', 'fk_telegram_users_user_id'),
]

# (enum, project value, design value): the same concept under the design's word.
ENUM_VALUE_RENAMES = [
    ('telegram_user_status', 'suspended', 'blocked'),
    ('signal_source', 'sentiment', 'sentiment_analysis'),
    ('signal_source', 'news', 'news_analysis'),
    ('signal_source', 'ai_model', 'machine_learning'),
]

# (enum, design value, what a row holding it becomes on downgrade)
ENUM_VALUES_ADDED = [
    ('command_status', 'cancelled', 'failed'),
    ('signal_type', 'strong_buy', 'buy'),
    ('signal_type', 'strong_sell', 'sell'),
    ('signal_source', 'pattern_recognition', 'technical_analysis'),
    ('signal_source', 'hybrid', 'technical_analysis'),
]

# Columns the design has and the project lacked: (table, column).
NEW_COLUMNS = [
    ('users', sa.Column('first_name', sa.String(length=100), nullable=True)),
    ('users', sa.Column('last_name', sa.String(length=100), nullable=True)),
    ('users', sa.Column('is_premium', sa.Boolean(), server_default=sa.text('false'), nullable=False)),
    ('users', sa.Column('two_factor_enabled', sa.Boolean(), server_default=sa.text('false'), nullable=False)),
    ('users', sa.Column('two_factor_secret', sa.String(length=32), nullable=True)),
    ('users', sa.Column('failed_login_attempts', sa.Integer(), server_default=sa.text('0'), nullable=False)),
    ('users', sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True)),
    ('users', sa.Column('notification_preferences', postgresql.JSONB(astext_type=sa.Text()), nullable=True)),
    ('users', sa.Column('last_activity_at', sa.DateTime(timezone=True), nullable=True)),
    ('user_sessions', sa.Column('refresh_token', sa.String(length=255), nullable=True)),
    ('user_sessions', sa.Column('device_info', postgresql.JSONB(astext_type=sa.Text()), nullable=True)),
    ('user_sessions', sa.Column('last_used_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=True)),
    ('ai_commands', sa.Column('context_data', postgresql.JSONB(astext_type=sa.Text()), nullable=True)),
    ('ai_commands', sa.Column('parameters', postgresql.JSONB(astext_type=sa.Text()), nullable=True)),
    ('trading_signals', sa.Column('actual_outcome', sa.Numeric(precision=6, scale=4), nullable=True)),
    ('trading_signals', sa.Column('executed_at', sa.DateTime(timezone=True), nullable=True)),
    ('trading_signals', sa.Column('expired_at', sa.DateTime(timezone=True), nullable=True)),
    ('telegram_users', sa.Column('total_commands', sa.Integer(), server_default=sa.text('0'), nullable=False)),
    ('telegram_users', sa.Column('is_verified', sa.Boolean(), server_default=sa.text('false'), nullable=False)),
    ('telegram_users', sa.Column('verified_at', sa.DateTime(timezone=True), nullable=True)),
]

# (table, column, project size, design size)
WIDENED = [
    ('users', 'username', 64, 100),
    ('telegram_users', 'username', 64, 100),
    ('user_sessions', 'session_token', 128, 255),
    ('orders', 'source', 20, 50),
    ('ai_commands', 'detected_intent', 50, 100),
]


def upgrade() -> None:
    for enum, old, new in ENUM_VALUE_RENAMES:
        op.execute(f"ALTER TYPE {enum} RENAME VALUE '{old}' TO '{new}'")
    for enum, value, _ in ENUM_VALUES_ADDED:
        op.execute(f"ALTER TYPE {enum} ADD VALUE IF NOT EXISTS '{value}'")
    for table, old, new in COLUMN_RENAMES:
        op.alter_column(table, old, new_column_name=new)
    for table, column, _, size in WIDENED:
        op.alter_column(table, column, type_=sa.String(length=size))
    for table, column in NEW_COLUMNS:
        op.add_column(table, column)
    for table, old, new in INDEX_RENAMES:
        op.execute(f'ALTER INDEX {old} RENAME TO {new}')
    for table, old, new in CONSTRAINT_RENAMES:
        op.execute(f'ALTER TABLE {table} RENAME CONSTRAINT {old} TO {new}')

    op.create_unique_constraint('uq_user_sessions_refresh_token', 'user_sessions', ['refresh_token'])
    op.execute('ALTER TABLE user_sessions ALTER COLUMN ip_address TYPE inet USING ip_address::inet')
    # Kept up to date by PostgreSQL itself, so no writer can forget it.
    op.add_column('orders', sa.Column(
        'remaining_amount', sa.Numeric(precision=20, scale=8), sa.Computed('amount - filled_amount', persisted=True),
        nullable=True,
    ))
    _upgrade_ai_commands()
    _upgrade_trading_signals()
    op.execute('UPDATE telegram_users SET is_verified = true, verified_at = terms_accepted_at'
               ' WHERE terms_accepted_at IS NOT NULL')
    for name, table, column in NEW_INDEXES:
        op.create_index(name, table, [column], unique=False)


def _upgrade_ai_commands() -> None:
    # Every command belongs to a user: take it from the Telegram account; a command whose account
    # is gone entirely has no owner left to keep it for.
    op.execute('UPDATE ai_commands c SET user_id = t.user_id FROM telegram_users t'
               ' WHERE c.user_id IS NULL AND c.telegram_user_id = t.id')
    op.execute('DELETE FROM ai_commands WHERE user_id IS NULL')
    op.alter_column('ai_commands', 'user_id', nullable=False)
    op.drop_constraint('fk_ai_commands_user_id_users', 'ai_commands', type_='foreignkey')
    op.create_foreign_key('fk_ai_commands_user_id_users', 'ai_commands', 'users', ['user_id'], ['id'], ondelete='CASCADE')
    op.execute("UPDATE ai_commands SET command_type = 'general_query' WHERE command_type IS NULL")
    op.alter_column('ai_commands', 'command_type', nullable=False)
    op.execute("ALTER TABLE ai_commands ALTER COLUMN processed_input TYPE jsonb USING"
               " CASE WHEN processed_input IS NULL THEN NULL ELSE jsonb_build_object('text', processed_input) END")


def _upgrade_trading_signals() -> None:
    # Each signal's pair: an existing row for the symbol (the signal's exchange first), else a new
    # pair on the signal's exchange (paper when the post named none).
    op.execute("""
        INSERT INTO trading_pairs (symbol, base_currency, quote_currency, exchange, min_order_size)
        SELECT DISTINCT ON (s.symbol) s.symbol, split_part(s.symbol, '/', 1),
               coalesce(nullif(split_part(s.symbol, '/', 2), ''), 'USDT'),
               coalesce(s.market_conditions->>'exchange', 'paper'), 0
        FROM trading_signals s
        WHERE s.trading_pair_id IS NULL
          AND NOT EXISTS (SELECT 1 FROM trading_pairs p WHERE p.symbol = s.symbol)
        ON CONFLICT DO NOTHING
    """)
    op.execute("""
        UPDATE trading_signals s SET trading_pair_id = (
            SELECT p.id FROM trading_pairs p WHERE p.symbol = s.symbol
            ORDER BY p.exchange = coalesce(s.market_conditions->>'exchange', 'paper') DESC, p.created_at
            LIMIT 1)
        WHERE s.trading_pair_id IS NULL
    """)
    op.alter_column('trading_signals', 'trading_pair_id', nullable=False)
    op.drop_constraint('fk_trading_signals_trading_pair_id_trading_pairs', 'trading_signals', type_='foreignkey')
    op.create_foreign_key('fk_trading_signals_trading_pair_id_trading_pairs', 'trading_signals', 'trading_pairs',
                          ['trading_pair_id'], ['id'], ondelete='RESTRICT')
    # A forwarded post carried no rating: the parse confidence stands for both until re-rated.
    op.execute('UPDATE trading_signals SET confidence = coalesce(confidence, strength, 0)'
               ' WHERE confidence IS NULL')
    op.execute('UPDATE trading_signals SET strength = confidence WHERE strength IS NULL')
    op.alter_column('trading_signals', 'strength', nullable=False)
    op.alter_column('trading_signals', 'confidence', nullable=False)
    op.execute("UPDATE trading_signals SET expired_at = updated_at WHERE outcome = 'expired'")
    op.execute('UPDATE trading_signals s SET executed_at = (SELECT min(o.created_at) FROM orders o'
               ' WHERE o.signal_id = s.id)')


def downgrade() -> None:
    for name, table, _ in NEW_INDEXES:
        op.drop_index(name, table_name=table)
    op.execute("ALTER TABLE ai_commands ALTER COLUMN processed_input TYPE text USING processed_input->>'text'")
    op.alter_column('ai_commands', 'command_type', nullable=True)
    op.drop_constraint('fk_ai_commands_user_id_users', 'ai_commands', type_='foreignkey')
    op.create_foreign_key('fk_ai_commands_user_id_users', 'ai_commands', 'users', ['user_id'], ['id'], ondelete='SET NULL')
    op.alter_column('ai_commands', 'user_id', nullable=True)
    op.alter_column('trading_signals', 'strength', nullable=True)
    op.alter_column('trading_signals', 'confidence', nullable=True)
    op.drop_constraint('fk_trading_signals_trading_pair_id_trading_pairs', 'trading_signals', type_='foreignkey')
    op.create_foreign_key('fk_trading_signals_trading_pair_id_trading_pairs', 'trading_signals', 'trading_pairs',
                          ['trading_pair_id'], ['id'], ondelete='SET NULL')
    op.alter_column('trading_signals', 'trading_pair_id', nullable=True)
    op.drop_column('orders', 'remaining_amount')
    op.execute('ALTER TABLE user_sessions ALTER COLUMN ip_address TYPE varchar(45) USING host(ip_address)')
    op.drop_constraint('uq_user_sessions_refresh_token', 'user_sessions', type_='unique')
    for table, old, new in reversed(CONSTRAINT_RENAMES):
        op.execute(f'ALTER TABLE {table} RENAME CONSTRAINT {new} TO {old}')
    for table, old, new in reversed(INDEX_RENAMES):
        op.execute(f'ALTER INDEX {new} RENAME TO {old}')
    for table, column in reversed(NEW_COLUMNS):
        op.drop_column(table, column.name)
    for table, column, size, _ in WIDENED:
        # Longer values than the old width are cut: the old schema could not hold them.
        op.alter_column(table, column, type_=sa.String(length=size), postgresql_using=f'left({column}, {size})')
    for table, old, new in reversed(COLUMN_RENAMES):
        op.alter_column(table, new, new_column_name=old)
    _drop_added_enum_values()
    for enum, old, new in ENUM_VALUE_RENAMES:
        op.execute(f"ALTER TYPE {enum} RENAME VALUE '{new}' TO '{old}'")


def _drop_added_enum_values() -> None:
    """PostgreSQL cannot drop an enum value: rebuild each type without it, mapping its rows first."""
    usage = {
        'command_status': [('ai_commands', 'status', "'pending'")],
        'signal_type': [('trading_signals', 'signal_type', None)],
        'signal_source': [('trading_signals', 'source', None)],
    }
    for enum, columns in usage.items():
        added = {value: fallback for e, value, fallback in ENUM_VALUES_ADDED if e == enum}
        for table, column, _ in columns:
            for value, fallback in added.items():
                op.execute(f"UPDATE {table} SET {column} = '{fallback}' WHERE {column} = '{value}'")
        op.execute(f'ALTER TYPE {enum} RENAME TO {enum}_old')
        op.execute(
            f"DO $$ BEGIN EXECUTE (SELECT 'CREATE TYPE {enum} AS ENUM (' || string_agg(quote_literal(enumlabel), ', '"
            f" ORDER BY enumsortorder) || ')' FROM pg_enum WHERE enumtypid = '{enum}_old'::regtype"
            f" AND enumlabel NOT IN ({', '.join(repr(v) for v in added)})); END $$"
        )
        for table, column, default in columns:
            if default:
                op.execute(f'ALTER TABLE {table} ALTER COLUMN {column} DROP DEFAULT')
            op.execute(f'ALTER TABLE {table} ALTER COLUMN {column} TYPE {enum} USING {column}::text::{enum}')
            if default:
                op.execute(f'ALTER TABLE {table} ALTER COLUMN {column} SET DEFAULT {default}')
        op.execute(f'DROP TYPE {enum}_old')
