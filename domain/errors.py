"""Domain errors. Each carries a message that is safe to show the user as is.

Adapters translate their own failures (ccxt exceptions, Redis outages) into these at the boundary,
so handlers need a single error route and never see a library exception.
"""

from __future__ import annotations

from domain.phrases import Phrase


class DomainError(Exception):
    """Base class; ``user_message`` never contains secrets, stack traces or internal ids."""

    default_message = "Something went wrong with that request. Please try again; /help shows what I understand."

    def __init__(self, user_message: str | Phrase | None = None) -> None:
        # What the bot shows (translated; a Phrase carries its values), and its English for logs.
        self.phrase: str | Phrase = user_message or self.default_message
        self.user_message = str(self.phrase)
        super().__init__(self.user_message)


class InsufficientFunds(DomainError):
    default_message = "Not enough balance for this order. /balance shows what you have: try a smaller amount."


class InvalidOrder(DomainError):
    default_message = "This order is not valid. Check its amount and prices; /help shows examples."


class InvalidRequest(DomainError):
    """A question that cannot be answered as asked (unknown timeframe, missing risk, ...)."""

    default_message = "I cannot answer that as asked. /help shows the questions I answer."


class OrderNotFound(DomainError):
    default_message = "I could not find that order. /orders lists your open orders."


class PositionNotFound(DomainError):
    default_message = "You have no open position in that pair. /positions lists yours."


class UnknownSymbol(DomainError):
    default_message = "I do not know that trading pair. Try a pair like BTC/USDT or a coin like ETH."


class RateLimited(DomainError):
    default_message = "The exchange is rate-limiting requests. Please try again in a minute."


class ExchangeUnavailable(DomainError):
    default_message = "The exchange cannot be reached right now. Please try again shortly."


class MarketDataUnavailable(DomainError):
    default_message = "Market data is unavailable right now. Please try again shortly."


class AuthenticationFailed(DomainError):
    default_message = "The exchange rejected the API key. Check the key and its permissions."


class ConfirmationExpired(DomainError):
    default_message = "This confirmation has expired. Please send the order again."


class ConfirmationNotYours(DomainError):
    default_message = "This confirmation has expired. Please send the order again."  # as for an unknown token


class AlreadyConfirmed(DomainError):
    default_message = "This order was already confirmed; nothing more was placed. /orders and /history show it."


class ConfigurationError(DomainError):
    default_message = "The bot is not configured for this action; the operator can enable it. /help shows what works now."


class WithdrawalKeyRefused(DomainError):
    default_message = (
        "This API key can withdraw funds, so I will not store it. Create a key with trading (and reading) "
        "permission only, without withdrawals, and connect that one."
    )


class LiveLimitExceeded(DomainError):
    """A live order refused by the user's own limits (order value, leverage, daily loss)."""

    default_message = "This live order is beyond your limits. Make it smaller, or change the limits with /limits."


class OrderOutcomeUnknown(DomainError):
    """The exchange may have taken the order but did not answer; the sync job will find out."""

    default_message = (
        "The exchange did not answer in time, so I don't know yet whether the order was placed. "
        "I will check it by its id and tell you; do not place it again."
    )


class OrderStreamUnsupported(DomainError):
    """The exchange (or its adapter) pushes no order updates: the account is followed by polling."""

    default_message = "This exchange sends no order updates over a stream here; I check its orders regularly instead."
