"""The traded pair of a channel post: explicit pairs, $/# tickers, label-named coins ("Coin Name->",
"Instrument:"), known names, and unknown tickers the post's layout singles out (beside the side word,
alone on a line, opening the post). Exchange names are never the coin; satoshi prices quote BTC."""

from __future__ import annotations

import re

from nlp.lexicon import english_words
from nlp.symbols import DEFAULT_QUOTE, QUOTES, SymbolUniverse
from nlp.venues import exchange_id

_SATS_RE = re.compile(r"\b(?:sats?|satoshis?)\b", re.IGNORECASE)
_SPACED_PAIR_RE = re.compile(r"[#$]?\b([A-Za-z0-9]{2,15})\s*/\s*(USDT|USDC|USD|BTC|ETH|BUSD|FDUSD)\b", re.IGNORECASE)
# "Render (RNDR)", "Solana ($SOL )": the ticker the post itself gives for a name.
_NAME_WITH_TICKER_RE = re.compile(r"\b([A-Za-z]{3,20})\s*\(\s*\$?([A-Z0-9]{2,10})\s*\)")
# "Coin Name-> ZETA", "Instrument: NEARUSDT", "Pair - ONDO/USDT": a label that names the traded coin.
_SYMBOL_LABEL_RE = re.compile(
    r"\b(?:coin(?:\s+name)?|pair|symbol|instrument|asset|ticker|token|contract)\s*[:\-=>→|]+\s*[#$]?"
    r"([A-Za-z0-9]{2,15}(?:\s*[/_\-]\s*[A-Za-z]{3,5})?(?:\.P)?)\b", re.IGNORECASE)
# An unknown ticker the side word stands next to: "ZORKA LONG", "Short ZORKA".
_SIDE_TICKER_RE = re.compile(r"(?<![\w$#/.])([A-Z][A-Z0-9]{1,11})[ \t]+(?i:long|short|buy|sell|buying|selling|longing|shorting)\b"
                             r"|\b(?i:long|short|buy|sell|buying|selling|longing|shorting)[ \t]*[:\-]?[ \t]+(?:(?i:on|in)[ \t]+)?([A-Z][A-Z0-9]{1,11})\b"
                             r"(?![/.\w])")
# A line holding nothing but a ticker-shaped word (and decoration): "QWIX 🎯".
_TICKER_LINE_RE = re.compile(r"(?m)^[^\w\n]*([A-Z][A-Z0-9]{1,11})[^\w\n]*$")
_MARKED_TICKER_RE = re.compile(r"(?<![\w$#])[$#]\s?((?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]{1,15}(?:[/_\-][A-Za-z]{2,6})?)\b")
_WORD_RE = re.compile(r"(?<![\w$#/])([A-Za-z0-9]{1,20}(?:[/_\-][A-Za-z0-9]{2,6})?(?:\.P)?)(?![\w/])")
# Upper-case words that start posts but are never tickers.
# Plain (unmarked) words name the coin near the top of a post; deeper prose mentions other coins.
_SYMBOL_SCAN_CHARS = 600
_POST_JARGON = frozenset({
    "SIGNAL", "SIGNALS", "LONG", "SHORT", "BUY", "SELL", "ENTRY", "TP", "SL", "TARGET", "TARGETS", "STOP", "LOSS",
    "VIP", "FREE", "NEW", "UPDATE", "ALERT", "PAIR", "COIN", "DIRECTION", "LEVERAGE", "CROSS", "ISOLATED", "ID",
    "HIT", "CLOSE", "CLOSED", "CANCEL", "CANCELLED", "FULL", "SPOT", "FUTURES", "PROFIT", "RISK", "ORDER", "LIMIT",
    "MARKET", "NOW", "DCA", "USDT", "USD", "REPORT", "TRADE", "SETUP", "NFA", "DYOR", "CMP",
    "ZONE", "TRADING", "PUMP", "DUMP", "BREAKOUT", "SCALP", "SWING", "EXCHANGE", "MID", "TERM", "HIGH", "LOW",
    "PRICE", "POSITION", "IDEA", "CALL", "I", "A", "AN", "THE", "WE", "OK", "RUNNING", "DONE", "ALL", "AND", "OR", "AT", "TO", "IN", "ON",
})
# A label with its index ("TP2", "SL1", "T3", "E1") is never the coin.
_INDEXED_LABEL_RE = re.compile(r"(?:TP|SL|TG|T|E|DCA)\d{1,2}", re.IGNORECASE)


def _is_jargon(word: str) -> bool:
    return word.upper() in _POST_JARGON or _INDEXED_LABEL_RE.fullmatch(word) is not None



def find_post_symbol(text: str, universe: SymbolUniverse, *, allow_unknown_leading: bool = True) -> str | None:
    """The traded pair of a post: explicit pairs first, then $/# tickers, known names, and
    finally an unknown capitalised word opening the post ("PNUT short entry …")."""
    symbol = _find_post_symbol(text, universe, allow_unknown_leading)
    return _known_base_split(symbol, text, universe) if symbol else None


