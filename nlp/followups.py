"""Channel follow-up posts (TP hit, stop hit, stop moved, closed, cancelled) and the markers
that tell such a post apart from the user typing the same words as their own command."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from nlp.normalize import NUMBER_RE, number_from_match
from nlp.post_normalize import normalize_post
from nlp.post_symbols import find_post_symbol, marked_post_symbols
from nlp.symbols import SymbolUniverse

_TARGET = r"(?:tp|take[\s-]?profit(?:\s+target)?|targets?|tgt|tg|t(?=\d\b))"
_STOP = r"(?:sl|stop[\s-]?loss(?:es)?|stoploss|stops?)"
# Each update kind with the phrasings channels use; the earliest match names the main action.
_UPDATE_PATTERNS: dict[str, tuple[re.Pattern[str], ...]] = {
    "sl_hit": (
        re.compile(rf"\b(?:hit|hits|hitting|reached|reaching|touched|triggered|got|taken\s+out\s+at|closed\s+(?:at|by|on))\s+"
                   rf"(?:the\s+|our\s+|my\s+)?{_STOP}\b|\bgot\s+stopped\b", re.I),
        re.compile(rf"\b{_STOP}(?:\s+target)?\s*(?:\(?\$?\d[\d.,]*\)?\s*)?(?:was\s+|got\s+|has\s+been\s+|is\s+)?"
                   rf"(?:hit|reached|triggered|taken|touched)",
                   re.I),
        # "#SOL stopped 😢": the word alone, ending the report.
        re.compile(r"\bstopped\s+(?:out|at|on|in)\b|\bstopped\b(?=\s*(?:$|[^\w\s,.]))|\bbroke\s+down\b|\bstop(?:ped)?\s+loss\s+activated|\bclosed\s+(?:in|with\s+a)\s+loss\b",
                   re.I),
        re.compile(r"\bloss\s*:?\s*-\s?\d+(?:[.,]\d+)?\s?%|(?<![\w.])-\s?\d+(?:[.,]\d+)?\s?%\s*[❌🛑⛔🔴📉]", re.I),
        re.compile(rf"\b{_STOP}\s*[⛔❌🛑🚫]|\b{_STOP}\b[\s\S]{{0,80}}?(?:\d\s*%\s*loss|(?<!stop\s)(?<!stop-)\bloss\s*:\s*-?\d)",
                   re.I),
    ),
    "tp_hit": (
        re.compile(rf"\b(?:hit|hits|reached|reaches|touched|achieved|smashed|done|printed|secured)\s+(?:the\s+|our\s+)?"
                   rf"(?:full\s+|all\s+|first\s+|second\s+|third\s+)?{_TARGET}s?\s*\d{{0,2}}\b", re.I),
        re.compile(rf"(?<!stop\s)\b{_TARGET}s?\s*#?\d{{0,2}}\s*(?:[:\-=]?\s*\(?\$?[\d.,]+\)?\s*)?[:\-=]?\s*(?:is\s+|was\s+|has\s+been\s+)?"
                   rf"(?:hit|reached|done|achieved|smashed|completed|✅|🎯|✔)", re.I),
        re.compile(rf"\b{_TARGET}\s*#?\d{{1,2}}(?:\s*(?:,|&|and)\s*\d{{1,2}})+\s*(?:are\s+|were\s+)?"
                   rf"(?:hit|reached|done|achieved|smashed|completed|✅|🎯|✔)", re.I),
        re.compile(rf"\b(?:went|got|came|flew|ran|tapped|pumped|moved)\s+(?:up\s+)?(?:to|into|through)\s+(?:the\s+|our\s+)?{_TARGET}", re.I),
        re.compile(rf"\b{_TARGET}s?\s*\d/\d\b|\b(\d)/\1\s*(?:{_TARGET}s?\s*)?[✅🎯✔]", re.I),
        re.compile(r"^\W*\d{1,2}\s*🎯\W*$|🎯\s*(?:targets?\s*)?=?\s*\{[\d,\s]+\}\s*✅", re.I | re.M),
        re.compile(r"\b(?:all|(?!entry)\w+)\s+targets?\s+(?:done|reached|hit|achieved|completed)|\ball\s+targets\b", re.I),
        re.compile(r"\b(?:profits?\s+(?:booked|secured|taken|locked)|(?:booked|secured|took|taking|locked(?:\s+in)?)\s+(?:\w+\s+)?profits?)\b",
                   re.I),
    ),
    "move_sl": (
        re.compile(rf"\b(?:move|moved|moving|edit|edited|set|shift|adjust|raise|raised|trail|change|update)\w*\s+"
                   rf"(?:the\s+|your\s+|our\s+)?{_STOP}\b", re.I),
        re.compile(rf"\b(?:breakeven|break[\s-]?even|be)\s+{_STOP}\b(?!\s+(?:was\s+|got\s+|has\s+been\s+)?(?:hit|triggered|taken|touched))|\b(?:breakeven|break[\s-]even)\s+(?:now|✅|🔒)|"
                   rf"\b{_STOP}\s+(?:should|must|will)\s+be\s+(?:at|on|in)\s+(?:the\s+)?(?:entry|breakeven|break[\s-]?even|be\b|cost)", re.I),
        re.compile(rf"\bnew\s+{_STOP}\b|\b{_STOP}\s*(?:=|→|->|=>)\s*(?:entry|breakeven|be\b|break[\s-]?even|cost|\$?\d)", re.I),
        re.compile(rf"\b{_STOP}\s+(?:is\s+)?now\s+(?:at\s+)?\$?\d|\b{_STOP}\s+(?:at|@)\s+\$?\d[\d.,]*\s+now\b|"
                   rf"\b{_STOP}\s+(?:moved|now|updated|changed)\b|\b{_STOP}\s+(?:to|at)\s+(?:entry|breakeven|be\b|break[\s-]?even|cost)"
                   r"|\b(?:make|made|making|go|going|now)\s+(?:it\s+|the\s+trade\s+|trades?\s+)?risk[\s-]?free\b", re.I),
    ),
    "cancel": (re.compile(r"\bcancel(?:l?ed|ling)?\b|\binvalid(?:ated)?\b|\bnot\s+(?:triggered|activated)\b|"
                          r"\b(?:don'?t|do\s+not)\s+(?:enter|open)\b|\bavoid\s+(?:this|it)\b|"
                          r"\b(?:remove|delete)\s+(?:the\s+|your\s+|all\s+)?(?:limit\s+|pending\s+|entry\s+)?orders?\b", re.I),),
    # "1H candle close under 300" states a stop, not a close.
    "close": (re.compile(r"\bclos(?:e|ed|ing)\b(?!\s+(?:\w+\s+)?(?:below|above|under|over|beneath)\b)|\bexit(?:ed)?\b|\btake\s+(?:the\s+)?profits?\s+now\b", re.I),),
    # Booking part of a position goes with another action ("part closed, stop to breakeven"), which leads.
    "partial_close": (re.compile(r"\bpartially\s+clos\w*|\bclos\w*\s+(?:half|part|some|\d+\s*%)|"
                                 r"\btak(?:e|ing)\s+(?:some|partial|half|\d+\s*%)\s+(?:of\s+)?(?:the\s+)?profits?\b", re.I),),
    "entry_filled": (
        re.compile(r"\bentr(?:y|ies)\s*(?:targets?\s+|zone\s+|orders?\s+)?\d?\s*(?:filled|triggered|reached|hit|done|"
                   r"activated|achieved|✅)|(?<!not\s)(?<!never\s)(?<!n't\s)\b(?:filled|activated|entered)\b|\b(?:position|trade)\s+opened\b"
                   r"|\b(?:order|long|short|trade|position)\s+(?:triggered|executed)\b|\b(?:bought|longed|shorted)\s+[#$]"
                   r"|\b(?:buy|sell|entry)\s+(?:zone|area|range|price)\s+(?:reached|hit|touched|filled|activated)\b", re.I),
    ),
}
# The update patterns run on the lower-cased text without IGNORECASE, several times faster on long posts.
_LOWERCASE_UPDATE_PATTERNS = {kind: tuple(re.compile(p.pattern, p.flags & ~re.IGNORECASE) for p in patterns)
                              for kind, patterns in _UPDATE_PATTERNS.items()}
# "TP 1, 2 & 3 hit": the targets reached, listed.
_TARGET_LIST_RE = re.compile(rf"{_TARGET}\s*#?((?:\d{{1,2}}\s*(?:,|&|and)\s*)+\d{{1,2}})(?![\d.])", re.I)
_TARGET_INDEX_RE = re.compile(rf"{_TARGET}\s*(?:#|-|:|no\.?)?\s*(\d{{1,2}})(?!\d|[.,]\d|\s*-\s*\d{{1,2}}(?![\d.,]))|(?<![\d.,])\b(\d{{1,2}})\s+targets?\s+(?:done|hit|reached|"
                              r"achieved|completed)", re.I)
# "3/5 targets ✅", "Targets 1-3 done": the last target reached, of a count or a run.
_LAST_OF_TARGETS_RE = re.compile(rf"(?<![\d.,])\b(\d{{1,2}})/\d{{1,2}}\s*{_TARGET}|\b{_TARGET}s?\s*\d{{1,2}}\s*-\s*(\d{{1,2}})(?![\d.,])", re.I)
# "4th target hit", "2nd TP done".
_NUMBERED_ORDINAL_TARGET_RE = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)\s+{_TARGET}s?\b", re.I)
_ORDINALS = {"first": 1, "one": 1, "second": 2, "two": 2, "third": 3, "three": 3, "fourth": 4, "four": 4,
             "fifth": 5, "five": 5, "sixth": 6, "six": 6}
_ORDINAL_TARGET_RE = re.compile(rf"\b({'|'.join(_ORDINALS)})\s+{_TARGET}s?\b", re.I)
_BREAKEVEN_RE = re.compile(r"\b(?:entry|entrance|buy(?:ing)?\s+price|breakeven|break[\s-]even|be|entry\s+price|open\s+price|cost|risk[\s-]?free)\b", re.I)
# "SL moved to 1.85", "SL moved to TP1 (22.40)", "SL to TP1 ✅ (0.67)" (a tick between), "stop at 2.05 now".
_NEW_STOP_RE = re.compile(rf"{_STOP}\b[^\n\d]{{0,25}}?(?:\bto\s+(?:(?:tp|target)\s?\d{{1,2}}[^\w\n(\-:@]{{0,4}}[(\-:@]?\s*)?|\bat\s+(?=\$?\d)|[:=→]\s*|->\s*)"
                          rf"(?P<value>\$?\d[\d.,]*)", re.I)

# Signs that a message is a channel's report rather than the user's own instruction.
_MARKER_RES = (
    re.compile(r"#[0-9]*[A-Za-z]{2,}[A-Za-z0-9]*\b(?!-)|\$[A-Z]{2,}[A-Z0-9]*\b"),  # #1000PEPE, $ARB; not #A77-19
    re.compile("[✅🎯❌⛔🚫📈📉🔥💰🚀💸🏆✔☑🟢🔴📬📩🥳🎉🤑]"),
    re.compile(r"[+-]\s?\d+(?:[.,]\d+)?\s?(?:%|R\b)|\d+(?:[.,]\d+)?\s?%\s*(?:profit|loss|gain)|"
               # "Profit: +45%" reports; "stop loss 2900", "take profit 3000" are levels.
               r"\b(?<!stop )(?<!stop-)(?<!stop)(?<!take )(?<!take-)(?<!take)(?:profit|loss|gain)\s*:?\s*[+-]?\d", re.I),
    re.compile(r"\b(?:signal|channel|vip|fwd|forwarded|everyone|guys|members|premium|wait\s+(?:to|for)|report|"
               r"update|from\s+the\s+group)\b", re.I),
    # "hit TP2", "TP2 reached", "all take profits reached": a target reported, which an own command never does.
    re.compile(rf"\bhit\s+{_TARGET}\s*\d|\b{_TARGET}s?\s*\d{{0,2}}\s+(?:was\s+|were\s+|(?:has|have)\s+been\s+)?"
               rf"(?:hit|reached|done|achieved|smashed|completed)\b|\bclosed\s+at\s+the\s+entr", re.I),
    # A report in the progressive ("Closing ETH at entry", "Closing all positions"), where an own command is imperative.
    re.compile(r"^\W*(?:closing|cancell?ing|booking|moving\s+(?:the\s+)?(?:sl|stop))\b|^\s*\[?in\s+reply\s+to\b", re.I | re.M),
    # A report in the past ("Closed LINK in profit", "ETH short closed", "BTC stop loss hit", "order cancelled"),
    # where an own command is imperative ("close LINK") or asks about closed trades ("closed trades this month").
    re.compile(r"^\W*(?i:closed|cancell?ed|stopped\s+out|exited)\s+(?:(?i:half\s+(?:of\s+)?)?[#$]?[A-Z][A-Z0-9]{1,11}\b"
               r"(?!\s+(?i:trades|positions|orders))|(?i:all\s+(?:the\s+)?(?:trades|positions|longs|shorts)\b))"
               r"|\b(?i:long|short|position|positions|trade|trades|order|stop[\s-]?loss|stop|sl|target|tp\d?|profit)\s*"
               r"(?i:was\s+|were\s+|has\s+been\s+|have\s+been\s+)?(?i:closed|cancell?ed|stopped\s+out|hit|triggered|activated|taken)\b",
               re.M),
)
# Hashtags, ticks, profit figures and channel jargon outweigh "my"/"i" in a pasted report.
_STRONG_MARKER_RES = _MARKER_RES[:4]
# A report's verbs are past or progressive; an own command is imperative.
_REPORTED_RE = re.compile(r"\b(?:i|we)\s+(?:have\s+|just\s+)?(?:closed|moved|took|booked|secured|cancell?ed|exited|"
                          r"got\s+stopped|am\s+closing|are\s+closing)\b", re.I)
_ORDER_ID_RE = re.compile(r"\border\s*(?:id|no\.?|number)?\s*#?[A-Za-z0-9-]*\d", re.I)
_OWN_COMMAND_RE = re.compile(r"\b(?:my|me|i|i'm|please|pls|can\s+you)\b", re.I)
_REPORT_ORDER_RE = re.compile(r"^\W*[$#]?[A-Z][A-Z0-9]{1,11}(?:/[A-Z]{3,5})?\s*[:\-]?\s+(?:hit|close[sd]?|cancel\w*|"
                              r"running|tp\d|stopped|target|sl\b|reached|entry|mov(?:e|ed|ing)\s+(?:the\s+)?(?:sl|stop))",
                              re.I)


@dataclass(frozen=True)
class UpdateReading:
    entities: dict[str, Any]
    confidence: float


@lru_cache(maxsize=64)  # routing asks about the same post more than once
def update_kind(text: str, *, brag: bool = False) -> str | None:
    """The main follow-up action named in the text, if any (earliest mention wins; a partial
    close gives way to any other action and otherwise reads as a close). With ``brag``, a short
    post that only boasts a profit ("+45% profit 🚀") reads as a target reached."""
    found: list[tuple[int, int, str]] = []
    lowered = text.lower()
    entry_end = None
    for priority, (kind, patterns) in enumerate(_LOWERCASE_UPDATE_PATTERNS.items()):
        for pattern in patterns:
            match = pattern.search(lowered)
            if match:
                found.append((match.start(), priority, kind))
                if kind == "entry_filled":
                    entry_end = min(entry_end or match.end(), match.end())
    if not found and brag and _PROFIT_BRAG_RE.search(text):
        return "tp_hit"  # "#INJ +45% profit 🚀": a channel counts its wins as targets reached
    main = [item for item in found if item[2] != "partial_close"] or found
    if len(main) < len(found):
        main = [item for item in main if item[2] != "close"] or main  # "part closed" found "closed" too
    # "Entry ✅ TP1 ✅ TP2 ✅": a filled entry is the start of the story; what happened since leads.
    if entry_end is not None and any(item[0] >= entry_end for item in main if item[2] != "entry_filled"):
        main = [item for item in main if item[2] != "entry_filled"]
    kind = min(main)[2] if main else None
    return "close" if kind == "partial_close" else kind


SHORT_POST_CHARS = 400
_HEADLINE_CHARS = 120
_PROFIT_BRAG_RE = re.compile(r"\+\s?\d+(?:[.,]\d+)?\s?%|\b(?:pumped|gained|rallied|mooned|flew|up)\s+(?:by\s+)?\d+(?:[.,]\d+)?\s?%|\b\d+(?:[.,]\d+)?\s?%\s*(?:profit|gain|roi|[✅🚀🔥💰💸])|"
                             r"\b(?:profit|gain|roi)\s*(?:of\s*)?:?\s*\+?\d|"
                             r"\b(?:pumped|flew|mooned|rallied|exploded|smashed|skyrocketed)\b[^\n]{0,20}?\bfrom\s+\$?\d[\d.,]*\s+to\s+\$?\d",
                             re.I)
# A target line of a re-posted signal with a tick: "2) 0.2754 | +7.4% ✅", "Target 3: 1.2 ✅".
_TICKED_TARGET_RE = re.compile(rf"^\W*(?:{_TARGET}s?\s*)?#?(?P<index>\d{{1,2}})(?![.,]?\d)\s*[):.\-]?\s*[:=]?\s*\$?\d[^\n]*[✅✔☑]",
                               re.I | re.M)
_LEVEL_LINE_RE = re.compile(r"^\W*(?:entry|targets?|stop\s+loss|tp\d*|sl)\b[^\n]*\d", re.I)


# "Move stop to entry after TP1", "close if 4H closes below": a plan stated with the signal, not a report.
_PLAN_RE = re.compile(r"\b(?:after|once|when|if|upon)\b", re.I)
# "✅ Our last 10 calls hit TP! Join VIP 👉 @handle": a channel's advert about its past calls, not news of this one.
_ADVERT_RE = re.compile(r"\b(?:calls|signals|join|subscribe)\b|\bour\s+(?:last|previous)\b", re.I)


# "Move SL to entry after TP1", "close half once 0.55 hits": an instruction for later, given with the signal.
_PLANNED_ACTION_RE = re.compile(
    r"^\W*(?:(?:we|i)(?:'ll|\s+will)\s+|please\s+)?(?:move|set|put|close|take|book|secure|trail|shift|raise|cancel)\b"
    r"[^\n]*\b(?:after|once|when|if|upon)\b", re.I)


def reported_update(text: str, *, brag: bool = False) -> str | None:
    """The update a post reports, leaving out the plans it states for later ("move SL to entry after TP1")."""
    reported = "\n".join(line for line in text.splitlines() if not _PLANNED_ACTION_RE.match(line))
    return update_kind(reported, brag=brag)


def reposted_update(text: str) -> str | None:
    """The update a re-posted signal announces: targets ticked (tp_hit), or an update line heading
    the post ("Second entry activated", "Cancelled …") above the levels it repeats."""
    normalized = normalize_post(text)
    lines = [line for line in normalized.splitlines() if line.strip()]
    # A short first line above the levels is the headline and names the main action; a long one is prose.
    if len(lines) >= 2 and not _LEVEL_LINE_RE.match(lines[0]) and len(lines[0]) <= _HEADLINE_CHARS \
            and not _PLAN_RE.search(lines[0]) and not _ADVERT_RE.search(lines[0]):
        headline = update_kind(lines[0])
        if headline:
            return headline
    return "tp_hit" if _ticked_targets(normalized) else None


def _is_short(text: str) -> bool:
    return len(text) <= SHORT_POST_CHARS


# "TP: 25.20 ✅ - 26.00 ✅ - 27.10": targets listed on one line, the reached ones ticked.
_TARGET_LINE_RE = re.compile(rf"(?m)^\W*(?:{_TARGET}s?)\s*[:\-]?(?P<levels>[^\n]*[✅✔☑][^\n]*)$", re.I)
_LEVEL_RE = re.compile(r"\$?(?:\d+[.,]\d+|\d{3,})(?![\d.,]*\s*%)")  # prices, not an index or a percentage
_TICK_AFTER_RE = re.compile(r"\s*[✅✔☑]")


# "✅ 0.3610" / "0.3700 ✅" / "⏳ 0.3850": a bare level on its line, ticked when reached.
_BARE_LEVEL_LINE_RE = re.compile(r"^[^\w\n]*\$?(?:\d+[.,]\d+|\d{2,})[^\w\n]*$")
_TICK_RE = re.compile("[✅✔☑]")


def _ticked_bare_levels(text: str) -> list[int]:
    """Positions of the ticked levels in a run of bare level lines (a re-posted ladder of targets)."""
    run: list[str] = []
    ticked: list[int] = []
    for line in text.splitlines() + [""]:
        if _BARE_LEVEL_LINE_RE.match(line):
            run.append(line)
            continue
        if len(run) >= 2:
            ticked += [number for number, level in enumerate(run, 1) if _TICK_RE.search(level)]
        run = []
    return ticked


def _ticked_targets(text: str) -> list[int]:
    ticked = [int(m.group("index")) for m in _TICKED_TARGET_RE.finditer(text)] or _ticked_bare_levels(text)
    for line in _TARGET_LINE_RE.finditer(text):
        levels = list(_LEVEL_RE.finditer(line.group("levels")))
        if len(levels) > 1:
            ticked += [number for number, level in enumerate(levels, 1)
                       if _TICK_AFTER_RE.match(line.group("levels"), level.end())]
    return ticked


def channel_marker_count(text: str) -> int:
    """How many kinds of channel markers the text carries (hashtags, ticks, profit %, jargon)."""
    count = sum(1 for pattern in _MARKER_RES if pattern.search(text))
    if _REPORT_ORDER_RE.match(text) and text.split()[0].isupper():
        count += 1  # "ZORA close …": ticker first, reported in the third person
    return count


def reads_as_followup(text: str) -> bool:
    """A typed message is a channel follow-up only when it carries channel markers."""
    normalized = normalize_post(text)
    if update_kind(normalized, brag=_is_short(normalized)) is None and not _ticked_targets(normalized):
        return False  # no update named, and no ticked targets ("✅ 0.3610 ✅ 0.3700 ⏳ 0.3850")
    if _ORDER_ID_RE.search(normalized):
        return False  # "cancel order #A77-19" names the user's own order
    if _OWN_COMMAND_RE.search(normalized) and not _has_strong_marker(normalized) \
            and not _REPORTED_RE.search(normalized):
        return False  # "close my sol short": the user's own instruction; "I closed SOL at entry" reports
    return channel_marker_count(normalized) >= 1


def _has_strong_marker(text: str) -> bool:
    return any(pattern.search(text) for pattern in _STRONG_MARKER_RES)


def read_update(text: str, universe: SymbolUniverse) -> UpdateReading:
    normalized = normalize_post(text)
    ticked = _ticked_targets(normalized)
    body, replied_to = _split_reply(normalized)
    kind = reposted_update(normalized) or update_kind(body, brag=_is_short(body)) or update_kind(normalized) or "close"
    entities: dict[str, Any] = {}
    symbol = find_post_symbol(body, universe) or (find_post_symbol(replied_to, universe) if replied_to else None)
    if symbol:
        entities["symbol"] = symbol
    coins = marked_post_symbols(body, universe)
    if len(coins) > 1 and symbol in coins:
        entities["symbols"] = coins  # one post about several calls, "✅ #BTC TP1 ✅ #ETH TP1": the first leads
    entities["update"] = kind
    if kind == "tp_hit":
        entities.update({"target_index": max(ticked)} if ticked else _target_details(body))
    elif kind == "move_sl":
        new_stop = _new_stop(normalized)
        if new_stop is not None:
            entities["stop_loss"] = new_stop
        elif _BREAKEVEN_RE.search(normalized.split("sl", 1)[-1] if "sl" in normalized.lower() else normalized):
            entities["to_breakeven"] = True
    if kind not in ("move_sl", "sl_hit") and _STOP_TO_BREAKEVEN_RE.search(body):
        entities["to_breakeven"] = True  # "TP1 hit, stop to breakeven": the stop moves along with the main action
    confidence = 0.6 + 0.1 * min(channel_marker_count(normalized), 2) + (0.1 if symbol else 0.0)
    return UpdateReading(entities, min(confidence, 0.95))


# "🎯 Target = {1, 2, 3} ✅", "2🎯": the targets reached, as a set or a count of hits.
_INDEX_SET_RE = re.compile(r"\{([\d,\s]+)\}|^\W*(\d{1,2})\s*🎯", re.M)
# The stop named, then within a few words (no figure between) the entry or breakeven it goes to:
# "SL to B/E", "move SL up to entry", "stop loss to our entries", "SL = BE", "SL➡️BE", "SL at avg entry".
_BREAKEVEN_WORD = (r"(?:entr(?:y|ies)|breakeven|break[\s-]?even|b/e|be|cost|"
                   r"(?:open(?:ing)?|buy(?:ing)?|avg|average)\s+(?:entry|price))")
_STOP_TO_BREAKEVEN_RE = re.compile(
    rf"\b{_STOP}\b[^\n\d.,;!?]{{0,20}}?\b{_BREAKEVEN_WORD}(?![\w/])(?!\s+(?:zone|targets?|orders?)\s+(?:reached|hit|filled))"
    rf"|\b(?:breakeven|be)\s+{_STOP}\b|\brisk[\s-]?free\b", re.I)
_ALL_TARGETS_RE = re.compile(r"\b(?:all|every)\s+(?:the\s+|our\s+)?(?:\d{1,2}\s+)?(?:take[\s-]?profit\s+|tp\s+)?"
                             r"(?:targets?|tps?|take[\s-]?profits?)\b|\b(?:final|last)\s+(?:target|tp|take[\s-]?profit)\b"
                             rf"|\b(\d)/\1\s*{_TARGET}s?\b|{_TARGET}s?\s*(\d)/\2(?!\d)", re.I)
_REPLY_RE = re.compile(r"^\s*\[?\s*in\s+reply\s+to\b[^\n]*(?:\n|$)", re.I | re.M)


def _split_reply(text: str) -> tuple[str, str]:
    """A post's own words and the "[In reply to …]" line quoting the signal it answers."""
    quoted = " ".join(match.group(0) for match in _REPLY_RE.finditer(text))
    return (_REPLY_RE.sub("", text) if quoted else text), quoted


