"""Signals in the assistant: the validation card for a read post, its buttons (Execute, Track
only, Ignore, Edit), channel follow-ups, the /signals list, channel statistics and settings.

"what signals are active?", "my signals" and "how good is <channel>?" have no intent in the NLP
contract, so ``shortcut`` recognises those few phrases before the parser runs.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import replace
from decimal import Decimal, InvalidOperation

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import _, t
from bot.markup import button
from bot.assistant import texts
from bot.assistant.context import IntentContext, IntentHandler
from bot.assistant_callbacks import SignalAction, SignalCallback, SignalListAction, SignalListCallback
from bot.html import escape
from bot.render import live_signals as render_live
from bot.render import signals as render
from bot.render.market import chart_words
from bot.text_handler import TextReply
from db.repositories.signals import SignalOwner
from domain.futures import MarginMode
from domain.services.live_signals import LiveExecution, LiveNeedsSecondTap
from domain.services.signals import SignalNotFound, UserSignalSettings
from nlp.models import ParsedCommand

SOURCE_KEY = "_source"  # the channel a card's post came from, kept with the offered reading


def _owner(ctx: IntentContext) -> SignalOwner | None:
    return None if ctx.user_id is None else SignalOwner(ctx.message.telegram_user_id, ctx.user_id)


def _button(text: str, action: SignalAction, token: str, account: int = 0) -> InlineKeyboardButton:
    return button(text, SignalCallback(action=action, token=token, account=account))


def live_confirmation_markup(result: LiveNeedsSecondTap) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[
        [_button(render_live.confirm_button(result), SignalAction.LIVE_CONFIRM, result.token, result.account_number)],
        [_button(_("✖ Ignore"), SignalAction.IGNORE, result.token)],
    ])


async def signal(ctx: IntentContext, parsed: ParsedCommand) -> TextReply:
    """The validation card: the post checked against the market and the user's settings."""
    check = await ctx.services.signals.validate(ctx.uow, ctx.user_id, parsed.entities)
    assert ctx.services.memory is not None  # always set by main.py
    kept = replace(parsed, entities={**parsed.entities, SOURCE_KEY: ctx.message.forwarded_from})
    token = await ctx.services.memory.offer(ctx.message.telegram_user_id, [kept])
    buttons = [
        [_button(_("⚡ Execute"), SignalAction.EXECUTE, token), _button(_("👀 Track only"), SignalAction.FOLLOW, token)],
        [_button(_("✏️ Amount / leverage"), SignalAction.EDIT, token), _button(_("✖ Ignore"), SignalAction.IGNORE, token)],
    ]
    text = render.card(check, confidence=parsed.confidence, source=ctx.message.forwarded_from)
    accounts = await ctx.services.signals.live_accounts(ctx.uow, ctx.user_id) if ctx.message.may_trade else []
    for number, account in enumerate(accounts, start=1):
        buttons.insert(number, [_button(render_live.button(account), SignalAction.LIVE, token, number)])
    if accounts:
        text += "\n" + render_live.card_line(accounts)
    return TextReply(text, InlineKeyboardMarkup(inline_keyboard=buttons))


async def follow(ctx: IntentContext, parsed: ParsedCommand) -> TextReply:
    """Track only."""
    owner = _owner(ctx)
    if owner is None:
        return TextReply(_(texts.NEEDS_ACCOUNT))
    item = await ctx.services.signals.follow(
        ctx.uow, owner, parsed.entities, raw_text=parsed.text, source_name=parsed.entities.get(SOURCE_KEY),
        confidence=parsed.confidence, ai_command_id=ctx.ai_command_id,
    )
    return TextReply(render.followed(item))


async def execute(ctx: IntentContext, parsed: ParsedCommand, token: str) -> TextReply:
    """Execute: the whole plan on the paper account, named by the card's token (placed once)."""
    owner = _owner(ctx)
    if owner is None:
        return TextReply(_(texts.NEEDS_ACCOUNT))
    if not ctx.message.may_trade:
        return TextReply(_(texts.TRADING_NOT_ALLOWED))
    result = await ctx.services.signals.execute(
        ctx.uow, owner, parsed.entities, token=token, raw_text=parsed.text,
        source_name=parsed.entities.get(SOURCE_KEY), confidence=parsed.confidence, ai_command_id=ctx.ai_command_id,
    )
    return TextReply(render.executed(result))


async def execute_live(ctx: IntentContext, parsed: ParsedCommand, token: str, account: int, *,
                       second_tap: bool) -> LiveExecution | LiveNeedsSecondTap:
    """Execute LIVE on the user's ``account``-th connected futures account (the caller checked
    that the user may trade); orders named by the card's token, so placed once."""
    owner = _owner(ctx)
    assert owner is not None
    return await ctx.services.signals.execute_live(
        ctx.uow, owner, parsed.entities, token=token, account=account, second_tap=second_tap, raw_text=parsed.text,
        source_name=parsed.entities.get(SOURCE_KEY), confidence=parsed.confidence, ai_command_id=ctx.ai_command_id,
    )


