"""Alerts and notifications: alert kinds (indicator, timeframe, cooldown, hysteresis, expiry,
armed state), quiet hours / urgent kinds / summary hour per user, the sender's lease and
progress on each notification, delivery attempts, and the telegram_messages archive.

Touches only price_alerts, notifications, telegram_users (settings columns) and two new tables
(notification_attempts, telegram_messages_archive).

Revision ID: 0006_alerts
Revises: 0005_signals
Create Date: 2026-11-30 16:20:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0006_alerts'
down_revision: str | None = '0005_signals'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_LEVEL_CHECK = (
    "(condition = 'percent_change' AND percent_change IS NOT NULL AND time_window IS NOT NULL)"
    " OR (condition <> 'percent_change' AND target_price IS NOT NULL)"
)
NEW_LEVEL_CHECK = (
    "(kind = 'move' AND condition = 'percent_change' AND percent_change IS NOT NULL AND time_window IS NOT NULL)"
    " OR (kind = 'price' AND condition IN ('above', 'below') AND target_price IS NOT NULL)"
    " OR (kind = 'indicator' AND condition IN ('above', 'below') AND indicator IS NOT NULL AND timeframe IS NOT NULL)"
)


def upgrade() -> None:
    # -- price_alerts: kinds and repetition ----------------------------------------------------
    op.add_column('price_alerts', sa.Column('kind', sa.String(length=10), server_default='price', nullable=False))
    op.execute("UPDATE price_alerts SET kind = 'move' WHERE condition = 'percent_change'")
    op.add_column('price_alerts', sa.Column('indicator', sa.String(length=12), nullable=True))
    op.add_column('price_alerts', sa.Column('timeframe', sa.String(length=5), nullable=True))
    op.add_column('price_alerts', sa.Column('indicator_period', sa.Integer(), nullable=True))
    op.add_column('price_alerts', sa.Column('cooldown_seconds', sa.Integer(), server_default=sa.text('0'), nullable=False))
    op.add_column('price_alerts', sa.Column('hysteresis_percent', sa.Numeric(precision=8, scale=4), nullable=True))
    op.add_column('price_alerts', sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('price_alerts', sa.Column('armed', sa.Boolean(), server_default=sa.text('true'), nullable=False))
    op.add_column('price_alerts', sa.Column('trigger_count', sa.Integer(), server_default=sa.text('0'), nullable=False))
    op.drop_constraint('level_matches_condition', 'price_alerts', type_='check')
    op.create_check_constraint('level_matches_condition', 'price_alerts', NEW_LEVEL_CHECK)
    op.create_check_constraint('kind_known', 'price_alerts', "kind IN ('price', 'move', 'indicator')")
    op.create_check_constraint('cooldown_not_negative', 'price_alerts', 'cooldown_seconds >= 0')
    op.create_index('ix_price_alerts_updated_at', 'price_alerts', ['updated_at'], unique=False)

    # -- telegram_users: the user's night and morning ----------------------------------------
    op.add_column('telegram_users', sa.Column('quiet_hours_start', sa.SmallInteger(), nullable=True))
    op.add_column('telegram_users', sa.Column('quiet_hours_end', sa.SmallInteger(), nullable=True))
    op.add_column('telegram_users', sa.Column(
        'urgent_notification_types', postgresql.JSONB(astext_type=sa.Text()),
        server_default=sa.text("""'["stop_loss"]'::jsonb"""), nullable=False))
    op.add_column('telegram_users', sa.Column('summary_hour', sa.SmallInteger(), server_default=sa.text('8'), nullable=False))
    op.create_check_constraint(
        'quiet_hours_valid', 'telegram_users',
        '(quiet_hours_start IS NULL AND quiet_hours_end IS NULL) OR '
        '(quiet_hours_start BETWEEN 0 AND 23 AND quiet_hours_end BETWEEN 0 AND 23)')
    op.create_check_constraint('summary_hour_valid', 'telegram_users', 'summary_hour BETWEEN 0 AND 23')

    # -- notifications: who holds a row being sent, and how far it got -----------------------
    op.add_column('notifications', sa.Column('claimed_by', sa.String(length=64), nullable=True))
    op.add_column('notifications', sa.Column('lease_expires_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('notifications', sa.Column('parts_sent', sa.Integer(), server_default=sa.text('0'), nullable=False))
    op.add_column('notifications', sa.Column('telegram_message_id', sa.BigInteger(), nullable=True))
    op.create_index('ix_notifications_status_lease_expires_at', 'notifications', ['status', 'lease_expires_at'])
    op.create_index('ix_notifications_sent_at', 'notifications', ['sent_at'])

    op.create_table(
        'notification_attempts',
        sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
        sa.Column('notification_id', sa.UUID(), nullable=False),
        sa.Column('attempt', sa.Integer(), nullable=False),
        sa.Column('part', sa.Integer(), server_default=sa.text('1'), nullable=False),
        sa.Column('worker', sa.String(length=64), nullable=False),
        # sent | retry_after | server_error | network | forbidden | bad_request | held | abandoned
        sa.Column('outcome', sa.String(length=20), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('retry_after', sa.Integer(), nullable=True),
        sa.Column('telegram_message_id', sa.BigInteger(), nullable=True),
        sa.Column('started_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['notification_id'], ['notifications.id'],
                                name=op.f('fk_notification_attempts_notification_id_notifications'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_attempts')),
    )
    op.create_index('ix_notification_attempts_notification_id', 'notification_attempts', ['notification_id'])

    # -- telegram_messages_archive: old message log rows, moved out of the hot table ---------
    op.create_table(
        'telegram_messages_archive',
        sa.Column('id', sa.UUID(), nullable=False),
        sa.Column('telegram_user_id', sa.UUID(), nullable=True),
        sa.Column('ai_command_id', sa.UUID(), nullable=True),
        sa.Column('direction', sa.String(length=3), nullable=False),
        sa.Column('chat_id', sa.BigInteger(), nullable=False),
        sa.Column('message_id', sa.BigInteger(), nullable=True),
        sa.Column('update_id', sa.BigInteger(), nullable=True),
        sa.Column('message_type', sa.String(length=20), nullable=False),
        sa.Column('text', sa.Text(), nullable=True),
        sa.Column('callback_data', sa.String(length=64), nullable=True),
        sa.Column('is_forwarded', sa.Boolean(), nullable=False),
        sa.Column('forward_from_chat', sa.String(length=255), nullable=True),
        sa.Column('extra', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('archived_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_telegram_messages_archive')),
    )
    op.create_index('ix_telegram_messages_archive_chat_id_created_at', 'telegram_messages_archive',
                    ['chat_id', 'created_at'])


def downgrade() -> None:
    op.drop_index('ix_telegram_messages_archive_chat_id_created_at', table_name='telegram_messages_archive')
    op.drop_table('telegram_messages_archive')
    op.drop_index('ix_notification_attempts_notification_id', table_name='notification_attempts')
    op.drop_table('notification_attempts')
    op.drop_index('ix_notifications_sent_at', table_name='notifications')
    op.drop_index('ix_notifications_status_lease_expires_at', table_name='notifications')
    for column in ('telegram_message_id', 'parts_sent', 'lease_expires_at', 'claimed_by'):
        op.drop_column('notifications', column)
    op.drop_constraint('summary_hour_valid', 'telegram_users', type_='check')
    op.drop_constraint('quiet_hours_valid', 'telegram_users', type_='check')
    for column in ('summary_hour', 'urgent_notification_types', 'quiet_hours_end', 'quiet_hours_start'):
        op.drop_column('telegram_users', column)
    op.drop_index('ix_price_alerts_updated_at', table_name='price_alerts')
    op.drop_constraint('cooldown_not_negative', 'price_alerts', type_='check')
    op.drop_constraint('kind_known', 'price_alerts', type_='check')
    op.drop_constraint('level_matches_condition', 'price_alerts', type_='check')
    op.execute("DELETE FROM price_alerts WHERE kind = 'indicator'")
    op.create_check_constraint('level_matches_condition', 'price_alerts', OLD_LEVEL_CHECK)
    for column in ('trigger_count', 'armed', 'expires_at', 'hysteresis_percent', 'cooldown_seconds',
                   'indicator_period', 'timeframe', 'indicator', 'kind'):
        op.drop_column('price_alerts', column)