def _target_details(text: str) -> dict[str, Any]:
    details: dict[str, Any] = {"all_targets": True} if _ALL_TARGETS_RE.search(text) else {}
    text = _ALL_TARGETS_RE.sub(" ", text)  # "all 4 targets hit" counts the targets; it names none
    indexes = [int(m.group(1) or m.group(2)) for m in _TARGET_INDEX_RE.finditer(text)]
    indexes += [int(n) for m in _TARGET_LIST_RE.finditer(text) for n in re.findall(r"\d{1,2}", m.group(1))]
    indexes += [int(n) for m in _INDEX_SET_RE.finditer(text) for n in re.findall(r"\d{1,2}", m.group(1) or m.group(2))]
    indexes += [_ORDINALS[m.group(1).lower()] for m in _ORDINAL_TARGET_RE.finditer(text)]
    indexes += [int(m.group(1)) for m in _NUMBERED_ORDINAL_TARGET_RE.finditer(text)]
    indexes += [int(m.group(1) or m.group(2)) for m in _LAST_OF_TARGETS_RE.finditer(text)]
    if indexes:
        details["target_index"] = max(indexes)  # "Target 5 ✅ — final target": the last one, named
    return details


def _new_stop(text: str) -> Decimal | None:
    match = _NEW_STOP_RE.search(text)
    if not match:
        return None
    number = NUMBER_RE.search(match.group("value"))
    return number_from_match(number) if number else None
