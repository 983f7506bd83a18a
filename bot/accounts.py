"""Account lifecycle in Telegram: accepting the terms, and linking to an existing account.

Linking: an active user asks /link for a one-time code and opens ``t.me/<bot>?start=<code>`` from
another Telegram account, which then shares the same ``users`` account (portfolio, orders...).
Each function completes its change and commits.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime

from db.models import TelegramUser, User
from db.repositories.telegram import TelegramUserRepository
from db.repositories.users import UserRepository
from db.uow import UnitOfWork
from domain.enums import TelegramUserStatus


async def accept_terms(uow: UnitOfWork, telegram_user_id: uuid.UUID) -> TelegramUser:
    """Activate the account, creating its ``users`` row (``tg_<telegram id>``) unless linked already."""
    account = await _account(uow, telegram_user_id)
    if account.status is TelegramUserStatus.PENDING:
        if account.user_id is None:
            user = await uow.repo(UserRepository).get_or_create_for_telegram(
                account.telegram_id, full_name=_full_name(account),
                first_name=(account.first_name or "")[:100] or None, last_name=(account.last_name or "")[:100] or None,
            )
            account.user_id = user.id
        account.status = TelegramUserStatus.ACTIVE
        account.terms_accepted_at = account.verified_at = datetime.now(UTC)
        account.is_verified = True
        await uow.commit()
    return account


async def link_with_code(uow: UnitOfWork, telegram_user_id: uuid.UUID, code: str) -> User | None:
    """Attach this Telegram account to the account the code was issued for; None if the code is unknown."""
    accounts = uow.repo(TelegramUserRepository)
    issuer = await accounts.get_by_registration_code(code)
    if issuer is None or issuer.user_id is None or issuer.id == telegram_user_id:
        return None
    account = await _account(uow, telegram_user_id)
    account.user_id = issuer.user_id
    issuer.registration_code = None  # one use only
    user = await uow.repo(UserRepository).get(issuer.user_id)
    await uow.commit()
    return user


async def issue_link_code(uow: UnitOfWork, telegram_user_id: uuid.UUID) -> str:
    account = await _account(uow, telegram_user_id)
    account.registration_code = secrets.token_urlsafe(12)  # deep-link safe: [A-Za-z0-9_-]
    await uow.commit()
    return account.registration_code


async def _account(uow: UnitOfWork, telegram_user_id: uuid.UUID) -> TelegramUser:
    account = await uow.repo(TelegramUserRepository).get(telegram_user_id)
    if account is None:
        raise LookupError(f"telegram user {telegram_user_id} vanished during the update")
    return account


def _full_name(account: TelegramUser) -> str | None:
    return " ".join(part for part in (account.first_name, account.last_name) if part) or None


async def set_banned(uow: UnitOfWork, telegram_id: int, banned: bool) -> TelegramUser | None:
    """Ban, or lift a ban back to where the user was (active once the terms were accepted)."""
    account = await uow.repo(TelegramUserRepository).get_by_telegram_id(telegram_id)
    if account is None:
        return None
    if banned:
        account.status = TelegramUserStatus.BANNED
    else:
        accepted = account.terms_accepted_at is not None
        account.status = TelegramUserStatus.ACTIVE if accepted else TelegramUserStatus.PENDING
    await uow.commit()
    return account
