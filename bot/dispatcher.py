"""The dispatcher factory: services, middlewares and feature routers, in a fixed order.

To add a feature: write ``handlers/<feature>.py`` with a ``build_router()`` and add it to
``FEATURE_ROUTERS`` before ``free_text``. Its handlers declare what they need by parameter
name: services of :class:`BotServices` (``sender``, ``text_handler``, ``settings``...), and per
update ``uow``, ``current_user``, ``state`` (dialog), ``update_trace``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiogram import Dispatcher

from bot.account_cache import AccountCache
from bot.assistant.memory import AssistantMemory
from bot.commands import register_commands
from bot.fsm_storage import DialogStorage
from bot.i18n import LocaleMiddleware
from bot.inline_filters import run_sync_filters_inline
from bot.middlewares.access import AccessMiddleware
from bot.middlewares.deduplication import DeduplicationMiddleware
from bot.middlewares.metrics import MetricsMiddleware
from bot.middlewares.rate_limit import RateLimitMiddleware
from bot.middlewares.registration import RegistrationMiddleware
from bot.middlewares.unit_of_work import UnitOfWorkMiddleware
from bot.middlewares.update_log import UpdateLogMiddleware
from bot.polling import BatchPollingDispatcher
from bot.rate_limiter import RateLimiter
from bot.route_guards import grouped, guard_message_routers
from bot.services import BotServices
from handlers import (
    accounts,
    admin,
    analysis,
    assistant,
    cancel,
    errors,
    free_text,
    help,
    menu,
    portfolio,
    settings,
    signals,
    stale_buttons,
    start,
    trading,
)

# The first router whose filters match handles an update, so the order matters: /cancel before
# any dialog, the admin router early (its filter hides it from everyone else), and the
# catch-alls for free text and unknown buttons last.
FEATURE_ROUTERS = (
    errors.build_router,
    admin.build_router,
    cancel.build_router,
    start.build_router,
    help.build_router,
    menu.build_router,
    settings.build_router,
    accounts.build_router,
    trading.build_router,
    portfolio.build_router,
    signals.build_router,
    analysis.build_router,
    assistant.build_router,
    free_text.build_router,
    stale_buttons.build_router,
)


def build_dispatcher(services: BotServices) -> Dispatcher:
    dispatcher = BatchPollingDispatcher(
        storage=DialogStorage(services.redis),
        concurrent_updates=services.settings.telegram.concurrent_updates,
        **services.as_workflow_data(),
    )
    _install_middlewares(dispatcher, services)
    # A typed message skips the command-only routers in one check (bot/route_guards.py).
    dispatcher.include_routers(*grouped([build_router() for build_router in FEATURE_ROUTERS]))
    guard_message_routers(dispatcher)
    run_sync_filters_inline(dispatcher)  # not one thread hand-off per filter checked
    dispatcher.startup.register(register_commands)
    return dispatcher


def _install_middlewares(dispatcher: Dispatcher, services: BotServices) -> None:
    # Outer: every update, before routing (aiogram's error and user-context ones run first).
    # aiogram's FSM middleware moves after the claim, which reads the dialog state with it (and
    # counts the sender in the rate limiter's short window: one Redis round trip for the three).
    dispatcher.update.outer_middleware.unregister(dispatcher.fsm)
    dispatcher.update.outer_middleware(MetricsMiddleware(services.time_series))
    claim_seconds = services.settings.telegram.update_claim_seconds
    deduplication = DeduplicationMiddleware(
        services.redis, claim_seconds=claim_seconds, dialog_state_key=_dialog_state_key(dispatcher),
        rate_limit_window_seconds=services.settings.telegram.rate_limit_window_seconds,
        also_read=_open_question_key,
    )
    dispatcher.update.outer_middleware(deduplication)
    dispatcher.shutdown.register(deduplication.close)
    dispatcher.update.outer_middleware(dispatcher.fsm)
    update_log = UpdateLogMiddleware(services.uow_factory)
    dispatcher.update.outer_middleware(update_log)
    dispatcher.shutdown.register(update_log.close)
    # Known senders skip the registration statement; their copies are dropped on any change.
    accounts = AccountCache(services.redis)
    dispatcher.startup.register(accounts.start)
    dispatcher.shutdown.register(accounts.stop)
    registration = RegistrationMiddleware(services.uow_factory, services.settings.security, accounts=accounts)
    dispatcher.update.outer_middleware(registration)
    # Outer on every event type (errors too), after registration has found the user's language.
    LocaleMiddleware(services.catalogs).setup(dispatcher)
    # Inner: only once a handler matched, so they can read its flags. They apply to the
    # handlers of every included router.
    limiter = RateLimiter(services.redis, services.uow_factory, services.settings.telegram)
    for observer in (dispatcher.message, dispatcher.callback_query):
        observer.middleware(RateLimitMiddleware(limiter))
        observer.middleware(AccessMiddleware())
        observer.middleware(UnitOfWorkMiddleware(services.uow_factory))


def _open_question_key(data: dict[str, Any]) -> list[str]:
    """The assistant's open question in the update's chat: every free-text message looks for one
    (a GET inside the claim script; read for other updates too, as the event is not known yet)."""
    chat = data.get("event_chat")
    if chat is None:
        return []
    return [AssistantMemory.pending_key(chat.id)]


def _dialog_state_key(dispatcher: Dispatcher) -> Callable[[dict[str, Any]], str | None]:
    """The Redis key aiogram's FSM middleware will read the update's dialog state from."""
    storage = dispatcher.storage
    assert isinstance(storage, DialogStorage)

    def state_key(data: dict[str, Any]) -> str | None:
        context = dispatcher.fsm.resolve_event_context(data["bot"], data)
        return None if context is None else storage.state_key(context.key)

    return state_key
