"""The choices /settings offers. Anything outside these lists is refused, whatever a button says."""

from __future__ import annotations

# Keys of telegram_users.notification_types, in display order.
NOTIFICATION_TYPES: dict[str, str] = {
    "price_alerts": "Price alerts",
    "signal_updates": "Signal updates",
    "order_fills": "Order fills",
    "daily_summary": "Daily summary",
}

CURRENCIES: tuple[str, ...] = ("USDT", "USDC", "USD", "EUR", "BTC")

LANGUAGES: dict[str, str] = {
    "en": "English",
    "de": "Deutsch",
    "es": "Español",
    "ru": "Русский",
}
