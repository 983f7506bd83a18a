"""What language the bot speaks: gettext catalogs in ``bot/locales``, one locale per update.

Messages are written in English in the source and looked up in ``bot/locales/<lang>/LC_MESSAGES/
messages.po`` (``scripts/update_catalogs.py`` extracts new ones). The locale of an update is
chosen by :class:`LocaleMiddleware` (the user's /settings language, which starts as their
Telegram ``language_code``); a push sent from a job sets it with :func:`speaking`.

Marking messages in code:

- ``_("Cancelled.")``: translated now (inside an update or :func:`speaking`).
- ``t("Fee: {fee}", fee=...)``: translated, then its placeholders filled. Placeholders keep the
  translator free to move the values around the sentence.
- ``tn("{n} order", "{n} orders", n)``: plural forms (Russian has three).
- ``N_("...")``: marks a module-level constant for extraction; translate it where it is used.

Outside any update (unit tests, scripts) every function returns the English text.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path
from typing import Any

from aiogram.types import TelegramObject
from aiogram.utils.i18n import I18n, I18nMiddleware
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALES_DIR = Path(__file__).parent / "locales"
DOMAIN = "messages"
DEFAULT_LOCALE = "en"
# The languages /settings offers, by code; every one but English has a catalog.
LANGUAGES: dict[str, str] = {"en": "English", "ru": "Русский"}


class Catalogs(I18n):
    """aiogram's I18n, compiling the ``.po`` catalogs in memory when it starts.

    No compiled ``.mo`` file is kept, so none can be stale or forgotten in a commit.
    """

    def __init__(self, path: Path = LOCALES_DIR) -> None:
        super().__init__(path=path, default_locale=DEFAULT_LOCALE, domain=DOMAIN)

    def find_locales(self) -> dict[str, gettext.GNUTranslations]:
        translations: dict[str, gettext.GNUTranslations] = {}
        for po_path in sorted(self.path.glob(f"*/LC_MESSAGES/{self.domain}.po")):
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file)
            compiled = BytesIO()
            write_mo(compiled, catalog)
            compiled.seek(0)
            translations[po_path.parent.parent.name] = gettext.GNUTranslations(compiled)
        return translations


def supported(language: str | None) -> str:
    """The locale to use for a stored language or a Telegram ``language_code`` ("ru-RU" -> "ru")."""
    code = (language or "").replace("_", "-").split("-")[0].lower()
    return code if code in LANGUAGES else DEFAULT_LOCALE


class LocaleMiddleware(I18nMiddleware):
    """The locale of an update: the language stored on the account (registration reads it)."""

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        current_user = data.get("current_user")
        if current_user is not None:
            return supported(current_user.language)
        sender = data.get("event_from_user")
        return supported(sender.language_code if sender is not None else None)


@contextmanager
def speaking(catalogs: Catalogs, language: str | None) -> Iterator[None]:
    """Render in ``language`` outside an update: pushes from jobs, the local chat's greeting."""
    with catalogs.context(), catalogs.use_locale(supported(language)):
        yield


def current_locale() -> str:
    catalogs = Catalogs.get_current(no_error=True)
    return catalogs.current_locale if catalogs is not None else DEFAULT_LOCALE


def _(message: str) -> str:
    catalogs = Catalogs.get_current(no_error=True)
    return message if catalogs is None else catalogs.gettext(message)


def pgettext(context: str, message: str) -> str:
    """``message`` as translated in ``context`` (the domain marks such messages with ``NP_``)."""
    catalogs = Catalogs.get_current(no_error=True)
    translation = None if catalogs is None else catalogs.locales.get(catalogs.current_locale)
    return message if translation is None else translation.pgettext(context, message)


def t(message: str, /, **values: object) -> str:
    return _(message).format(**values)


def tn(singular: str, plural: str, n: int, /, **values: object) -> str:
    catalogs = Catalogs.get_current(no_error=True)
    if catalogs is None:
        text = singular if n == 1 else plural
    else:
        text = catalogs.gettext(singular, plural, n)
    return text.format(n=n, **values)


def N_(message: str) -> str:  # noqa: N802  # the gettext convention
    return message
