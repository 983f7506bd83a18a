"""Which handler answers which intent: one table, built from each feature module's handlers."""

from __future__ import annotations

from collections.abc import Mapping

from bot.assistant import alerts, general, signals
from bot.assistant.context import IntentHandler


def build_routes(*feature_handlers: Mapping[str, IntentHandler]) -> dict[str, IntentHandler]:
    """Merge the intent tables; an intent claimed twice is a wiring mistake."""
    routes: dict[str, IntentHandler] = {}
    for table in (general.INTENT_HANDLERS, alerts.INTENT_HANDLERS, signals.INTENT_HANDLERS, *feature_handlers):
        for intent, handler in table.items():
            if intent in routes:
                raise ValueError(f"intent {intent!r} has two handlers")
            routes[intent] = handler
    return routes
