"""Reading channel signal posts: symbol, side, entries, targets, stop, leverage and extras.

Posts are read line by line. Each line is cut into labelled segments ("Entry: …", "TP1: …",
"SL …"); a label with nothing after it ("Take Profits:") opens a section that the following
lines fill. Commentary is kept out by dropping parentheses, arrows, percentages, ratios and
maths lines, and by ignoring a later block that only repeats prices already read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from nlp.consistency import CANDLE_CLOSE_RE as _CANDLE_CLOSE_RE
from nlp.consistency import candle_close_stop, consistency_problems, leftover_entries, leftover_targets, reconcile
from nlp.normalize import NUMBER_RE, number_from_match
from nlp.post_normalize import normalize_post
from nlp.post_symbols import find_post_symbol
from nlp.post_terms import read_allocation, read_leverage
from nlp.symbols import DEFAULT_QUOTE, SymbolUniverse
from nlp.venues import read_venues

# --- labels ---------------------------------------------------------------------------------

# "TP1", "Target 2:", "Entry 1 -": an index glued to the label, or spaced and followed by a separator.
_INDEX = (r"(?:(?<=[a-z])(?P<{name}>\d{{1,2}})(?![\d,]|\.\d)"
          r"|\s+(?P<{name}_spaced>\d{{1,2}}(?=\s*[:)\-=.\u2192]|\s*$)|\d(?=\s+\$?\d))(?![\d.,]))?")
_LABEL_RE = re.compile(
    r"(?P<entry>"
    r"\b(?:(?:limit|market|instant|immediate)\s+)?entr(?:y|ies)(?![a-z])(?:\s*(?:zone|price|range|area|targets?|point|levels?|market|limit|now|at|cmp|orders?))*"
    + _INDEX.format(name="entry_index")
    + r"|\bbuy(?:ing)?\s+(?:zone|around|between|range|area|below|(?-i:near|Near))\b|\bbuy\s*(?:\d{1,2}\s*)?:"
    r"|\benter(?:ing|ed)?(?:\s+(?:at|around|between|zone|below|above))?\b|\bzone\s*(?=:)|\bre-?entry\b|\bdca(?:\s+(?:at|zone|level))?(?:\s?\d{1,2}(?=\s*[:)\-=]))?\b"
    r"|\badd(?:\s+more)?\s+(?:at|on|around|near|below)\b|\baverage\s+(?:down\s+)?(?:at|around)\b"
    r"|\baccumulat\w*\s+(?:zone|area|between|range|below|under|around|near|at|from)\b"
    r"|\bopen\s+(?:long|short)\b(?:\s+for\s+the\s+price)?(?:\s+(?:between|at|from|around))?"
    r"|\bopen\s+(?:a\s+)?position\s+(?:at|from|around|between)\b|\b(?:add(?:\s+more)?|purchase(?:\s+(?:price|zone))?)\s*:"
    r")"
    r"|(?P<tp>"
    r"\bsell(?:ing)?\s+(?:targets?|prices?|zones?|areas?|range)\b|\bsell\s*(?:\d{1,2}\s*)?:"
    r"|\b(?:primary|extended|final|first|second|third|next|profit|short[\s-]term|mid[\s-]term|long[\s-]term)\s+targets?\b"
    r"|\b(?:short|mid|long)[\s-]?term\s*(?:targets?|tps?)?\s*(?=:)"
    r"|\b(?:take[\s-]?profits?(?:\s+targets?)?|tps?|targets?)(?:\s*(?:targets?|levels?|zones?|orders?))?"
    + _INDEX.format(name="tp_index")
    + r"(?![a-z])|\bt(?P<t_index>\d{1,2})\b"
    r")"
    r"|(?P<sl>\b(?:stop[\s-]?loss(?:\s+(?:targets?|price|level|orders?))?|stoploss|sl|s/l|stop(?:\s+(?:at|targets?|price|level|orders?))?|invalidation(?:\s+(?:price|level))?)(?![a-z]))"
    r"|(?P<side>\b(?:long|short|buy|sell|buying|selling|longing|shorting)\b)",
    re.IGNORECASE,
)
# "Risk = Entry 0.032 - SL 0.0362 = 0.0042": an operation before an equals sign (not "Target 1 = 0.13").
# "=>" is an arrow ("0.45 => 0.43 => 0.41"), not an equals sign.
_ARITHMETIC_RE = re.compile(r"\d\s*[-+*/x×]\s*\$?\d[^=\n]*=(?!>)|=(?!>)[^=\n]*=(?!>)")
_PARENTHESES_RE = re.compile(r"\([^()\n]*\)|\[[^\[\]\n]*\]")
# "(5.12)", "ENTRY PRICE (5.05 - 5.12)": figures alone in brackets are the label's value, not a note.
# "(~0.452)", "(≈ 0.452)": an approximate level in brackets is the level all the same.
_BARE_NUMBER_IN_PARENTHESES_RE = re.compile(r"\(\s*(?:[~\u2248]|approx\.?|around|near)?\s*(\$?\d[\d.,]*\$?(?:\s*[-~/]\s*\$?\d[\d.,]*\$?)?)\s*\)")
_URL_RE = re.compile(r"https?://\S+|\S+\.(?:com|io|me)/\S*")
_DIGIT_RE = re.compile(r"\d")
# "Average entry: 0.525", "Avg. price 0.525": the mean of the entries already given, not one more.
_AVERAGE_ENTRY_RE = re.compile(r"^\W*(?:average|avg\.?)\s+(?:entry|buy|price)", re.IGNORECASE)
_LONGEST_HEADER = 60
# "1) 1.30", "2. 1.35", "Level 3: 1.42": a numbered item of a list under a header.
_LIST_ITEM_RE = re.compile(r"^\W*?(?:(?:level|step|zone|no\.?)\s*)?(?P<index>\d{1,2})\s*(?:\)|\.\s|-\s|:\s)", re.IGNORECASE)
# What follows an arrow or an equals sign is commentary or arithmetic, not a level.
_COMMENTARY_CUT_RE = re.compile(r"→|=>|=|;|\|(?=\s*[A-Za-z])|\s-\s(?=[A-Za-z]{3,})")
# A sentence after a level ("SL: -10% Price swept the liquidity near 1.76 …"): its figures are not the label's.
_SENTENCE_AFTER_VALUE_RE = re.compile(r"(?<=[\d%$])\s+(?=[^\W\d_]{3,}\s+[^\W\d_]{3,}\s+[^\W\d_]{2,})")
# "Take Profit Levels: Level 1: 32712 Level 2: 32044": numbered items run into one line; "1: 32712" is no ratio.
_INLINE_ITEM_RE = re.compile(r"\b(?:level|step)\s*\d{1,2}\s*[:.)]\s", re.IGNORECASE)
# An arrow right after a label introduces its value ("Take-profit 1 → 2.26").
_LEADING_SEPARATOR_RE = re.compile(r"^(?:\s|[:\-=~]|→|=>)+")
_MARKET_ENTRY_RE = re.compile(r"\b(?:cmp|market|now|current(?:\s+market)?(?:\s+price)?|immediately|instant|asap)\b", re.IGNORECASE)
# "Entry: 5.12 (CMP)": the bracketed note that the level is the market price, kept when brackets are dropped.
# "Entry - 1.20 (DCA 1.15)": an extra entry noted in brackets is an entry all the same.
_DCA_IN_PARENTHESES_RE = re.compile(r"\(\s*(dca|re-?entry|add)\s*(?:at|@|:)?\s*(\$?\d[\d.,]*)\s*\)", re.IGNORECASE)
# "Entry: market (current 0.45)": the market with the level it stands at, both kept.
_MARKET_IN_PARENTHESES_RE = re.compile(r"\(\s*((?i:(?:at\s+)?cmp|(?:at\s+)?market(?:\s+price)?|now|current(?:\s+price)?))"
                                       r"(?:\s*[:@~=]?\s*(\$?\d[\d.,]*))?\s*\)")
# "Entry: Market - Limit 0.43", "Market (up to 0.46)", "CMP / limit @ 0.43": the market and a limit level, both
# entries; written as "market 0.43" so that neither the commentary cut (" - Limit") nor the dropped brackets lose it.
_MARKET_THEN_LIMIT_RE = re.compile(
    r"\b(?P<market>cmp|market(?:\s+price)?|current(?:\s+price)?)[ \t]*(?:[-\u2013/|,&+(\[][ \t]*)*"
    r"(?:(?:or|and|then|plus)\s+)?(?:(?:a\s+)?limit(?:\s+(?:order|entry|buy|sell|at))?|up\s*to|max(?:imum)?|till|until|down\s+to"
    r"|not\s+(?:above|below|higher|lower|over|under)(?:\s+than)?|no\s+(?:higher|lower)\s+than"
    # "Market ➡️ 0.445": an arrow to one level (a chain of several runs on to targets)
    r"|(?:\u2192|->|=>|\u27a1\ufe0f?)(?=[ \t]*\$?\.?\d[\d.,]*(?![\d.,])(?![ \t]*(?:\u2192|->|=>|\u27a1))))"
    r"[ \t]*[:@=]?[ \t]*(?P<value>\$?\.?\d[\d.,]*)[ \t]*[)\]]?",
    re.IGNORECASE)

# --- sides, leverage, extras ------------------------------------------------------------------

# A line that only says the entry is at the market: "MARKET", "Market price", "CMP", "Entry at market".
_MARKET_LINE_RE = re.compile(r"^[^\w\n]*(?:(?:buy|sell|enter|entry|long|short)\s+)?(?:at\s+)?(?:market(?:\s+price)?|cmp|current\s+price|instant)"
                             r"(?:\s+(?:buy|sell|entry|order|long|short))?[^\w\n]*$",
                             re.IGNORECASE)
# "Order type: Market" over the entry line: the entry is taken at the market.
_ORDER_TYPE_MARKET_RE = re.compile(r"^[^\w\n]*(?:order\s+)?type\s*[:\-]\s*market(?:\s+(?:order|price))?[^\w\n]*$", re.IGNORECASE)
# "Entry: 1.23 - Market": the market as a note after the level, which the commentary cut would drop.
_MARKET_TAIL_RE = re.compile(r"\s[-/|]\s*(?:cmp|market(?:\s+price)?|now|current(?:\s+price)?)\s*$", re.IGNORECASE)
_SELL_LABEL_RE = re.compile(r"sell(?:ing)?\s*(?:\d{1,2}\s*)?:", re.IGNORECASE)
_SIDE_WORD_RE = re.compile(r"\b(long|short|buy|sell)\b", re.IGNORECASE)
_DIRECTION_RE = re.compile(r"\b(?:direction|side|position|type|trade)\s*[:\-|]\s*(?:[a-z]+\W+)?\W*(long|short|buy|sell)\b",
                           re.IGNORECASE)
# Side words that describe the market, not this post's trade.
_NOT_A_SIDE_RE = re.compile(
    r"\b(?:short\s+(?:squeeze|positions?|liquidations?|sellers?|term|interest)|long\s+(?:liquidations?|trap|term|"
    r"positions?\s+being|squeeze)|(?:longs|shorts)\s*:|sell(?:ing)?\s+(?:targets?|prices?|zones?|areas?|range)|sell\s*(?:\d{1,2}\s*)?:|sell[\s-]side|buy[\s-]side|"
    r"buy\s+the\s+top|(?:mid|long|short)[\s-]term)",
    re.IGNORECASE,
)
_TRADE_LINE_RE = re.compile(r"\bentr(?:y|ies)\b|\bsetup\b|\btrade\b|\bposition\b", re.IGNORECASE)

# --- the reading ----------------------------------------------------------------------------


@dataclass
class _Levels:
    entries: list[Decimal] = field(default_factory=list)
    take_profits: list[Decimal] = field(default_factory=list)
    stop_loss: Decimal | None = None
    stop_loss_percent: Decimal | None = None
    take_profit_percents: list[Decimal] = field(default_factory=list)
    entry_at_market: bool = False
    labelled_sides: list[str] = field(default_factory=list)
    tp_indexes: set[int] = field(default_factory=set)
    leftovers: list[Decimal] = field(default_factory=list)  # figures outside any label or section
    sold: list[Decimal] = field(default_factory=list)  # the levels of a "Sell:" line, read as targets


@dataclass(frozen=True)
class SignalReading:
    entities: dict[str, Any]
    confidence: float


def read_signal(text: str, universe: SymbolUniverse) -> SignalReading:
    """Read a signal post into contract entities with a confidence from the consistency check."""
    normalized = normalize_post(text)
    levels = _read_levels(normalized)
    entities: dict[str, Any] = {}
    symbol = find_post_symbol(normalized, universe)
    if symbol and _looks_like_sats(levels, normalized) and symbol.endswith(f"/{DEFAULT_QUOTE}"):
        symbol = symbol.split("/")[0] + "/BTC"
    if symbol:
        entities["symbol"] = symbol
    side = _post_side(normalized, levels)
    if side:
        entities["side"] = side
    _sell_line_as_entry(levels, side)
    levels.entries, levels.take_profits, levels.stop_loss = reconcile(
        levels.entries, levels.take_profits, levels.stop_loss, side)
    if levels.stop_loss is None and levels.stop_loss_percent is None:
        levels.stop_loss = candle_close_stop(normalized, side)
    if not levels.take_profits and not levels.take_profit_percents:
        levels.take_profits = leftover_targets(levels.leftovers, side, levels.entries, levels.stop_loss)
    if not levels.entries and not levels.entry_at_market and (levels.take_profits or levels.stop_loss is not None):
        levels.entries = _price_line_entry(normalized) or leftover_entries(
            levels.leftovers, side, levels.take_profits, levels.stop_loss)
    if levels.entries:
        entities["entries"] = sorted(set(levels.entries))
    if levels.entry_at_market:
        entities["entry_at_market"] = True
    if levels.take_profits:
        entities["take_profits"] = levels.take_profits
    if levels.stop_loss is not None:
        entities["stop_loss"] = levels.stop_loss
    if levels.stop_loss_percent is not None and levels.stop_loss is None:
        entities["stop_loss_percent"] = levels.stop_loss_percent
    if levels.take_profit_percents and not levels.take_profits:
        entities["take_profit_percents"] = levels.take_profit_percents
    entities.update(read_leverage(normalized))
    allocation = read_allocation(normalized)
    if allocation is not None:
        entities["percent_of_balance"] = allocation
    entities.update(read_venues(normalized, is_ticker=universe.is_known, coin=symbol.split("/")[0] if symbol else None))
    return SignalReading(entities, _confidence(entities, _structure_score(levels, symbol)))


# "Target 30" alone on its line: the number after the label, with nothing after it.
_LABEL_THEN_NUMBER_RE = re.compile(r"^(?P<label>\W*(?:targets?|tps?|take[\s-]?profits?|entry))\s+(?P<number>\d{1,2})\s*$",
                                   re.IGNORECASE)


def _lone_number_as_value(line: str, levels: _Levels) -> str:
    """"Target 30" is a target at 30 unless 30 is the next target's number ("TP 2" above its value);
    likewise "Entry 12"."""
    match = _LABEL_THEN_NUMBER_RE.match(line)
    if not match:
        return line
    number = int(match.group("number"))
    is_entry = match.group("label").strip(" \t").lower().endswith("entry")
    expected = {len(levels.entries) + 1} if is_entry else {len(levels.tp_indexes) + 1, len(levels.take_profits) + 1}
    return line if number in expected else f"{match.group('label')}: {number}"


def _sell_line_as_entry(levels: _Levels, side: str | None) -> None:
    """In a short with no entry label, the "Sell:" line above lower targets is where it enters
    ("SHORT … Sell: 25.40-25.80 … Targets: 24.90 24.30"); in a long it lists the targets."""
    if side != "sell" or levels.entries or not levels.sold:
        return
    rest = [value for value in levels.take_profits if value not in levels.sold]
    if rest and max(rest) < min(levels.sold):
        levels.entries, levels.take_profits = list(levels.sold), rest


def _read_levels(text: str) -> _Levels:
    levels = _Levels()
    section = _Section()
    for raw_line in text.splitlines():
        if (len(raw_line) > _LONGEST_HEADER and not _DIGIT_RE.search(raw_line)) or _AVERAGE_ENTRY_RE.match(raw_line):
            section.close()  # prose: no levels, and too long to be a section header; or the entries' mean restated
            continue
        line = _MARKET_IN_PARENTHESES_RE.sub(lambda m: f" {m.group(1)} {m.group(2) or ''} ",
                                             _BARE_NUMBER_IN_PARENTHESES_RE.sub(r" \1 ", raw_line))
        line = _DCA_IN_PARENTHESES_RE.sub(r" \1 \2 ", line)
        line = _MARKET_THEN_LIMIT_RE.sub(r" \g<market> \g<value> ", line)
        line = _lone_number_as_value(line, levels)
        line = _URL_RE.sub(" ", _PARENTHESES_RE.sub(" ", line))
        labels = list(_LABEL_RE.finditer(line))
        if not labels:
            if _MARKET_LINE_RE.match(line) or _ORDER_TYPE_MARKET_RE.match(line):
                levels.entry_at_market = True  # "MARKET" alone on its line between the side and the exits
            if section.kind is None and not _WORDY_RE.search(_WORD_TICKER_RE.sub(" ", line)):
                levels.leftovers.extend(_prices(line))  # a bare figure no label claims
            section.feed(line, levels)
            continue
        chain = _arrow_chain(line[:labels[0].start()])
        if chain:  # "NEAR 5.12 → 5.35 / 5.50 SL 4.95 LONG"
            _store_chain(levels, chain, None, text)
        else:
            levels.leftovers.extend(_prices(line[:labels[0].start()]))  # "QWIX/USDT 0.52 LONG"
        section.close()
        if _ARITHMETIC_RE.search(line):
            continue  # arithmetic such as "Risk = Entry 0.032 - SL 0.0362 = 0.0042"
        for number, match in enumerate(labels):
            kind = next(name for name in ("entry", "tp", "sl", "side") if match.group(name))
            end = labels[number + 1].start() if number + 1 < len(labels) else len(line)
            value_text = _LEADING_SEPARATOR_RE.sub(" ", line[match.end():end])
            value_text = _COMMENTARY_CUT_RE.split(value_text, maxsplit=1)[0]
            value_text = _SENTENCE_AFTER_VALUE_RE.split(_INLINE_ITEM_RE.sub(" ", value_text), maxsplit=1)[0]
            chain = _arrow_chain(line[match.end():end]) if kind in ("side", "entry", "tp") else None
            if chain and kind in ("tp", "entry"):
                _store(levels, kind, chain)  # "Profit targets: 5.35 → 5.50 → 5.70", "Entry: 0.49 ➡️ 0.47"
                if kind == "entry" and _MARKET_ENTRY_RE.search(match.group(0) + " " + value_text):
                    levels.entry_at_market = True  # "Entry: Market → 0.445 → 0.43"
                if kind == "tp" and _SELL_LABEL_RE.match(match.group(0)):
                    levels.sold.extend(chain)  # "SHORT … Sell: 0.49 ➡️ 0.50": maybe where a short enters
                continue
            if chain:
                levels.labelled_sides.append(match.group("side").lower())
                _store_chain(levels, chain, _side_of(match.group("side")), text)
                continue
            if kind == "side":
                values = _side_entry_values(value_text)
                if not values:
                    levels.leftovers.extend(_prices(value_text))  # "Buying #NEAR on this dip around 5.10"
                side = _side_of(match.group("side"))
                if values and levels.labelled_sides and _side_of(levels.labelled_sides[0]) != side:
                    _store(levels, "tp", values)  # "buy 1.2 … sell 1.4 1.6": the closing side lists the targets
                elif values and match.group("side").lower() in ("sell", "selling") and not levels.labelled_sides \
                        and levels.entries and min(values) > max(levels.entries):
                    # "Buy at: 0.71 … Sell at: 0.75 / 0.78": selling above the entry takes profit ("short 0.56"
                    # above a short's first entry adds to it).
                    _store(levels, "tp", values)
                elif values:
                    levels.labelled_sides.append(match.group("side").lower())
                    _store(levels, "entry", values)
                    lead = value_text[:NUMBER_RE.search(value_text).start()] if NUMBER_RE.search(value_text) else ""
                    if _SIDE_MARKET_ENTRY_RE.search(lead) or _OR_MARKET_AFTER_RE.search(value_text) \
                            or _MARKET_BEFORE_RE.search(line[:match.start()]):  # "Market buy 0.452"
                        levels.entry_at_market = True
                elif _SIDE_AT_MARKET_RE.match(value_text) or _MARKET_BEFORE_RE.search(line[:match.start()]):
                    levels.labelled_sides.append(match.group("side").lower())
                    levels.entry_at_market = True  # "Buy QWIX at market", "Long now"
                    at_market = _SIDE_AT_MARKET_RE.match(value_text)
                    further = _FURTHER_ENTRY_RE.match(value_text, at_market.end()) if at_market else None
                    if further:
                        _store(levels, "entry", _prices(further.group("value")))  # "Buy now or wait for 590"
                elif number + 1 == len(labels) and not levels.entries and not _ALNUM_RE.search(value_text):
                    # "$WIF LONG" over a bare "2.15 - 2.20" line: the side heads its entries.
                    section.open("entry", bare=True)
                elif _COIN_ONLY_RE.match(value_text):
                    # "Buy #XRP" heading the post: its direction, so that a later "Sell 2.40 / 2.60" lists targets.
                    levels.labelled_sides.append(match.group("side").lower())
                continue
            entry_side = _SIDE_WORD_RE.search(match.group(0)) if kind == "entry" else None
            if entry_side and not levels.labelled_sides:
                levels.labelled_sides.append(entry_side.group(1).lower())  # "Buy zone 1.2" states the side too
            if kind == "entry" and (_MARKET_ENTRY_RE.search(match.group(0)) or _MARKET_ENTRY_RE.search(value_text)
                                    or _MARKET_TAIL_RE.search(line[match.end():end])):
                levels.entry_at_market = True
            values = _prices(value_text)
            percents = _percents(value_text)
            if values:
                _store(levels, kind, values, index=_label_index(match))
                if kind == "tp" and _SELL_LABEL_RE.match(match.group(0)):
                    levels.sold.extend(values)
            elif percents:
                _store_percents(levels, kind, percents)
            elif number + 1 == len(labels) and _is_header(line, match, value_text):
                section.open(kind)
            elif number + 1 == len(labels) and kind != "side" and not _ALNUM_RE.search(value_text):
                # "… Entry 2.185 Targets" over "1) 2.150": a line that ends on a label heads the next lines,
                # which must be plain levels.
                section.open(kind, bare=True)
            elif number + 1 == len(labels) and kind == "entry" and _MARKET_LINE_RE.match(value_text) \
                    and _labels_targets(text):
                # "Entry: Market" over a bare "0.43": the market, then a limit level (bare figures are the targets
                # only in a post that does not label its own).
                section.open(kind, bare=True)
    return levels


class _Section:
    """A header line ("Take Profits:", "── STOP LOSS ──") whose values follow on the next lines."""

    def __init__(self) -> None:
        self.kind: str | None = None
        self.filled = False
        self.numbered = False
        self.bare = False
        self.gap = False

    def open(self, kind: str, *, bare: bool = False) -> None:
        # A bare section (not opened by a label) takes only lines of levels, never prose with figures in it.
        self.kind, self.filled, self.numbered, self.bare, self.gap = kind, False, False, bare, False

    def close(self) -> None:
        self.kind = None

    def feed(self, line: str, levels: _Levels) -> None:
        if self.kind is None:
            return
        if not line.strip():
            self.gap = self.filled  # spaced-out lists go on; after a gap only plain levels belong
            return
        candle = _CANDLE_CLOSE_RE.search(line)
        if candle:
            # "1H candle close under 300" after a list of targets is the stop, not another target.
            if _DIGIT_RE.search(line[:candle.start()]):
                self.feed(line[:candle.start()], levels)
            self.close()
            return
        if (self.bare or self.gap) and _WORDY_RE.search(line):
            self.close()
            return
        item = _LIST_ITEM_RE.match(line)
        if self.filled and self.numbered and not item:
            self.close()  # a numbered list ended; a stray figure after it is not a target
            return
        body = line[item.end():] if item else line
        values = _prices(body) if "=" not in line else []
        if not values and self.kind == "entry" and _MARKET_LINE_RE.match(body):
            levels.entry_at_market = True  # "Entry:" over "1) CMP", "2) 0.43": the market is one of the entries
            self.numbered = self.numbered or (item is not None and not self.filled)
            self.filled = True
            return
        if not values:
            self.close()
            return
        self.numbered = self.numbered or (item is not None and not self.filled)
        _store(levels, self.kind, values if self.kind != "sl" else values[:1],
               index=int(item.group("index")) if item else None)
        self.filled = True
        if self.kind == "sl":
            self.close()


def _is_header(line: str, match: re.Match[str], value_text: str) -> bool:
    """A label alone on its line, at most after decoration or a side word ("Short Entry:")."""
    before = _SIDE_WORD_RE.sub(" ", line[:match.start()])
    return not re.search(r"[A-Za-z0-9]", before) and not re.search(r"[A-Za-z0-9]", value_text)


def _label_index(match: re.Match[str]) -> int | None:
    for name in ("tp_index", "tp_index_spaced", "t_index"):
        if match.group(name):
            return int(match.group(name))
    return None


# Words between a side and its entry price: "short BNB here around 598", "Buy #ATOM between 7.80",
# "Short $ETH at $3.1k", "Buy @ CMP 0.512".
_SIDE_VALUE_LEAD_RE = re.compile(
    r"^\s*(?:[:@\-]|[^\w\s.$,]|\b[A-Z][A-Za-z0-9]{1,14}(?:/[A-Z]{3,5})?\b|[#$]\s?[A-Za-z][A-Za-z0-9]{0,14}(?:/[A-Za-z]{3,5})?\b"
    r"|\b(?i:limit|at|around|from|zone|now|here|again|position|between|below|above|under|over|near|in|on|the|and|or|"
    r"range|area|entry|cmp|market|price|current|opened|open|placed|set|order|spot)\b|\s)*")
# "Long BTC now", "Long from current levels", "short по #ADA now" (a preposition of another language before the coin), "Buy at CMP and add
# more at 0.50" (a connector to a further entry may follow; other words make it prose: "now the market turns").
_SIDE_AT_MARKET_RE = re.compile(r"^\s*(?:[^\W\d_]{1,3}\s+(?=[#$]))?(?:[#$]?[A-Za-z][A-Za-z0-9]{0,14}(?:/[A-Za-z]{3,5})?\s+)?(?:(?:now|here)\s+)?(?:at\s+|from\s+|@\s*)?"
                                r"(?:cmp|market(?:\s+price)?|now|immediately|asap|(?:the\s+)?current\s+(?:price|levels?))\b"
                                r"(?!\s+(?!(?:and|or|then|plus)\b)(?-i:[a-z])|\s*\?)",
                                re.IGNORECASE)
# After "now"/"at market", a connector to a further level: "… or wait for 590", "… and 0.50".
_FURTHER_ENTRY_RE = re.compile(r"\s*,?\s*(?:(?:or|and|then|plus)\b|[&/])[^\d\n.$]{0,25}?(?P<value>\$?\.?\d[^\n]*)$", re.IGNORECASE)
_COIN_ONLY_RE = re.compile(r"^\s*[#$]?[A-Za-z][A-Za-z0-9]{1,14}(?:/[A-Za-z]{3,5})?[^\w\n]*$")
_MARKET_BEFORE_RE = re.compile(r"\bmarket\s*$", re.IGNORECASE)  # "Market buy", "MARKET LONG"
# "Buy now: 1.84", "Long at current 1.23", "Short @ CMP 0.56": the side's price is where the market is.
_SIDE_MARKET_ENTRY_RE = re.compile(r"\b(?:cmp|market(?:\s+price)?|current(?:\s+(?:market\s+)?price)?|now|immediately|asap|instant)\b",
                                   re.IGNORECASE)
# "Buy above 0.415 or CMP", "Long 0.52 / market": the market offered beside the level, after it.
_OR_MARKET_AFTER_RE = re.compile(r"\d\s*(?:,\s*)?(?:\b(?:or|and|или|либо|o|ou|oder|veya|atau)\b|/|\|)\s*(?:at\s+)?"
                                 r"(?:cmp|market(?:\s+price)?|current\s+price)\b", re.IGNORECASE)
_STARTS_WITH_NUMBER_RE = re.compile(r"\$?\.?\d")
_AMOUNT_OF_COIN_RE = re.compile(r"\$?[\d.,]+[kKmM]?\s+(?!and\b|to\b|or\b)[A-Za-z]{2,}")


_PRICE_LINE_RE = re.compile(r"(?m)^[^\w\n]*(?:entry\s+|buy\s+|open\s+)?price\s*[:\-=]\s*(?P<value>[^\n]*)", re.IGNORECASE)


_ARROW_CHAIN_RE = re.compile("^[^\\d\\n]*?(?<![\\d.])\\$?\\d[\\d.,]*\\$?\\s*(?:→|->|=>|\u27a1\ufe0f?)\\s*\\$?\\d")
_ARROW_RE = re.compile("→|->|=>|\u27a1\ufe0f?")


def _arrow_chain(text: str) -> list[Decimal]:
    """The levels of "5.12 → 5.35 → 5.50" (an entry, then targets), or [] when the text is no such chain."""
    if not _ARROW_CHAIN_RE.match(text):
        return []
    values = _prices(_ARROW_RE.sub(" ", text))
    steps = [later - earlier for earlier, later in zip(values, values[1:])]
    # Levels of one trade sit close together and run one way; "117,500 → 2,000 points" is commentary.
    near = all(values[0] / 2 < value < values[0] * 2 for value in values)
    one_way = all(step > 0 for step in steps) or all(step < 0 for step in steps)
    return values if len(values) >= 2 and near and one_way else []


def _labels_targets(text: str) -> bool:
    return any(match.group("tp") for match in _LABEL_RE.finditer(text))


def _store_chain(levels: _Levels, chain: list[Decimal], side: str | None, text: str) -> None:
    """An unlabelled chain ("Long 5.12 ➡️ 5.35 ➡️ 5.50") is the entry, then the targets it runs to; but one running
    the losing way of its side ("Long 0.49 → 0.47") or in a post that labels its targets elsewhere lists entries."""
    runs_against = side is not None and (chain[-1] < chain[0] if side == "buy" else chain[-1] > chain[0])
    if runs_against or _labels_targets(text):
        _store(levels, "entry", chain)
        return
    _store(levels, "entry", chain[:1])
    _store(levels, "tp", chain[1:])


def _price_line_entry(text: str) -> list[Decimal]:
    """A post with targets but no entry label: its "Price: …" line is where it enters."""
    match = _PRICE_LINE_RE.search(text)
    return _prices(match.group("value"))[:2] if match else []


def _side_entry_values(value_text: str) -> list[Decimal]:
    """Prices right after a side word ("short 41.2-41.8", "LONG : 1.38", "short limit 0.5645")."""
    stripped = _SIDE_VALUE_LEAD_RE.sub("", value_text)
    if not _STARTS_WITH_NUMBER_RE.match(stripped) or _AMOUNT_OF_COIN_RE.match(stripped):
        return []  # "buy 3 sol at 145": a quantity, not an entry
    return _prices(stripped)


def _store(levels: _Levels, kind: str, values: list[Decimal], *, index: int | None = None) -> None:
    if kind == "entry":
        levels.entries.extend(values)
    elif kind == "tp":
        # A recap ("TP1: 117,500 -> 1:1") repeats a known target under a known or no index.
        repeated_label = index is None or index in levels.tp_indexes
        if repeated_label and levels.take_profits and all(value in levels.take_profits for value in values):
            return
        if index is not None:
            levels.tp_indexes.add(index)
        levels.take_profits.extend(values)
    elif kind == "sl" and levels.stop_loss is None:
        levels.stop_loss = values[0]


def _store_percents(levels: _Levels, kind: str, percents: list[Decimal]) -> None:
    if kind == "sl" and levels.stop_loss_percent is None:
        levels.stop_loss_percent = percents[0]
    elif kind == "tp":
        levels.take_profit_percents.extend(percents)


# Percentages, list indexes, leverage (and a leverage range's low end, "20-40x"), R multiples, durations and
# ratios are not price levels. "SL 3035 x25": a level, then the leverage after a space.
_NOT_A_PRICE_AFTER_RE = re.compile(r"\s?[x×]\b|[x×]\d|\s*(?:%|\)|R\b(?!:)|h\b|hrs?\b|hours?\b|m\b|min|days?\b|d\b|w\b|:\s*\d|/\d)",
                                   re.IGNORECASE)
# "20-40x": the low end of a leverage range, which only a whole number a leverage can be ("SL 3185 - 20x" is a stop).
_LEVERAGE_RANGE_AFTER_RE = re.compile(r"\s*[-–~]\s*\d{1,3}\s?[x×](?![^\W\d_])", re.IGNORECASE)
_LEVERAGE_LOW_END_RE = re.compile(r"\d{1,3}")
_NOT_A_PRICE_BEFORE_RE = re.compile(r"(?:\d\s*:\s*|\d/|[x×]|#|[A-Za-z])$")
_ALNUM_RE = re.compile(r"[^\W_]")
_WORDY_RE = re.compile(r"[^\W\d_]{3,}")
# Tickers and pairs are not prose: "QWIX/USDT 0.52" is a bare figure line.
_WORD_TICKER_RE = re.compile(r"[#$]?\b[A-Z][A-Z0-9]{1,14}(?:/[A-Z]{3,5})?\b")
# "7/10" is a rating; "152/156", "0.52/0.55" and "60/61.17" list levels (three digits or a decimal beside the slash).
_LIST_SLASH_RE = re.compile(r"(?:(?<=\d{3})|(?<=\.\d)|(?<=\.\d{2})|(?<=\.\d{3})|(?<=\.\d{4}))/(?=\.?\d)|(?<=\d)/(?=\d+\.\d)")
# "1.30,1.35,1.42": a comma after a number that already has its decimal point separates the next level.
_DECIMALS_COMMA_RE = re.compile(r"(\d\.\d+\$?),(?=\$?\d)")
_PERCENT_RE = re.compile(r"(\d+(?:[.,]\d+)?)\s*%")


def _prices(value_text: str) -> list[Decimal]:
    """Price levels in a label's value text, skipping percentages, ratios, leverage and times."""
    values = []
    value_text = _DECIMALS_COMMA_RE.sub(r"\1, ", _LIST_SLASH_RE.sub(" / ", value_text))
    for match in NUMBER_RE.finditer(value_text):
        after = value_text[match.end():]
        before = value_text[:match.start()]
        if _NOT_A_PRICE_AFTER_RE.match(after) or _NOT_A_PRICE_BEFORE_RE.search(before):
            continue
        if _LEVERAGE_RANGE_AFTER_RE.match(after) and _LEVERAGE_LOW_END_RE.fullmatch(match.group(0)) \
                and 0 < int(match.group(0)) <= 200:
            continue
        value = number_from_match(match)
        if value is not None and value > 0:
            values.append(value)
    return values