def _known_base_split(symbol: str, text: str, universe: SymbolUniverse) -> str:
    """A run-together pair split where its base is a known coin: "ARBUSD" is ARB/USD, not AR/BUSD;
    "FETUSD" FET/USD, not FE/TUSD (the shortest base is tried first when the pair is resolved)."""
    base, quote = symbol.split("/")
    if not re.search(rf"(?<![A-Za-z0-9]){re.escape(base + quote)}", text, re.IGNORECASE):
        return symbol  # written with a separator: the split is the post's own
    for cut in range(1, len(quote)):
        longer, rest = base + quote[:cut], quote[cut:]
        if rest in QUOTES and universe.is_known(longer) and (not universe.is_known(base) or len(rest) >= 3):
            return f"{longer}/{rest}"
    return symbol


def _find_post_symbol(text: str, universe: SymbolUniverse, allow_unknown_leading: bool) -> str | None:
    quote_hint = _quote_hint(text)
    named = _NAME_WITH_TICKER_RE.search(text)
    if named and universe.name_to_base(named.group(1)):
        return _apply_quote_hint(f"{named.group(2).upper()}/{DEFAULT_QUOTE}", quote_hint)
    labelled = _SYMBOL_LABEL_RE.search(text)
    if labelled and not _names_venue(labelled.group(1), universe) and not _is_jargon(labelled.group(1)):
        symbol = universe.resolve(labelled.group(1), explicit=True)
        if symbol:
            return _apply_quote_hint(symbol, quote_hint)
    for match in _SPACED_PAIR_RE.finditer(text):
        symbol = universe.resolve_pair(f"{match.group(1)}/{match.group(2)}", explicit=True)
        if symbol and not match.group(1).isdigit() and not _names_venue(match.group(1), universe):
            return symbol
    # "Close QWIX", "Closing dot at entry": right after the closing verb, a coin's name in any case is the coin.
    after_verb = _AFTER_CLOSING_VERB_RE.match(text)
    if after_verb:
        word = after_verb.group(1)
        if (universe.is_known(word) or (allow_unknown_leading and word.isupper())) and not _is_jargon(word) \
                and not _names_venue(word, universe):
            return _apply_quote_hint(f"{word.upper()}/{DEFAULT_QUOTE}", quote_hint)
    candidates: list[tuple[int, str]] = []
    for match in _MARKED_TICKER_RE.finditer(text):
        symbol = universe.resolve(match.group(1), explicit=True)
        base = match.group(1).upper()
        coin = base.split("/")[0]
        if _MONEY_RE.fullmatch(coin):
            continue  # "$241M", "$3.5B": an amount of money, not a ticker
        if symbol and not _names_venue(coin, universe) and (universe.is_known(coin) or universe.resolve_pair(base, explicit=True)
                       or (not _is_jargon(base) and not base.startswith("ID") and len(base) <= 12)):
            candidates.append((match.start(), symbol))
    in_passing: tuple[int, str] | None = None
    for match in _WORD_RE.finditer(text, 0, _SYMBOL_SCAN_CHARS):
        word = match.group(1)
        if _is_jargon(word) or _names_venue(re.split(r"[/_\-]", word)[0], universe):
            continue
        symbol = _word_symbol(word, universe)
        if symbol and _in_prose(text, match.start()):
            in_passing = in_passing or (match.start(), symbol)  # named in passing in prose: the last resort
        elif symbol:
            candidates.append((match.start(), symbol))
            break
    if in_passing and not candidates and not _unknown_pair_line(text):
        candidates.append(in_passing)
    side_ticker = _side_ticker(text, universe) if allow_unknown_leading else None
    if side_ticker and (not candidates or side_ticker[0] < min(candidates)[0]):
        # "ZORKA SHORT SIGNAL" above prose naming Bitcoin: the coin beside the side word comes first.
        return _apply_quote_hint(side_ticker[1], quote_hint)
    if candidates:
        # A $/# ticker and a plain word both found: a concatenated pair carries the quote.
        symbol = min(candidates)[1]
        base = symbol.split("/")[0]
        same_base_pairs = [s for _, s in sorted(candidates) if s.split("/")[0] == base and not s.endswith(f"/{DEFAULT_QUOTE}")]
        chosen = same_base_pairs[0] if same_base_pairs else symbol
        return _apply_quote_hint(chosen, quote_hint)
    if allow_unknown_leading:
        alone = _TICKER_LINE_RE.search(text, 0, _SYMBOL_SCAN_CHARS)
        if alone and not _is_jargon(alone.group(1)) and not _names_venue(alone.group(1), universe):
            return _apply_quote_hint(f"{alone.group(1)}/{DEFAULT_QUOTE}", quote_hint)
        # "QWIX short closed", and after a reported action: "Cancelled QWIX", "Closed half of QWIX".
        leading = re.match(r"^\W*(?:(?i:closed|closing|cancell?ed|stopped\s+out|exited)\s+(?i:half\s+of\s+)?)?"
                           r"([A-Z][A-Z0-9]{1,11})\b", text)
        if leading and not _is_jargon(leading.group(1)) and not _names_venue(leading.group(1), universe):
            return _apply_quote_hint(f"{leading.group(1)}/{DEFAULT_QUOTE}", quote_hint)

    return None


