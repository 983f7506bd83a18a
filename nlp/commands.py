"""Entities of a typed command, read from the pipeline's mentions and their neighbours.

Each number gets a role from the words just before or after it ("at 3100" is a price, "stop 128"
a stop, "0.5 eth" an amount, "$200" a quote amount, "25%" a percentage of something). The intent
then decides which roles become which contract entities, and only the entities that make sense
for that intent are returned.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from nlp.pipeline import Mention
from nlp.symbols import DEFAULT_QUOTE, QUOTES

# Words skipped when looking left of a number for its label ("stop at 128", "tp: 36").
_FILLERS = frozenset({"at", "@", ":", "to", "is", "=", "around", "near", "~", "the", "-", "of", "on", "a", "my", "price", "(",
                      "level", "it", "if", "for", "be", "in", "from", "with"})
# "buy btc if it drops to 60k", "sell when it reaches 72k": the level is the order's price.
_PRICE_WORDS = frozenset({"at", "@", "price", "around", "near", "from", "entry", "for", "@:", "reaches", "hits", "touches",
                          "to"})
_MONEY_AFTER = frozenset({"usd", "usdt", "usdc", "bucks", "dollars", "dollar", "$", "busd", "fdusd", "dai", "eur"})
_POSITION_SIDE_WORDS = frozenset({"long", "short", "longs", "shorts", "longing", "shorting", "go long", "go short"})
_SPEND_RE = re.compile(r"^(?:please\s+)?(?:spend|invest|put|throw|allocate|deploy|swap|get\s+(?:me\s+)?\$?\d[\d.,]*[km]?)\b|"
                       r"^\$?\d[\d.,]*[km]?\s*\$?\s*(?:usd\w*|dollars|bucks)?\s+(?:into|in)\b")
# "what if i put $1000 in eth", "should i ape 500 into pepe": money going into a coin is a buy.
_INTO_COIN_RE = re.compile(r"\b(?:put|throw|ape|invest|spend|dump|yolo)\b.{0,25}\b(?:into|in|on)\b")
_CLOSE_FRACTIONS = {"half": Decimal(50), "quarter": Decimal(25), "third": Decimal("33.33"), "all": None}
# Spoken or written shares of a balance ("a quarter of my usdt", "1/2 my usdt").
_BALANCE_FRACTION_RE = re.compile(
    r"\b(?:(?P<word>half|a\s+quarter|a\s+third)|(?P<num>[1-9])\s*/\s*(?P<den>[2-9]|10))\s+(?:of\s+)?(?:my|the|your|all)\b")
# Verbs that take an id as their object when nothing else follows ("cancel 48812", "kill 12345678").
_ID_VERBS = frozenset({"cancel", "kill", "remove", "delete", "drop", "scrap", "pull"})
_WORD_FRACTIONS = {"half": Decimal(50), "a quarter": Decimal(25), "a third": Decimal("33.33")}
# A conditional order: "sell 0.5 btc if it drops to 58k" (a sell when the price falls is a stop),
# "buy if it breaks 70k" (a buy when it rises is a stop too); the opposite directions rest as limits.
_CONDITION_RE = re.compile(
    r"\b(?:if|when|once|as\s+soon\s+as)\s+(?:it|price|the\s+price|\w+)\s+(?:(?P<down>drops|falls|dips|dumps|goes\s+down|"
    r"breaks\s+(?:below|under)|loses|sinks|crashes)|(?P<up>rises|pumps|goes\s+up|breaks(?:\s+(?:above|over))?|climbs|"
    r"gets\s+above|goes\s+(?:above|over)))\b")
# "stop loss sell 1 eth at 2900", "place a stop order to sell …", "stop-market buy": the price is a trigger.
_STOP_ORDER_RE = re.compile(r"\bstop(?:[\s-]?loss)?[\s-](?:market\s+)?(?:order|sell|buy)\b|\bstop[\s-]market\b")

ALLOWED: dict[str, frozenset[str]] = {
    "place_order": frozenset({"symbol", "side", "amount", "quote_amount", "percent_of_balance", "order_type", "price",
                              "stop_price", "trailing_percent", "leverage", "margin_mode", "exchange", "market_type",
                              "stop_loss", "take_profits"}),
    "cancel_order": frozenset({"order_id", "symbol", "exchange"}),
    "close_position": frozenset({"symbol", "side", "close_percent", "exchange"}),
    "modify_order": frozenset({"symbol", "order_id", "stop_loss", "take_profits", "price", "to_breakeven", "exchange",
                               "trailing_percent"}),
    "evaluate_trade": frozenset({"symbol", "side", "target_price", "stop_loss", "take_profits", "leverage", "amount",
                                 "quote_amount"}),
    "price": frozenset({"symbol", "symbols", "exchange", "period"}),
    "market_overview": frozenset({"symbols", "exchange", "period"}),
    "create_alert": frozenset({"symbol", "condition", "target_price", "percent_change", "window", "exchange",
                               "indicators", "timeframe", "indicator_period"}),
    "list_alerts": frozenset({"symbol"}),
    "delete_alert": frozenset({"symbol", "alert_id"}),
    "indicators": frozenset({"symbol", "indicators", "timeframe", "indicator_period", "exchange"}),
    "chart": frozenset({"symbol", "timeframe", "indicators", "exchange"}),
    "levels": frozenset({"symbol", "timeframe", "indicators"}),
    "portfolio": frozenset({"exchange", "market_type"}),
    "balance": frozenset({"asset", "exchange", "market_type"}),
    "positions": frozenset({"symbol", "exchange", "market_type"}),
    "orders": frozenset({"symbol", "exchange"}),
    "pnl": frozenset({"symbol", "period", "exchange"}),
    "history": frozenset({"symbol", "period", "exchange"}),
    "portfolio_risk": frozenset({"symbol", "exchange"}),
    "position_size": frozenset({"symbol", "side", "price", "stop_loss", "risk_percent", "risk_amount", "leverage",
                                "quote_amount"}),
    "trade_risk": frozenset({"symbol", "side", "leverage", "price", "stop_loss"}),
    "recommend": frozenset({"symbol", "symbols", "quote_amount", "period"}),
    "news": frozenset({"symbol", "symbols", "exchange", "period"}),
    "sentiment": frozenset({"symbol", "symbols", "period"}),
    "signal_update": frozenset({"symbol", "to_breakeven", "stop_loss"}),
}
_MULTI_SYMBOL_INTENTS = frozenset({"price", "market_overview", "recommend", "news", "sentiment"})


@dataclass
class _Number:
    mention: Mention
    role: str  # amount, quote_amount, percent, price, stop, tp, trigger, condition, indicator_period, leverage, risk, plain
    value: Decimal
    context: str = ""  # the word that gave a percentage its meaning


class CommandReader:
    """Reads entities for one intent from a tokenised command."""

    def __init__(self, words: Sequence[str], mentions: Sequence[Mention]) -> None:
        self.original_words = list(words)
        self.words = [word.lower() for word in words]
        self.mentions = list(mentions)
        self.by_start = {mention.start: mention for mention in mentions}
        self.covering = {j: mention for mention in reversed(self.mentions) for j in range(mention.start, mention.end)}
        self.numbers = self._number_roles()

    # --- public -------------------------------------------------------------------------------

    def entities(self, intent: str) -> dict[str, Any]:
        found: dict[str, Any] = {}
        self._symbols(found, intent)
        self._keywords(found, intent)
        reader = getattr(self, f"_read_{intent}", None)
        if reader is not None:
            reader(found)
        allowed = ALLOWED.get(intent, frozenset())
        return {name: value for name, value in found.items() if name in allowed and value not in (None, [], "")}

    # --- shared pieces --------------------------------------------------------------------------

    def _symbols(self, found: dict[str, Any], intent: str) -> None:
        symbols: list[str] = []
        for mention in [m for m in self.mentions if m.label == "ASSET"]:
            if mention not in self.mentions:
                continue  # consumed as the quote of the previous coin
            symbol = self._with_named_quote(mention, intent)
            if symbol not in symbols:
                symbols.append(symbol)
        if intent in ("balance",):
            asset = next((m for m in self.mentions if m.label in ("ASSET", "CASH")), None)
            if asset is not None:
                found["asset"] = asset.value.split("/")[0]
            return
        if len(symbols) > 1 and intent in _MULTI_SYMBOL_INTENTS:
            found["symbols"] = symbols
        elif symbols:
            found["symbol"] = symbols[0]

    def _with_named_quote(self, mention: Mention, intent: str) -> str:
        """"ada in btc", "convert 1 btc to usd": a quote currency named after the coin."""
        base, quote = mention.value.split("/")
        linkers = ("in", "against") + (("to", "into") if intent == "price" else ())
        if mention.end + 1 < len(self.words) and self.words[mention.end] in linkers:
            named = self.by_start.get(mention.end + 1)
            if named is not None and named.label in ("ASSET", "CASH"):
                named_base = named.value.split("/")[0]
                if named_base in QUOTES and named_base != base:
                    self.mentions = [m for m in self.mentions if m is not named]
                    return f"{base}/{named_base}"
        return f"{base}/{quote}" if quote else f"{base}/{DEFAULT_QUOTE}"

    def _keywords(self, found: dict[str, Any], intent: str) -> None:
        for mention in self.mentions:
            if mention.label == "EXCHANGE":
                found.setdefault("exchange", mention.value)
            elif mention.label == "MARKET_TYPE":
                found.setdefault("market_type", mention.value)
            elif mention.label == "MARGIN_MODE":
                found.setdefault("margin_mode", mention.value)
            elif mention.label == "TIMEFRAME":
                found.setdefault("timeframe", mention.value)
            elif mention.label == "PERIOD":
                found.setdefault("period", mention.value)
            elif mention.label == "INDICATOR":
                found.setdefault("indicators", [])
                if mention.value not in found["indicators"]:
                    found["indicators"].append(mention.value)
            elif mention.label == "LEVERAGE":
                found.setdefault("leverage", mention.value)
            elif mention.label == "BREAKEVEN":
                found["to_breakeven"] = True
        side = self._side(intent)
        if side:
            found["side"] = side
        for number in self.numbers:
            if number.role == "leverage":
                found.setdefault("leverage", number.value)

    def _side(self, intent: str) -> str | None:
        sides = [m for m in self.mentions if m.label == "SIDE"]
        if intent in ("close_position", "position_size", "trade_risk"):
            # The side of a position: "long"/"short" name it; "how much should I buy" does not.
            sides = [m for m in sides if m.text.lower() in _POSITION_SIDE_WORDS]
        return sides[0].value if sides else None

    def _first(self, *roles: str) -> Decimal | None:
        return next((number.value for number in self.numbers if number.role in roles), None)

    def _all(self, role: str) -> list[Decimal]:
        return [number.value for number in self.numbers if number.role == role]

    def _percent(self, *contexts: str) -> Decimal | None:
        return next((n.value for n in self.numbers if n.role == "percent" and n.context in contexts), None)

    # --- number roles ---------------------------------------------------------------------------

    def _number_roles(self) -> list[_Number]:
        numbers: list[_Number] = []
        previous_role = ""
        for mention in self.mentions:
            if mention.label != "NUMBER":
                continue
            role, context = self._role_of(mention, previous_role)
            numbers.append(_Number(mention, role, mention.value, context))
            previous_role = role
        return numbers

    def _role_of(self, mention: Mention, previous_role: str) -> tuple[str, str]:
        i, words = mention.start, self.words
        after = words[mention.end] if mention.end < len(words) else ""
        before = words[i - 1] if i > 0 else ""
        if after == "%":
            return "percent", self._percent_context(mention)
        nxt = self.by_start.get(mention.end)
        label, label_word = self._label_before(i)
        if label == "INDICATOR":
            return "indicator_period", ""
        if nxt is not None and nxt.label == "ASSET" and not mention.text.startswith("$"):
            return "amount", ""
        if label in ("TP",) or (previous_role == "tp" and before in ("/", ",", "and", "&", "-")):
            return "tp", ""
        if label == "STOP":
            return "stop", label_word
        if label == "TRIGGER":
            return "trigger", ""
        if label == "CONDITION":
            return "condition", ""
        if after and self._label_at(mention.end) == "INDICATOR" and before != "at":
            return "indicator_period", ""
        if before in ("leverage", "lev"):
            return "leverage", ""
        if before in ("risk", "risking") or (after == "risk"):
            return "risk", ""
        money = mention.text.startswith("$") or mention.text.endswith("$") or after in _MONEY_AFTER \
            or (nxt is not None and nxt.label == "CASH")
        if label == "ENTRY" or before in ("at", "@") or label_word in ("at", "@"):
            return "price", ""
        if money and before in ("for", "with", "of", "using", "spend"):
            return "quote_amount", ""  # "buy btc for 100 usdt"
        if before in _PRICE_WORDS:
            return "price", ""
        if label == "ORDER_TYPE" and label_word == "limit":
            return "price", ""
        if after in ("into", "in") and self._label_at(mention.end + 1) == "ASSET" and _INTO_COIN_RE.search(" ".join(words)):
            return "quote_amount", ""  # "ape 1k into pepe", "put 250 in sol": money, not coins
        if money:
            return "quote_amount", ""
        if before in ("order", "id", "#", "no", "number", "alert"):
            return "id", ""
        return "plain", ""

    def _label_before(self, i: int) -> tuple[str, str]:
        """The nearest labelled word left of token ``i``, skipping filler words."""
        j = i - 1
        first_word = ""
        while j >= 0 and i - j <= 4:
            word = self.words[j]
            mention = self._mention_covering(j)
            if mention is not None and mention.label not in ("NUMBER",):
                return mention.label, mention.text.lower()
            if word in ("at", "@") and not first_word:
                first_word = word
            if word not in _FILLERS:
                break
            j -= 1
        return "", first_word

    def _mention_covering(self, j: int) -> Mention | None:
        return self.covering.get(j)

    def _label_at(self, j: int) -> str:
        mention = self.by_start.get(j)
        return mention.label if mention else ""

    def _percent_context(self, mention: Mention) -> str:
        window = " ".join(self.words[max(0, mention.start - 4): mention.end + 6])
        after = " ".join(self.words[mention.end + 1: mention.end + 6])
        if re.search(r"\btrail", window):
            return "trail"
        if re.search(r"\brisk", window):
            return "risk"
        if re.match(r"of\s+(?:my|your|all|the\s+(?:balance|portfolio|account))\b", after) or re.match(
                r"(?:of\s+)?(?:my|the|your|total|all)?\s*(?:\w+\s+)?(?:balance|usdt|usdc|usd|portfolio|account|funds|"
                r"capital|stack|cash|stables|wallet|equity|margin)\b", after):
            return "balance"
        if re.search(r"\b(?:move|moves|moved|change|changes|swing|pumps?|dumps?|drops?|jumps?|rises?|falls?)\b", window):
            return "move"
        if re.search(r"\b(?:close|exit|sell|trim|take|cut|reduce)\b", window):
            return "close"
        return ""

    # --- per-intent readers ---------------------------------------------------------------------

    def _read_place_order(self, found: dict[str, Any]) -> None:
        if "side" not in found and _SPEND_RE.search(" ".join(self.words)):
            found["side"] = "buy"  # "spend 150 usdc on pepe"
        amount = self._first("amount")
        quote_amount = self._first("quote_amount")
        if amount is None and quote_amount is None and not self._percent("balance", "close", "") \
                and not _BALANCE_FRACTION_RE.search(" ".join(self.words)):
            amount = self._trailing_amount()
        if amount is not None:
            found["amount"] = amount
        if quote_amount is not None:
            found["quote_amount"] = quote_amount
        balance_share = self._percent("balance")
        joined = " ".join(self.words)
        if balance_share is None and (fraction := _BALANCE_FRACTION_RE.search(joined)):
            balance_share = _fraction_percent(fraction)
        order_types = {m.value for m in self.mentions if m.label == "ORDER_TYPE"}
        if balance_share is None and amount is None and quote_amount is None and "trailing_stop" not in order_types:
            balance_share = self._percent("close", "")  # "sell 25% sol": with no other size, a share of the holding
        if balance_share is not None:
            found["percent_of_balance"] = balance_share
        price = self._first("price")
        stop_words = [m for m in self.mentions if m.label == "STOP"]
        order_types = {m.value for m in self.mentions if m.label == "ORDER_TYPE"}
        trigger = self._first("trigger", "condition")
        condition = _CONDITION_RE.search(joined)
        if condition and trigger is None and price is not None and "side" in found:
            rising = condition["up"] is not None
            if rising == (found["side"] == "buy"):  # buying into strength, selling into weakness: a stop
                trigger, price = price, None
        if trigger is None and price is not None and (self._stop_next_to_side() or _STOP_ORDER_RE.search(joined)):
            trigger, price = price, None  # "stop buy 0.5 eth at 3,400": the price is the trigger
        stop_numbers = [n for n in self.numbers if n.role == "stop"]
        # A bare "stop N" on a new order is its trigger unless it sits after an entry price.
        for number in stop_numbers:
            if number.context in ("sl", "stop loss", "stop-loss", "stoploss") or (price is not None and trigger is None
                                                                                 and "stop_limit" not in order_types):
                found.setdefault("stop_loss", number.value)
            elif trigger is None:
                trigger = number.value
        if "trailing_stop" in order_types:
            found["order_type"] = "trailing_stop"
            # On a trailing order any percent is the trail ("trailing sell 3 avax at 2.5%").
            trail = self._percent("trail") or self._percent("") or self._percent("close", "move", "balance")
            if trail is not None:
                found["trailing_percent"] = trail
        elif "stop_limit" in order_types:
            found["order_type"] = "stop_limit"
            found["stop_price"] = trigger
            if price is None:
                price = self._first("plain")
            found["price"] = price
        elif trigger is not None or (stop_words and price is None and not stop_numbers and "stop_loss" not in found):
            found["order_type"] = "stop"
            found["stop_price"] = trigger if trigger is not None else self._first("plain")
        elif price is not None or "limit" in order_types:
            found["order_type"] = "limit"
            found["price"] = price if price is not None else self._first("plain")
        else:
            found["order_type"] = "market"
        tps = self._all("tp")
        if tps:
            found["take_profits"] = tps

    def _trailing_amount(self) -> Decimal | None:
        """A size written after the verb or the coin: "if btc drops to 55k buy 0.1", "buy eth 2 at 3000",
        "buy btc 0.01 market". After the coin it counts only when the order names its price (or market)
        elsewhere, since "sell eth 3500" may as well mean the price."""
        sides = {m.end for m in self.mentions if m.label == "SIDE"}
        coins = {m.end for m in self.mentions if m.label == "ASSET"}
        priced = any(n.role in ("price", "trigger", "condition") for n in self.numbers) or \
            any(m.label == "ORDER_TYPE" and m.value == "market" for m in self.mentions)
        for number in self.numbers:
            if number.role != "plain":
                continue
            if number.mention.start in sides or (number.mention.start in coins and priced):
                return number.value
        return None

    def _read_cancel_order(self, found: dict[str, Any]) -> None:
        order_id = self._identifier(("order", "orders", "id", "#", "no", "number"))  # "отмени ордер 4471" -> "orders"
        if order_id:
            found["order_id"] = order_id

    def _read_close_position(self, found: dict[str, Any]) -> None:
        share = self._percent("close", "", "balance")
        if share is None and (fraction := _BALANCE_FRACTION_RE.search(" ".join(self.words) + " my")):
            share = _fraction_percent(fraction)  # "close 1/3 of my btc long"
        if share is None:
            share = next((_CLOSE_FRACTIONS[w] for w in self.words if w in _CLOSE_FRACTIONS and _CLOSE_FRACTIONS[w]), None)
        if share is not None:
            found["close_percent"] = share

    def _read_modify_order(self, found: dict[str, Any]) -> None:
        order_id = self._identifier(("order", "id", "#", "no", "number"))
        if order_id:
            found["order_id"] = order_id
        stop = self._first("stop")
        tps = self._all("tp")
        for number in self.numbers:
            if number.role not in ("plain", "price"):
                continue
            # "raise the stop on my avax to 31 and add tp 36": the nearest stop/tp word to the left.
            owner = self._nearest_label_left(number.mention.start, ("STOP", "TP"))
            if owner == "STOP" and stop is None:
                stop = number.value
            elif owner == "TP":
                tps.append(number.value)
            elif owner is None and order_id and "price" not in found:
                found["price"] = number.value
        if stop is not None:
            found["stop_loss"] = stop
            found.pop("to_breakeven", None)
        if tps:
            found["take_profits"] = tps
        if re.search(r"\btrail", " ".join(self.words)):
            trail = self._percent("trail", "", "close", "move")
            if trail is not None:
                found["trailing_percent"] = trail  # "trail my eth stop 2%"
        if re.search(r"\b(?:sl|stop|stop[\s-]loss)\s+(?:to|at)\s+(?:entry|the\s+entry|my\s+entry)\b", " ".join(self.words)):
            found["to_breakeven"] = True

    def _read_evaluate_trade(self, found: dict[str, Any]) -> None:
        target = self._first("price", "plain", "condition")
        if target is not None:
            found["target_price"] = target
        stop = self._first("stop")
        if stop is not None:
            found["stop_loss"] = stop
        tps = self._all("tp")
        if tps:
            found["take_profits"] = tps
        amount = self._first("amount")
        if amount is not None:
            found["amount"] = amount
        quote_amount = self._first("quote_amount")
        if quote_amount is not None:
            found["quote_amount"] = quote_amount
            if "side" not in found and _INTO_COIN_RE.search(" ".join(self.words)):
                found["side"] = "buy"

    def _read_position_size(self, found: dict[str, Any]) -> None:
        price = self._first("price", "plain")
        if price is not None:
            found["price"] = price
        stop = self._first("stop")
        if stop is not None:
            found["stop_loss"] = stop
        risk_percent = self._percent("risk")
        if risk_percent is not None:
            found["risk_percent"] = risk_percent
        risk_amount = next((n.value for n in self.numbers if n.role in ("risk", "quote_amount")
                            and self._near_risk_word(n.mention)), None)
        if risk_amount is not None:
            found["risk_amount"] = risk_amount
        else:
            quote_amount = self._first("quote_amount")
            if quote_amount is not None:
                found["quote_amount"] = quote_amount

    def _read_trade_risk(self, found: dict[str, Any]) -> None:
        price = self._first("price")
        if price is not None:
            found["price"] = price
        stop = self._first("stop")
        if stop is None:
            stop = self._number_before_stop_word()
        if stop is not None:
            found["stop_loss"] = stop

    def _read_create_alert(self, found: dict[str, Any]) -> None:
        conditions = [m.value for m in self.mentions if m.label == "CONDITION"]
        if conditions:
            found["condition"] = conditions[0]
        move = self._percent("move", "")
        if move is not None:
            found["percent_change"] = move
            if "timeframe" in found:
                found["window"] = found.pop("timeframe")
        # "alert me at 70k btc": a level written before the coin reads as a size elsewhere.
        target = self._first("condition", "price", "plain", "quote_amount", "amount")
        if target is not None and move is None:
            found["target_price"] = target
        # An indicator alert ("btc rsi 1h above 70", "eth crosses the 50 ema"): the indicator's
        # period is not a level; the candle size is the indicator's timeframe, not a move window.
        if found.get("indicators"):
            self._read_indicators(found)
            if found.get("target_price") == found.get("indicator_period"):
                found.pop("target_price", None)

    def _read_delete_alert(self, found: dict[str, Any]) -> None:
        alert_id = self._identifier(("alert", "#", "id", "no", "number"))
        if alert_id:
            found["alert_id"] = alert_id

    def _read_recommend(self, found: dict[str, Any]) -> None:
        quote_amount = self._first("quote_amount")
        if quote_amount is not None and ("symbol" in found or "symbols" in found):
            found["quote_amount"] = quote_amount

    def _read_indicators(self, found: dict[str, Any]) -> None:
        period = self._first("indicator_period")
        if period is not None:
            found["indicator_period"] = period

    # --- helpers --------------------------------------------------------------------------------

    def _identifier(self, after_words: tuple[str, ...]) -> str | None:
        """An order or alert id: "#B12-77X", "order id 99310245", "alert #7", "order no. 5521",
        "cancel 48812" (a bare number right after the verb, with no coin to make it a size)."""
        for i, word in enumerate(self.words):
            if word.startswith("#") and len(word) > 1 and any(ch.isdigit() for ch in word):
                return self._original(i).lstrip("#")
            if word in after_words or (word in _ID_VERBS and i + 2 >= len(self.words)):
                j = i + 1
                while j < len(self.words) and self.words[j] in ("id", "#", "no", "number", ".", ":", "nr", "num"):
                    j += 1
                if j < len(self.words) and any(ch.isdigit() for ch in self.words[j]) \
                        and self._label_at(j + 1) != "ASSET":
                    identifier = self._original(j).lstrip("#")
                    while j + 2 < len(self.words) and self.words[j + 1] == "-" and self.words[j + 2].isalnum():
                        identifier, j = f"{identifier}-{self._original(j + 2)}", j + 2  # "8891-A" split by the tokenizer
                    return identifier
        return None

    def _original(self, i: int) -> str:
        return self.original_words[i]

    def _near_risk_word(self, mention: Mention) -> bool:
        window = self.words[max(0, mention.start - 2): mention.end + 2]
        return any(word.startswith("risk") for word in window)

    def _stop_next_to_side(self) -> bool:
        starts = {m.start: m.label for m in self.mentions}
        ends = {m.end: m.label for m in self.mentions}
        return any(
            m.label == "STOP" and m.text.lower() == "stop" and (starts.get(m.end) == "SIDE" or ends.get(m.start) == "SIDE")
            for m in self.mentions
        )

    def _nearest_label_left(self, start: int, labels: tuple[str, ...]) -> str | None:
        candidates = [m for m in self.mentions if m.label in labels and m.end <= start]
        return max(candidates, key=lambda m: m.end).label if candidates else None

    def _number_before_stop_word(self) -> Decimal | None:
        for number in self.numbers:
            if self._label_at(number.mention.end) == "STOP":
                return number.value
        return None


def _fraction_percent(fraction: re.Match[str]) -> Decimal:
    if fraction["word"]:
        return _WORD_FRACTIONS[re.sub(r"\s+", " ", fraction["word"])]
    return (Decimal(fraction["num"]) * 100 / Decimal(fraction["den"])).quantize(Decimal("0.01")).normalize()


def read_command_entities(words: Sequence[str], mentions: Sequence[Mention], intent: str) -> dict[str, Any]:
    return CommandReader(words, mentions).entities(intent)