def _percents(value_text: str) -> list[Decimal]:
    return [Decimal(m.group(1).replace(",", ".")) for m in _PERCENT_RE.finditer(value_text)]


def _post_side(text: str, levels: _Levels) -> str | None:
    explicit = _explicit_side(text, levels)
    from_prices = _side_from_prices(levels)
    if explicit and explicit[1] >= 3:
        return explicit[0]
    return from_prices or (explicit[0] if explicit else None)


def _explicit_side(text: str, levels: _Levels) -> tuple[str, int] | None:
    """The side the post states, with a strength: 10 for "Direction: X", 3 for the title or an
    entry line, 1 for a mention in passing."""
    direction = _DIRECTION_RE.search(text)
    if direction:
        return _side_of(direction.group(1)), 10
    if levels.labelled_sides:
        return _side_of(levels.labelled_sides[0]), 3
    scores: dict[str, int] = {}
    lines = [line for line in text.splitlines() if line.strip()]
    for number, line in enumerate(lines):
        cleaned = _NOT_A_SIDE_RE.sub(" ", line)
        for match in _SIDE_WORD_RE.finditer(cleaned):
            weight = 3 if number == 0 or _TRADE_LINE_RE.search(cleaned) else 1
            side = _side_of(match.group(1))
            scores[side] = scores.get(side, 0) + weight
    if not scores:
        return None
    side = max(scores, key=lambda key: scores[key])
    if len(scores) == 2 and scores["buy"] == scores["sell"]:
        return None
    return side, scores[side]


