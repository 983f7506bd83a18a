"""Who sent the update being handled, as the registration middleware found them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from db.models import TelegramUser
from db.repositories.telegram import DailyUsage
from domain.enums import TelegramUserStatus


@dataclass(frozen=True)
class CurrentUser:
    """A snapshot taken before the handler runs; handlers that change the account load it via ``uow``."""

    id: uuid.UUID  # telegram_users.id
    telegram_id: int
    chat_id: int
    user_id: uuid.UUID | None  # users.id, set once the terms are accepted or an account is linked
    status: TelegramUserStatus
    first_name: str | None
    is_admin: bool
    # Trading is deny-by-default: an active account, and on the allow-list when one is configured.
    may_trade: bool
    language: str = "en"  # the /settings language; the locale middleware speaks it
    # Today's counters including this update, when registration counted it (bot/rate_limiter.py).
    daily_usage: DailyUsage | None = None

    @classmethod
    def of(
        cls, account: TelegramUser, *, admin_ids: list[int], allowed_user_ids: list[int],
        usage: DailyUsage | None = None,
    ) -> CurrentUser:
        active = account.status is TelegramUserStatus.ACTIVE
        allowed = not allowed_user_ids or account.telegram_id in allowed_user_ids
        return cls(
            id=account.id,
            telegram_id=account.telegram_id,
            chat_id=account.chat_id or account.telegram_id,
            user_id=account.user_id,
            status=account.status,
            first_name=account.first_name,
            language=account.language,
            is_admin=account.telegram_id in admin_ids,
            may_trade=active and allowed,
            daily_usage=usage,
        )