async def signal_update(ctx: IntentContext, parsed: ParsedCommand) -> TextReply:
    owner = _owner(ctx)
    if owner is None:
        return TextReply(_(texts.NEEDS_ACCOUNT))
    source = ctx.message.forwarded_from
    symbols = parsed.entities.get("symbols") or [parsed.entities["symbol"]]
    if len(symbols) == 1:
        return await apply_update(ctx, owner, parsed, source=source, confirmed=False)
    # One post about several calls ("Closed #ETH and #SOL ✅") updates each of them, one reply for all.
    replies = [await apply_update(ctx, owner, replace(parsed, entities={**parsed.entities, "symbol": symbol}),
                                  source=source, confirmed=False) for symbol in symbols]
    rows = [row for reply in replies if reply.reply_markup for row in reply.reply_markup.inline_keyboard]
    return TextReply("\n\n".join(reply.text for reply in replies),
                     InlineKeyboardMarkup(inline_keyboard=rows) if rows else None)


async def apply_update(ctx: IntentContext, owner: SignalOwner, parsed: ParsedCommand, *, source: str | None,
                       confirmed: bool) -> TextReply:
    symbol = parsed.entities["symbol"]
    try:
        result = await ctx.services.signals.apply_update(ctx.uow, owner, symbol, parsed.entities,
                                                         source_name=source, confirmed=confirmed)
    except SignalNotFound:
        return TextReply(t(
            "Read a channel follow-up for {symbol}, but you follow no active signal on it. "
            "Forward the original signal post to follow it.", symbol=escape(symbol),
        ))
    if result.needs_confirmation:
        assert ctx.services.memory is not None
        kept = replace(parsed, entities={**parsed.entities, SOURCE_KEY: source})
        token = await ctx.services.memory.offer(ctx.message.telegram_user_id, [kept])
        buttons = [[_button(_("✅ Apply"), SignalAction.APPLY, token), _button(_("Skip"), SignalAction.IGNORE, token)]]
        return TextReply(render.update_question(result), InlineKeyboardMarkup(inline_keyboard=buttons))
    return TextReply(render.update_result(result))


async def signal_list(ctx: IntentContext) -> TextReply:
    owner = _owner(ctx)
    if owner is None:
        return TextReply(_(texts.NEEDS_ACCOUNT))
    views = await ctx.services.signals.list(ctx.uow, owner)
    rows = []
    for view in views:
        if not view.followed.is_active:
            continue
        ref = view.followed.id.hex
        closes = view.trade is not None and view.followed.track.entry_price is not None
        label = _("Close trade") if closes else _("Stop following")
        action = SignalListAction.CLOSE if closes else SignalListAction.UNFOLLOW
        rows.append([button(f"{label}: {view.followed.signal.symbol}", SignalListCallback(action=action, ref=ref))])
    markup = InlineKeyboardMarkup(inline_keyboard=rows) if rows else None
    return TextReply(render.signal_list(views), markup)


async def channel_stats(ctx: IntentContext, source: str | None = None) -> TextReply | None:
    """Statistics of every channel, or of ``source`` (None when no signal came from it: the
    question was about something else)."""
    owner = _owner(ctx)
    if owner is None:
        return TextReply(_(texts.NEEDS_ACCOUNT))
    service = ctx.services.signals
    stats = await service.channel_stats(ctx.uow, owner, source)
    if source and not stats:
        return None
    settings = await service.settings(ctx.uow, owner.user_id)
    photo = await ctx.services.charts.channels(stats, chart_words()) if stats else None
    return TextReply(render.channel_stats(stats, settings), photo=photo)


async def signal_settings(ctx: IntentContext, arguments: str) -> TextReply:
    if ctx.user_id is None:
        return TextReply(_(texts.NEEDS_ACCOUNT))
    service = ctx.services.signals
    current = await service.settings(ctx.uow, ctx.user_id)
    if arguments.strip():
        try:
            current = apply_setting_words(current, arguments)
        except ValueError as error:
            return TextReply(f"{escape(str(error))}\n\n{render.settings_text(current)}")
        await service.save_settings(ctx.uow, ctx.user_id, current)
    return TextReply(render.settings_text(current))