_AFTER_CLOSING_VERB_RE = re.compile(r"^\W*(?i:close|closed|closing|cancel|cancell?ed|cancell?ing|exit|exited|exiting)\s+"
                                    r"(?i:half\s+of\s+|all\s+)?[#$]?([A-Za-z][A-Za-z0-9]{1,11})\b")


_PROSE_WORDS = 6
# A known ticker written in lower case at least this long and found in the dictionary is the word ("looks", "magic").
_LONG_WORD = 5
_MONEY_RE = re.compile(r"\d+(?:[.,]\d+)?[KMBT]N?", re.IGNORECASE)
# A line opening with an unknown coin's pair or ticker and a side: "ZORKAUSDT.P SHORT", "NEWCOIN LONG".
_UNKNOWN_PAIR_LINE_RE = re.compile(r"(?m)^[^\w\n]*([A-Z][A-Z0-9]{1,14})(?:[/_\-]?(?:USDT|USDC|USD|BTC)(?:\.P)?)?\s+(?i:long|short)\b")


def _unknown_pair_line(text: str) -> bool:
    return _UNKNOWN_PAIR_LINE_RE.search(text, 0, _SYMBOL_SCAN_CHARS) is not None


def _in_prose(text: str, position: int) -> bool:
    """Whether ``position`` sits in a line of prose (many words), not a title or a label line."""
    start = text.rfind("\n", 0, position) + 1
    end = text.find("\n", position)
    return len(re.findall(r"[^\W\d_]{2,}", text[start:end if end >= 0 else len(text)])) >= _PROSE_WORDS


def _side_ticker(text: str, universe: SymbolUniverse) -> tuple[int, str] | None:
    """The first ticker-shaped word a side word stands next to ("ZORKA LONG", "Short ZORKA"), with its position."""
    for match in _SIDE_TICKER_RE.finditer(text, 0, _SYMBOL_SCAN_CHARS):
        word = match.group(1) or match.group(2)
        if not _is_jargon(word) and not _names_venue(word, universe) and not word.isdigit():
            return match.start(1) if match.group(1) else match.start(2), universe.resolve(word, explicit=True) or \
                f"{word}/{DEFAULT_QUOTE}"
    return None


def _names_venue(base: str, universe: SymbolUniverse) -> bool:
    """An exchange's name ("#BINANCE", "BYBIT/USDT") is never the traded coin, unless a coin of that name is known."""
    return exchange_id(base) is not None and not universe.is_known(base)


def _word_symbol(word: str, universe: SymbolUniverse) -> str | None:
    if word.islower() or word.istitle():
        # Lower/title case: only names ("Solana") and unambiguous tickers ("btc", "Xlm").
        named = universe.name_to_base(word)
        if named:
            return f"{named}/{DEFAULT_QUOTE}"
        if universe.is_known(word) and not universe.is_ambiguous(word) and not universe.is_word_ticker(word) \
                and not (len(word) >= _LONG_WORD and word.lower() in english_words()):
            return universe.resolve(word)  # "sol" is the coin; "looks" in "market looks heavy" is a word
        return None
    if not re.search(r"[A-Z]", word):
        return None
    return universe.resolve(word, explicit=False) if not universe.is_word_ticker(word.split("/")[0]) else \
        universe.resolve_pair(word, explicit=True)


def _quote_hint(text: str) -> str | None:
    return "BTC" if _SATS_RE.search(text) else None


def _apply_quote_hint(symbol: str, quote_hint: str | None) -> str:
    base, quote = symbol.split("/")
    if quote_hint and quote == DEFAULT_QUOTE and base != quote_hint:
        return f"{base}/{quote_hint}"
    return symbol


def marked_post_symbols(text: str, universe: SymbolUniverse) -> list[str]:
    """The coins a post marks with # or $, in order and once each ("Closed #ETH and #SOL"); venues
    and channel words are not coins."""
    found: list[str] = []
    for match in _MARKED_TICKER_RE.finditer(text):
        token = match.group(1)
        known = universe.is_known(re.split(r"[/_\-]", token)[0].upper())
        if _is_jargon(token) or (exchange_id(token.split("/")[0]) and not known):
            continue  # "#BINANCE" is the venue ("#DYDX" a coin first)
        # Known coins, or tickers written in capitals ("#QWIX"; "#crypto" is a tag).
        symbol = universe.resolve(token, explicit=True) if known or token.isupper() else None
        if symbol and symbol not in found:
            found.append(symbol)
    return found

