"""Glossary behind the ``explain`` intent: short, accurate definitions of the trading terms users ask
about, found from the question text ("what is a funding rate", "explain isolated margin").

Lookup order: a known term or alias named in the question (longest first, so "stop-limit order"
wins over "limit order"), then a fuzzy match of the remaining words for typos ("liquidaton price").
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass

from domain.phrases import N_, NP_

# Question words around the term; removing them leaves the phrase to fuzzy-match.
_FILLER = re.compile(
    r"\b(what|whats|is|are|does|do|a|an|the|explain|mean|means|meaning|of|how|work|works|define|"
    r"definition|tell|me|about|please|pls|can|you|in|trading|crypto|"
    r"что|такое|это|объясни|объяснить|расскажи|про|о|об|значит|означает|как|работает|в|трейдинге|пожалуйста)\b"
)
_FUZZY_CUTOFF = 0.75
# The translation context of a term's name (NP_ takes it as written, for extraction): "spot" the market,
# not "spot" the account.
TERM = "glossary term"
_SUGGESTIONS = 3


@dataclass(frozen=True, slots=True)
class GlossaryEntry:
    term: str
    definition: str
    aliases: tuple[str, ...] = ()
    related: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class GlossaryAnswer:
    """``entry`` is None when the term is unknown; ``suggestions`` then lists close known terms."""

    query: str
    entry: GlossaryEntry | None
    suggestions: tuple[str, ...] = ()


def normalise(text: str) -> str:
    """Lower case, hyphens and punctuation as spaces, single spaces: "Stop-Limit" -> "stop limit"."""
    return " ".join(re.sub(r"[^\w:/]+|_", " ", text.lower()).split())


ENTRIES: tuple[GlossaryEntry, ...] = (
    GlossaryEntry(
        NP_("glossary term", "funding rate"),
        N_("A periodic payment between long and short holders of a perpetual futures contract, usually every "
           "8 hours. When the perpetual trades above the spot price the rate is positive and longs pay shorts; "
           "below it, shorts pay longs. It is what keeps a perpetual's price anchored to spot, and a persistently "
           "high rate shows that traders are crowded on one side."),
        ("funding", "funding fee"),
        ("perpetual", "futures"),
    ),
    GlossaryEntry(
        NP_("glossary term", "isolated margin"),
        N_("A margin mode in which each position has its own collateral. If the position is liquidated you lose "
           "only the margin assigned to it; the rest of your balance is untouched. It caps the loss per position "
           "but liquidates sooner than cross margin, because no other funds can top it up."),
        ("isolated", "isolated mode"),
        ("cross margin", "liquidation price"),
    ),
    GlossaryEntry(
        NP_("glossary term", "cross margin"),
        N_("A margin mode in which all positions share the whole futures balance as collateral. A losing position "
           "can draw on the free balance, so it is liquidated later than in isolated mode, but a large enough loss "
           "can take the entire account with it."),
        ("cross", "cross mode"),
        ("isolated margin", "liquidation price"),
    ),
    GlossaryEntry(
        NP_("glossary term", "liquidation price"),
        N_("The price at which the exchange forcibly closes a leveraged position because its margin can no longer "
           "cover the loss plus the maintenance margin. With isolated margin, a long at 10x is liquidated after "
           "roughly a 10% fall (a little less once the maintenance margin is counted). Your stop loss should sit "
           "well before it."),
        ("liquidation", "liquidated", "liq price", "margin call"),
        ("leverage", "isolated margin", "maintenance margin"),
    ),
    GlossaryEntry(
        NP_("glossary term", "maintenance margin"),
        N_("The minimum collateral, as a fraction of position size, that a leveraged position must keep. When "
           "the margin left after losses falls below it, the position is liquidated. Exchanges set it per tier, "
           "typically 0.4–1% of the position for the largest coins."),
        ("maintenance margin rate", "mmr"),
        ("liquidation price",),
    ),
    GlossaryEntry(
        NP_("glossary term", "order book"),
        N_("The live list of resting buy orders (bids) and sell orders (asks) for a pair, grouped by price. The "
           "highest bid and lowest ask form the top of the book; the gap between them is the spread. Its depth "
           "shows how much can be traded before the price moves."),
        ("orderbook", "depth", "market depth", "bids and asks"),
        ("spread", "limit order"),
    ),
    GlossaryEntry(
        NP_("glossary term", "leverage"),
        N_("Trading a position larger than your own money by borrowing the rest: at 10x, 100 USDT of margin "
           "controls a 1,000 USDT position. Gains and losses are both multiplied by the leverage, and a move of "
           "about 1/leverage against you (10% at 10x) wipes out the margin and triggers liquidation."),
        ("margin trading", "leveraged"),
        ("liquidation price", "isolated margin"),
    ),
    GlossaryEntry(
        NP_("glossary term", "market order"),
        N_("An order to buy or sell immediately at the best prices available in the order book. It fills almost "
           "always, but the price is not guaranteed: in a thin or fast market it can fill worse than the last "
           "price (slippage). It pays the taker fee."),
        ("market buy", "market sell"),
        ("limit order", "slippage"),
    ),
    GlossaryEntry(
        NP_("glossary term", "limit order"),
        N_("An order to buy at or below, or sell at or above, a price you set. It waits in the order book until "
           "the market reaches that price, so you control the price but it may never fill. A resting limit order "
           "usually pays the lower maker fee."),
        ("limit", "limit buy", "limit sell"),
        ("market order", "maker fee"),
    ),
    GlossaryEntry(
        NP_("glossary term", "stop order"),
        N_("An order that stays hidden until the price reaches a trigger (the stop price) and then becomes a market "
           "order. It is mostly used to exit a losing position (a stop loss) or to enter on a breakout."),
        ("stop market", "stop market order"),
        ("stop limit order", "stop loss"),
    ),
    GlossaryEntry(
        NP_("glossary term", "stop limit order"),
        N_("An order with two prices: when the market reaches the stop (trigger) price, a limit order at the limit "
           "price is placed. You avoid paying any price in a crash, but if the market gaps through your limit the "
           "order may not fill and the position stays open."),
        ("stop limit",),
        ("stop order", "limit order"),
    ),
    GlossaryEntry(
        NP_("glossary term", "trailing stop"),
        N_("A stop whose trigger follows the price at a fixed distance, for example 5% below the highest price "
           "since you bought. It rises with the market but never falls, so it locks in gains while leaving room "
           "for the trend to continue."),
        ("trailing stop order", "trailing", "trailing stop loss"),
        ("stop loss",),
    ),
    GlossaryEntry(
        NP_("glossary term", "stop loss"),
        N_("A predefined exit that closes a position when the price moves a set distance against you, capping the "
           "loss. Place it where your trade idea is proven wrong (below support for a long), not at an arbitrary "
           "percentage, and size the position so that hitting it costs an amount you accept."),
        ("sl", "stoploss", "stop"),
        ("take profit", "position sizing"),
    ),
    GlossaryEntry(
        NP_("glossary term", "take profit"),
        N_("A predefined exit that closes all or part of a position when the price reaches a target in your "
           "favour. Many traders scale out over several targets (TP1, TP2...) and move the stop to breakeven "
           "after the first one."),
        ("tp", "takeprofit", "profit target", "target"),
        ("stop loss", "risk/reward"),
    ),
    GlossaryEntry(
        NP_("glossary term", "dca"),
        N_("Dollar-cost averaging: buying a fixed amount at regular intervals regardless of price. Fixed amounts "
           "buy more units when the price is low, so the average cost is the harmonic mean of the prices paid; "
           "it removes the need to time the market but does not protect against a long decline."),
        ("dollar cost averaging", "cost averaging"),
        ("breakeven",),
    ),
    GlossaryEntry(
        NP_("glossary term", "slippage"),
        N_("The difference between the price you expected and the price you got. It comes from the order eating "
           "through several levels of the order book or from the price moving while the order travels; it is "
           "largest for big market orders in thin markets."),
        ("slip",),
        ("market order", "order book"),
    ),
    GlossaryEntry(
        NP_("glossary term", "spread"),
        N_("The gap between the best bid and the best ask. Buying at market and selling straight back costs you "
           "the spread, so a wide spread is a hidden fee; liquid pairs like BTC/USDT have spreads of a fraction "
           "of a basis point."),
        ("bid ask spread",),
        ("order book", "slippage"),
    ),
    GlossaryEntry(
        NP_("glossary term", "maker fee"),
        N_("The fee charged when your order adds liquidity: a limit order that rests in the book before being "
           "filled. It is lower than the taker fee, sometimes zero or even a rebate."),
        ("maker", "maker fees"),
        ("taker fee", "limit order"),
    ),
    GlossaryEntry(
        NP_("glossary term", "taker fee"),
        N_("The fee charged when your order removes liquidity by filling against orders already in the book: "
           "market orders and limit orders that are marketable on arrival. Typical spot taker fees are around "
           "0.1%."),
        ("taker", "taker fees", "trading fee", "fees"),
        ("maker fee", "market order"),
    ),
    GlossaryEntry(
        NP_("glossary term", "long"),
        N_("A position that profits when the price rises: you buy first and sell later. On spot a long can lose "
           "at most what you paid; with leverage it can be liquidated."),
        ("going long", "long position", "longing"),
        ("short",),
    ),
    GlossaryEntry(
        NP_("glossary term", "short"),
        N_("A position that profits when the price falls: you sell first (borrowed coins, or a futures contract) "
           "and buy back later. Because the price can rise without limit, a short's loss is unbounded unless you "
           "use a stop."),
        ("going short", "short position", "shorting", "short selling"),
        ("long", "futures"),
    ),
    GlossaryEntry(
        NP_("glossary term", "rsi"),
        N_("The Relative Strength Index, a momentum oscillator from 0 to 100 comparing recent gains with recent "
           "losses, usually over 14 candles. Above 70 is commonly read as overbought and below 30 as oversold, "
           "though in strong trends it can stay there for a long time."),
        ("relative strength index",),
        ("macd", "bollinger bands"),
    ),
    GlossaryEntry(
        NP_("glossary term", "macd"),
        N_("Moving Average Convergence Divergence: the 12-period EMA minus the 26-period EMA, with a 9-period EMA "
           "of that line as the signal line. The MACD crossing above its signal line is read as rising momentum, "
           "below as fading momentum; the histogram is the gap between the two."),
        ("moving average convergence divergence",),
        ("rsi", "ema"),
    ),
    GlossaryEntry(
        NP_("glossary term", "bollinger bands"),
        N_("Bands drawn a number of standard deviations (usually 2) above and below a 20-period moving average. "
           "They widen when volatility rises and squeeze when it falls; a close outside a band shows an unusually "
           "strong move rather than a guaranteed reversal."),
        ("bollinger", "bb", "bollinger band"),
        ("atr", "volatility"),
    ),
    GlossaryEntry(
        NP_("glossary term", "moving average"),
        N_("The average closing price over the last N candles, redrawn each candle. The simple moving average (SMA) "
           "weights every candle equally; the exponential one (EMA) weights recent candles more, so it reacts "
           "faster. Price above a rising 200-day average is the classic definition of an uptrend."),
        ("ema", "sma", "exponential moving average", "simple moving average", "ma"),
        ("macd",),
    ),
    GlossaryEntry(
        NP_("glossary term", "support and resistance"),
        N_("Support is a price zone where buying has repeatedly stopped a decline; resistance is a zone where "
           "selling has repeatedly stopped a rise. They are areas, not exact lines, and a level that breaks often "
           "swaps roles (old resistance becomes support)."),
        ("support", "resistance", "levels", "key levels"),
        ("stop loss",),
    ),
    GlossaryEntry(
        NP_("glossary term", "atr"),
        N_("Average True Range: the average size of a candle's full range including gaps, usually over 14 candles. "
           "It measures volatility in price units, which makes it useful for placing stops outside normal noise "
           "(for example 1.5–2 ATR from entry)."),
        ("average true range",),
        ("stop loss", "volatility"),
    ),
    GlossaryEntry(
        NP_("glossary term", "volatility"),
        N_("How much and how fast a price moves, usually measured as the standard deviation of returns or with "
           "ATR. High volatility means larger swings both ways, so the same position size carries more risk."),
        ("volatile", "vol"),
        ("atr", "bollinger bands"),
    ),
    GlossaryEntry(
        NP_("glossary term", "market cap"),
        N_("Market capitalisation: the circulating supply of a coin multiplied by its price. It compares the size "
           "of projects better than the unit price does; fully diluted valuation uses the maximum supply instead."),
        ("market capitalization", "market capitalisation", "mcap", "marketcap", "fdv"),
        ("volume",),
    ),
    GlossaryEntry(
        NP_("glossary term", "volume"),
        N_("The amount traded over a period, in the base coin or in the quote currency. Rising volume behind a move "
           "suggests conviction; a move on thin volume is easier to reverse."),
        ("trading volume", "24h volume"),
        ("market cap",),
    ),
    GlossaryEntry(
        NP_("glossary term", "candle"),
        N_("One bar of a candlestick chart summarising a timeframe with four prices: open, high, low and close. "
           "The body spans open to close (green when the close is higher), the wicks show the high and low."),
        ("candlestick", "candlesticks", "ohlc", "wick"),
        ("timeframe",),
    ),
    GlossaryEntry(
        NP_("glossary term", "timeframe"),
        N_("The period each candle covers: 1 minute, 1 hour, 4 hours, 1 day and so on. Indicators and levels "
           "depend on it, and signals on higher timeframes are generally more reliable than on lower ones."),
        ("time frame", "interval", "tf"),
        ("candle",),
    ),
    GlossaryEntry(
        NP_("glossary term", "futures"),
        N_("Contracts to buy or sell an asset at a later date or, for perpetuals, without expiry. They let you go "
           "short and use leverage without holding the coin; the profit or loss is settled in the margin currency."),
        ("futures contract", "derivatives"),
        ("perpetual", "spot", "leverage"),
    ),
    GlossaryEntry(
        NP_("glossary term", "perpetual"),
        N_("A futures contract with no expiry date, the most traded crypto derivative. Instead of converging at "
           "expiry, its price is kept near spot by the funding rate paid between longs and shorts."),
        ("perpetual futures", "perp", "perps", "perpetual swap", "swap"),
        ("funding rate", "futures"),
    ),
    GlossaryEntry(
        NP_("glossary term", "spot"),
        N_("Buying or selling the coin itself for immediate delivery, paid in full. There is no leverage and no "
           "liquidation: the worst case on a spot buy is that the coin goes to zero."),
        ("spot market", "spot trading"),
        ("futures",),
    ),
    GlossaryEntry(
        NP_("glossary term", "hedge"),
        N_("A position opened to offset the risk of another, such as a short perpetual against coins you hold. It "
           "reduces the loss if the price falls, at the cost of giving up gains (and paying fees and funding) "
           "while it is open."),
        ("hedging", "hedge mode"),
        ("short", "perpetual"),
    ),
    GlossaryEntry(
        NP_("glossary term", "risk/reward"),
        N_("The potential profit of a trade divided by its potential loss: (target − entry) / (entry − stop) for a "
           "long. At 2:1 you can be wrong on two trades in three and still roughly break even before fees, which "
           "is why many traders skip setups below 1:1."),
        ("risk reward", "risk to reward", "reward to risk", "r:r", "rr", "risk reward ratio"),
        ("stop loss", "take profit", "position sizing"),
    ),
    GlossaryEntry(
        NP_("glossary term", "position sizing"),
        N_("Choosing how much to buy so that hitting your stop loses a fixed share of the account, often 1–2%. "
           "Size = amount at risk / distance from entry to stop; a wider stop therefore means a smaller position."),
        ("position size", "sizing", "risk per trade"),
        ("stop loss", "risk/reward"),
    ),
    GlossaryEntry(
        NP_("glossary term", "breakeven"),
        N_("The price at which a position neither gains nor loses, including fees. Moving the stop to breakeven "
           "after the first target is hit turns the rest of the trade into one that can no longer lose money "
           "(barring slippage)."),
        ("break even",),
        ("take profit", "stop loss"),
    ),
    GlossaryEntry(
        NP_("glossary term", "whale"),
        N_("A holder or trader large enough to move the market with their orders. Big transfers from whale "
           "wallets to exchanges are watched as possible selling, though their intent is rarely known."),
        ("whales",),
        ("pump and dump",),
    ),
    GlossaryEntry(
        NP_("glossary term", "pump and dump"),
        N_("A scheme in which a group inflates the price of a thin, little-known coin with coordinated buying and "
           "hype, then sells to the latecomers it attracted. The price typically collapses within minutes or hours; "
           "it is illegal in regulated markets."),
        ("pump", "dump", "pump & dump"),
        ("fomo", "whale"),
    ),
    GlossaryEntry(
        NP_("glossary term", "fomo"),
        N_("Fear of missing out: buying because a price is rising fast and others are profiting, rather than "
           "because of a plan. FOMO entries tend to come late, near local tops, and without a stop."),
        ("fear of missing out",),
        ("fud",),
    ),
    GlossaryEntry(
        NP_("glossary term", "fud"),
        N_("Fear, uncertainty and doubt: negative news or rumours, true or not, that push people to sell. Calling "
           "something FUD does not make it false, so check the source."),
        ("fear uncertainty and doubt",),
        ("fomo",),
    ),
    GlossaryEntry(
        NP_("glossary term", "altcoin"),
        N_("Any cryptocurrency other than Bitcoin. Altcoins are generally more volatile than BTC and tend to fall "
           "harder when it falls; smaller ones can also be hard to sell in size."),
        ("altcoins", "alts", "alt"),
        ("market cap",),
    ),
    GlossaryEntry(
        NP_("glossary term", "stablecoin"),
        N_("A token designed to hold a steady value, usually 1 US dollar, backed by reserves (USDT, USDC) or by "
           "crypto collateral (DAI). Traders use them as cash between trades; they carry issuer and de-peg risk."),
        ("stablecoins", "stable coin", "usdt", "usdc"),
        ("spot",),
    ),
    GlossaryEntry(
        NP_("glossary term", "bull market"),
        N_("A market in a sustained uptrend, with higher highs and higher lows and optimism building. Its "
           "opposite, a bear market, is a sustained decline, commonly defined as a fall of 20% or more from the "
           "high."),
        ("bull", "bullish", "bear market", "bear", "bearish"),
        ("support and resistance",),
    ),
)


class Glossary:
    """Looks terms up by name, alias or close spelling."""

    def __init__(self, entries: tuple[GlossaryEntry, ...] = ENTRIES) -> None:
        self._entries = entries
        self._by_name: dict[str, GlossaryEntry] = {}
        self._by_term = {entry.term: entry for entry in entries}
        for entry in entries:
            for name in (entry.term, *entry.aliases):
                self._by_name[normalise(name)] = entry
        # Longest names first, so the most specific term named in a question is the one found.
        self._names_longest_first = sorted(self._by_name, key=len, reverse=True)

    @property
    def terms(self) -> tuple[str, ...]:
        return tuple(entry.term for entry in self._entries)

    def lookup(self, question: str, names: Mapping[str, str] | None = None) -> GlossaryAnswer:
        """``names``: the terms in the asker's language ({"ставка финансирования": "funding rate"})."""
        by_name = self._by_name
        if names:
            by_name = {**{normalise(name): self._by_term[term] for name, term in names.items() if term in self._by_term},
                       **by_name}
        text = normalise(question)
        padded = f" {text} "
        for name in sorted(by_name, key=len, reverse=True) if names else self._names_longest_first:
            if f" {name} " in padded:
                return GlossaryAnswer(question, by_name[name])
        phrase = " ".join(_FILLER.sub(" ", text).split())
        close = difflib.get_close_matches(phrase, by_name, n=1, cutoff=_FUZZY_CUTOFF)
        if close:
            return GlossaryAnswer(question, by_name[close[0]])
        return GlossaryAnswer(question, None, self._suggestions(phrase or text, by_name))

    def _suggestions(self, phrase: str, by_name: Mapping[str, GlossaryEntry]) -> tuple[str, ...]:
        names = difflib.get_close_matches(phrase, by_name, n=_SUGGESTIONS * 3, cutoff=0.4)
        terms = dict.fromkeys(by_name[name].term for name in names)
        return tuple(terms)[:_SUGGESTIONS]
