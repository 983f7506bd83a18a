"""Runtime settings an admin changes with ``/config``, kept in ``system_config``.

A stored value overrides the environment's for the live settings object, at start-up
(:func:`load`) and at once when changed (:func:`change`, which also writes an audit entry in
the same transaction). Only settings read on every use are listed here, so a change takes
effect without a restart; another process running the bot picks it up when it restarts.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from bot.settings import Settings
from db.repositories.audit import AuditRepository
from db.repositories.system_config import SystemConfigRepository
from db.uow import UnitOfWork
from domain.models import AuditEntry

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RuntimeSetting:
    key: str
    section: str  # attribute of Settings holding it
    description: str
    minimum: int
    maximum: int

    def current(self, settings: Settings) -> int:
        return getattr(getattr(settings, self.section), self.key)

    def apply(self, settings: Settings, value: int) -> None:
        # In place: the rate limiter holds this very section object.
        setattr(getattr(settings, self.section), self.key, value)

    def parse(self, raw: str) -> int:
        """The value, or ValueError with the sentence to show the admin."""
        text = raw.strip().replace("_", "")
        if not text.isdigit() or not self.minimum <= int(text) <= self.maximum:
            raise ValueError(f"{self.key} must be a whole number from {self.minimum} to {self.maximum}.")
        return int(text)


SETTINGS = {
    s.key: s
    for s in (
        RuntimeSetting("rate_limit_messages", "telegram", "messages a user may send per window", 1, 1000),
        RuntimeSetting("rate_limit_window_seconds", "telegram", "length of that window, in seconds", 1, 3600),
        RuntimeSetting("daily_message_limit", "telegram", "messages a user may send per UTC day", 1, 1_000_000),
        RuntimeSetting("daily_command_limit", "telegram", "commands a user may send per UTC day", 1, 1_000_000),
    )
}


class UnknownSetting(ValueError):
    pass


async def load(uow: UnitOfWork, settings: Settings) -> None:
    """Apply the stored overrides; a value the current bounds reject is skipped with a warning."""
    for key, value in (await uow.repo(SystemConfigRepository).all()).items():
        setting = SETTINGS.get(key)
        try:
            if setting is None:
                raise UnknownSetting(key)
            setting.apply(settings, setting.parse(str(value)))
        except ValueError:
            log.warning("Ignoring system_config %s = %r: not a runtime setting this version accepts", key, value)


async def change(
    uow: UnitOfWork, settings: Settings, key: str, raw: str, *, admin_user_id: Any, admin_telegram_id: int
) -> tuple[int, int]:
    """Validate, store, audit and apply; returns (old, new). Raises UnknownSetting or ValueError."""
    setting = SETTINGS.get(key)
    if setting is None:
        raise UnknownSetting(key)
    value = setting.parse(raw)
    store = uow.repo(SystemConfigRepository)
    stored = await store.get_for_update(key)
    old = setting.current(settings) if stored is None else int(stored.value)
    row_id = await store.put(key, value, description=setting.description, updated_by=admin_user_id)
    await uow.repo(AuditRepository).record(AuditEntry(
        action="config.changed", entity_type="system_config", entity_id=row_id, user_id=admin_user_id,
        actor="admin", old_values={key: old}, new_values={key: value}, details={"telegram_id": admin_telegram_id},
    ))
    await uow.commit()
    setting.apply(settings, value)
    log.info("Admin %s set %s from %s to %s", admin_telegram_id, key, old, value)
    return old, value
