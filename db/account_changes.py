"""Which Telegram accounts a committed transaction changed, for those who keep copies of them.

The registration cache (bot/account_cache.py) keeps the accounts of recent writers so that an
update does not read its account again; any change made through a session (terms accepted, a
ban, /settings, a link) must drop that copy. Session events find those changes wherever they are
made: ORM objects of ``TelegramUser`` changed in a flush name their Telegram id; a bulk
UPDATE/DELETE of the table (a chat that blocked the bot, the daily counters' reset) names no one,
so it means "all of them". Listeners hear of it after the commit, never of a rollback.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from db.models import TelegramUser

log = logging.getLogger(__name__)

# Telegram ids whose account changed, or None: possibly every account.
Changed = frozenset[int] | None
Listener = Callable[[Changed], None]

# Weak: a cache that is gone (a test's bot) stops listening without saying so.
_listeners: list[weakref.WeakMethod[Listener]] = []
_IDS = "changed_telegram_accounts"
_ALL = "changed_all_telegram_accounts"


def listen(listener: Listener) -> Callable[[], None]:
    """Call ``listener`` (a bound method) after each commit that changed accounts; returns the way to stop."""
    reference = weakref.WeakMethod(listener)
    _listeners.append(reference)
    return lambda: _listeners.remove(reference) if reference in _listeners else None


@event.listens_for(Session, "before_flush")
def _note_changed_objects(session: Session, _flush: UOWTransaction, _instances: Any) -> None:
    for instance in (*session.new, *session.dirty, *session.deleted):
        if isinstance(instance, TelegramUser) and instance.telegram_id is not None:
            session.info.setdefault(_IDS, set()).add(instance.telegram_id)


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_changes(state: ORMExecuteState) -> None:
    if (state.is_update or state.is_delete) and state.bind_mapper is not None \
            and state.bind_mapper.class_ is TelegramUser:
        state.session.info[_ALL] = True


@event.listens_for(Session, "after_commit")
def _tell_listeners(session: Session) -> None:
    everyone = session.info.pop(_ALL, False)
    ids = session.info.pop(_IDS, None)
    if not (everyone or ids) or not _listeners:
        return
    changed: Changed = None if everyone else frozenset(ids)
    for reference in list(_listeners):
        listener = reference()
        if listener is None:
            _listeners.remove(reference)
            continue
        try:
            listener(changed)
        except Exception:  # a cache that cannot drop a copy must not fail the commit that happened
            log.exception("An account-change listener failed")


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, _previous: Any) -> None:
    session.info.pop(_ALL, None)
    session.info.pop(_IDS, None)
