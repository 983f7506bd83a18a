"""The choices /settings offers. Anything outside these lists is refused, whatever a button says."""

from __future__ import annotations

from bot.i18n import LANGUAGES, N_

# Keys of telegram_users.notification_types, in display order, with their (translatable) labels.
NOTIFICATION_TYPES: dict[str, str] = {
    "price_alerts": N_("Price alerts"),
    "signal_updates": N_("Signal updates"),
    "order_fills": N_("Order fills"),
    "daily_summary": N_("Daily summary"),
}

CURRENCIES: tuple[str, ...] = ("USDT", "USDC", "USD", "EUR", "BTC")

__all__ = ["CURRENCIES", "LANGUAGES", "NOTIFICATION_TYPES"]