def apply_setting_words(settings: UserSignalSettings, arguments: str) -> UserSignalSettings:
    """``amount 250 leverage 10 split 50/30/20 mode cross breakeven off trail 2 expiry 24
    entry split followups ask``: any of them, in any order. Raises ``ValueError`` with the reason."""
    words = arguments.lower().replace(",", " ").split()
    execution, rules = settings.execution, settings.rules
    expiry, ask = settings.entry_expiry_hours, settings.ask_before_follow_ups
    pairs = list(zip(words[::2], words[1::2]))
    if len(words) % 2:
        raise ValueError(f"“{words[-1]}” needs a value.")
    for key, value in pairs:
        if key in ("amount", "margin"):
            amount = _number(value, key)
            if not Decimal(1) <= amount <= Decimal(1_000_000):
                raise ValueError("The amount per trade must be between 1 and 1,000,000 USDT.")
            execution = replace(execution, margin_per_trade=amount)
        elif key == "leverage":
            leverage = _number(value.rstrip("x"), key)
            if not Decimal(1) <= leverage <= Decimal(125):
                raise ValueError("The maximum leverage must be between 1x and 125x.")
            execution = replace(execution, max_leverage=leverage)
        elif key == "mode":
            if value not in tuple(MarginMode):
                raise ValueError("The margin mode is isolated or cross.")
            execution = replace(execution, margin_mode=MarginMode(value))
        elif key == "split":
            if value == "equal":
                execution = replace(execution, target_split=())
            else:
                shares = tuple(_number(v, key) for v in value.split("/"))
                if any(s <= 0 for s in shares) or len(shares) > 10:
                    raise ValueError("The split is up to ten positive shares, e.g. 50/30/20.")
                execution = replace(execution, target_split=shares)
        elif key == "entry":
            if value not in ("split", "edge"):
                raise ValueError("The entry is “edge” (one limit) or “split” (across the zone).")
            execution = replace(execution, split_entries=value == "split")
        elif key == "breakeven":
            rules = replace(rules, move_stop_to_entry_after_tp1=_switch(value, key))
        elif key == "trail":
            rules = replace(rules, trail_after_target=None if value == "off" else int(_number(value, key)))
        elif key == "expiry":
            expiry = int(_number(value.rstrip("h"), key))
            if not 1 <= expiry <= 24 * 30:
                raise ValueError("The entry expiry is between 1 and 720 hours.")
        elif key == "followups":
            if value not in ("ask", "apply"):
                raise ValueError("Follow-ups are “ask” or “apply”.")
            ask = value == "ask"
        else:
            raise ValueError(f"I do not know the setting “{key}”.")
    return UserSignalSettings(execution, rules, expiry, ask)


def _number(value: str, key: str) -> Decimal:
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"“{value}” is not a number for {key}.") from None
    if not number.is_finite():
        raise ValueError(f"“{value}” is not a number for {key}.")
    return number


def _switch(value: str, key: str) -> bool:
    if value not in ("on", "off"):
        raise ValueError(f"{key} is on or off.")
    return value == "on"


# Phrases the NLP contract has no intent for: checked before the parser runs.
LIST_PHRASES = re.compile(r"^\s*(what|which)\s+signals\s+(are\s+)?(active|open|running)\??\s*$|^\s*(my|active|open)\s+signals\??\s*$"
                          r"|^\s*show\s+(me\s+)?my\s+signals\??\s*$"
                          r"|^\s*(какие\s+сигналы(\s+сейчас)?\s+активны|(мои|активные)\s+сигналы|покажи\s+(мои\s+)?сигналы)\??\s*$",
                          re.IGNORECASE)
CHANNEL_PHRASE = re.compile(r"^\s*(how\s+good\s+is|насколько\s+хорош(\s+канал)?)\s+(?P<source>@?[\w .\-]{2,60}?)\s*\??\s*$",
                            re.IGNORECASE)
CHANNELS_PHRASE = re.compile(r"^\s*(channel|signal)\s+(stats|statistics)\??\s*$", re.IGNORECASE)


async def _channel_or_unknown(ctx: IntentContext, source: str) -> TextReply | None:
    """Stats of a channel; an @name with none is answered (not left to the parser as something else)."""
    reply = await channel_stats(ctx, source)
    if reply is None and source.startswith("@"):
        return TextReply(t("No forwarded signals from {channel} yet. /channels lists the channels I know.",
                           channel=escape(source)))
    return reply


def shortcut(text: str) -> Callable[[IntentContext], Awaitable[TextReply | None]] | None:
    """The handler for one of the few signal phrases, if ``text`` is one; a handler returning
    None leaves the message to the parser."""
    if LIST_PHRASES.match(text):
        return signal_list
    if CHANNELS_PHRASE.match(text):
        return channel_stats
    found = CHANNEL_PHRASE.match(text)
    if found:
        source = found.group("source").strip()
        return lambda ctx: _channel_or_unknown(ctx, source)
    return None


INTENT_HANDLERS: dict[str, IntentHandler] = {
    "signal": signal,
    "signal_update": signal_update,
}
