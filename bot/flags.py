"""Handler flags read by middlewares: a handler declares its own policy where it is registered.

    router.callback_query.register(confirm, ConfirmCallback.filter(), flags=PUBLIC | RATE_LIMIT_EXEMPT)
"""

from __future__ import annotations

from typing import Any

# Usable before the terms are accepted (by pending users). Without it a handler needs an active user.
PUBLIC: dict[str, Any] = {"access": "public"}

# Taps that confirm or cancel an action must never be dropped by the rate limiter.
RATE_LIMIT_EXEMPT: dict[str, Any] = {"rate_limit": "exempt"}