def _side_of(word: str) -> str:
    return "buy" if word.lower() in ("long", "buy", "buying", "longing") else "sell"


def _side_from_prices(levels: _Levels) -> str | None:
    if levels.entries and levels.take_profits:
        first_target = levels.take_profits[0]
        if first_target > max(levels.entries):
            return "buy"
        if first_target < min(levels.entries):
            return "sell"
    if levels.entries and levels.stop_loss is not None:
        if levels.stop_loss < min(levels.entries):
            return "buy"
        if levels.stop_loss > max(levels.entries):
            return "sell"
    if levels.take_profits and levels.stop_loss is not None and not levels.entries:
        # "#BTC breaking out above 65,000 🚀 targets 68k, 70k, SL 63.5k": targets over the stop is a long.
        if min(levels.take_profits) > levels.stop_loss:
            return "buy"
        if max(levels.take_profits) < levels.stop_loss:
            return "sell"
    return None


def _looks_like_sats(levels: _Levels, text: str) -> bool:
    prices = levels.entries + levels.take_profits
    return bool(prices) and max(prices) < Decimal("0.001") and re.search(r"\bBTC\b", text) is not None and \
        re.search(r"\b(?:BTC|XBT)\s*(?:pair|market)|/\s*BTC\b|\bBTC\b\s*$", text) is not None


def _structure_score(levels: _Levels, symbol: str | None) -> float:
    """How much of a signal was found (entry, targets, stop, symbol), 0..1."""
    parts = [bool(levels.entries) or levels.entry_at_market, bool(levels.take_profits or levels.take_profit_percents),
             levels.stop_loss is not None or levels.stop_loss_percent is not None, symbol is not None]
    return sum(parts) / len(parts)


def _confidence(entities: dict[str, Any], structure: float) -> float:
    """Structure found, lowered for each failed consistency check (see ``consistency_problems``)."""
    confidence = 0.55 + 0.4 * structure
    confidence -= 0.2 * len(consistency_problems(entities))
    return max(0.05, min(0.97, confidence))
