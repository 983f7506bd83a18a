"""A blind labelled set written for generalisation checks (not derived from the dev set texts).

Labelled strictly by /work/shared/nlp-contract.md *before* the parser was run on it: typed
commands of every command type and intent, signal posts in many channel formats and channel
follow-ups. Same item format as the dev set (id, text, expect, lenient, entities_alt).
"""

from __future__ import annotations

from typing import Any

ITEMS: list[dict[str, Any]] = []


def _add(kind: str, text: str, command_type: str | list[str], intent: str | None, entities: dict[str, Any],
         *, lenient: tuple[str, ...] = (), alt: list[dict[str, Any]] | None = None) -> None:
    expect: dict[str, Any] = {"command_type": [command_type] if isinstance(command_type, str) else command_type,
                              "entities": entities}
    if intent:
        expect["intent"] = intent
    item: dict[str, Any] = {"id": f"blind-{kind}-{sum(1 for i in ITEMS if i['id'].startswith(f'blind-{kind}')) + 1:03d}",
                            "text": text, "expect": expect}
    if lenient:
        item["lenient"] = list(lenient)
    if alt:
        item["entities_alt"] = alt
    ITEMS.append(item)


def cmd(text: str, command_type: str | list[str], intent: str | None, entities: dict[str, Any], **kw: Any) -> None:
    _add("cmd", text, command_type, intent, entities, **kw)


def sig(text: str, entities: dict[str, Any], **kw: Any) -> None:
    _add("sig", text, "trade_analysis", "signal", entities, **kw)


def upd(text: str, entities: dict[str, Any], **kw: Any) -> None:
    _add("upd", text, "trade_analysis", "signal_update", entities, **kw)


TE, TA, MA, TECH, PF, RISK, STRAT, NEWS, SENT, GEN = (
    "trade_execution", "trade_analysis", "market_analysis", "technical_analysis", "portfolio_analysis",
    "risk_assessment", "strategy_recommendation", "news_analysis", "sentiment_analysis", "general_query")

# --- typed commands: trade execution -----------------------------------------------------------
cmd("buy 0.3 ETH at 2,850", TE, "place_order",
    {"symbol": "ETH/USDT", "side": "buy", "amount": 0.3, "order_type": "limit", "price": 2850})
cmd("Market sell 120 XRP", TE, "place_order", {"symbol": "XRP/USDT", "side": "sell", "amount": 120, "order_type": "market"})
cmd("long BTC-PERP 25x with 300 usdt", TE, "place_order",
    {"symbol": "BTC/USDT", "side": "buy", "leverage": 25, "quote_amount": 300, "order_type": "market"},
    lenient=("market_type",))
cmd("short $pepe 10x, 100 bucks", TE, "place_order",
    {"symbol": "PEPE/USDT", "side": "sell", "leverage": 10, "quote_amount": 100, "order_type": "market"})
cmd("buy 2m SHIB", TE, "place_order", {"symbol": "SHIB/USDT", "side": "buy", "amount": 2000000, "order_type": "market"})
cmd("sell 1.5k DOGE @ .1850", TE, "place_order",
    {"symbol": "DOGE/USDT", "side": "sell", "amount": 1500, "order_type": "limit", "price": 0.185})
cmd("limit buy 4 SOL at 132,50", TE, "place_order",
    {"symbol": "SOL/USDT", "side": "buy", "amount": 4, "order_type": "limit", "price": 132.5})
cmd("ape $250 into #SOL", TE, "place_order", {"symbol": "SOL/USDT", "side": "buy", "quote_amount": 250, "order_type": "market"})
cmd("BUY 0.01 BTCUSDT AT MARKET", TE, "place_order", {"symbol": "BTC/USDT", "side": "buy", "amount": 0.01, "order_type": "market"})
cmd("buy 2 ETH/BTC at 0.0525", TE, "place_order",
    {"symbol": "ETH/BTC", "side": "buy", "amount": 2, "order_type": "limit", "price": 0.0525})
cmd("sell 500 JUP/USD at 1.2", TE, "place_order",
    {"symbol": "JUP/USD", "side": "sell", "amount": 500, "order_type": "limit", "price": 1.2})
cmd("long 1000PEPEUSDT isolated 10x with 50 usdt", TE, "place_order",
    {"symbol": "1000PEPE/USDT", "side": "buy", "leverage": 10, "margin_mode": "isolated", "quote_amount": 50,
     "order_type": "market"}, lenient=("market_type",))
cmd("sell 10 LINK if it drops below 12.80", TE, "place_order",
    {"symbol": "LINK/USDT", "side": "sell", "amount": 10, "order_type": "stop", "stop_price": 12.8})
cmd("trailing stop sell 0.1 btc with a 2.5% trail", TE, "place_order",
    {"symbol": "BTC/USDT", "side": "sell", "amount": 0.1, "order_type": "trailing_stop", "trailing_percent": 2.5})
cmd("stop-limit buy 1 BNB stop 610 limit 612", TE, "place_order",
    {"symbol": "BNB/USDT", "side": "buy", "amount": 1, "order_type": "stop_limit", "stop_price": 610, "price": 612})
cmd("buy bitcoin with 10% of my balance", TE, "place_order",
    {"symbol": "BTC/USDT", "side": "buy", "percent_of_balance": 10, "order_type": "market"})
cmd("buy $3.1k worth of eth", TE, "place_order", {"symbol": "ETH/USDT", "side": "buy", "quote_amount": 3100, "order_type": "market"})
cmd("scoop up 200 ada", TE, "place_order", {"symbol": "ADA/USDT", "side": "buy", "amount": 200, "order_type": "market"})
cmd("buy 20 dot at 4.1 on kraken", TE, "place_order",
    {"symbol": "DOT/USDT", "side": "buy", "amount": 20, "order_type": "limit", "price": 4.1, "exchange": "kraken"})
cmd("buy btc for 45k usdt", TE, "place_order", {"symbol": "BTC/USDT", "side": "buy", "quote_amount": 45000, "order_type": "market"})
cmd("Long ethereum 3x cross, 0.8 eth", TE, "place_order",
    {"symbol": "ETH/USDT", "side": "buy", "leverage": 3, "margin_mode": "cross", "amount": 0.8, "order_type": "market"})
cmd("shortt sol 5x", TE, "place_order", {"symbol": "SOL/USDT", "side": "sell", "leverage": 5, "order_type": "market"})
cmd("buy 0.05 btc on bybit futures at 61k", TE, "place_order",
    {"symbol": "BTC/USDT", "side": "buy", "amount": 0.05, "order_type": "limit", "price": 61000, "exchange": "bybit",
     "market_type": "futures"})
cmd("SELL 3 AVAX NOW", TE, "place_order", {"symbol": "AVAX/USDT", "side": "sell", "amount": 3, "order_type": "market"})
cmd("cancel order #88213", TE, "cancel_order", {"order_id": "88213"})
cmd("kill my eth limit order", TE, "cancel_order", {"symbol": "ETH/USDT"}, lenient=("order_type",))
cmd("cancel all open orders on binance", TE, "cancel_order", {"exchange": "binance"})
cmd("scrap the sol buy order", TE, "cancel_order", {"symbol": "SOL/USDT"}, lenient=("side", "order_type"))
cmd("close my eth short", TE, "close_position", {"symbol": "ETH/USDT", "side": "sell"})
cmd("close half of my avax long", TE, "close_position", {"symbol": "AVAX/USDT", "side": "buy", "close_percent": 50})
cmd("close DOGE now", TE, "close_position", {"symbol": "DOGE/USDT"})
cmd("exit my whole btc position", TE, "close_position", {"symbol": "BTC/USDT"})
cmd("take 30% off my link position", TE, "close_position", {"symbol": "LINK/USDT", "close_percent": 30})
cmd("flatten everything", TE, "close_position", {})
cmd("can you close my ETH long", TE, "close_position", {"symbol": "ETH/USDT", "side": "buy"})
cmd("move my sol stop to 128.5", TE, "modify_order", {"symbol": "SOL/USDT", "stop_loss": 128.5})
cmd("move sl to breakeven on my eth", TE, "modify_order", {"symbol": "ETH/USDT", "to_breakeven": True})
cmd("move sl to entry on sol", TE, "modify_order", {"symbol": "SOL/USDT", "to_breakeven": True})
cmd("set tp on my btc long to 72k", TE, "modify_order", {"symbol": "BTC/USDT", "take_profits": [72000]}, lenient=("side",))
cmd("change order 5521 price to 0.71", TE, "modify_order", {"order_id": "5521", "price": 0.71})

# --- trade analysis (typed) ----------------------------------------------------------------------
cmd("should I short SOL at 150 with SL 156?", TA, "evaluate_trade",
    {"symbol": "SOL/USDT", "side": "sell", "target_price": 150, "stop_loss": 156})
cmd("is longing eth at 2.9k a good idea", TA, "evaluate_trade", {"symbol": "ETH/USDT", "side": "buy", "target_price": 2900})
cmd("what do you think of this setup: long AVAX 27.5, tp 30 / 32, sl 26", TA, "evaluate_trade",
    {"symbol": "AVAX/USDT", "side": "buy", "target_price": 27.5, "take_profits": [30, 32], "stop_loss": 26})
cmd("is this signal legit? BTC long 61000 tp 63000 sl 60000", TA, "evaluate_trade",
    {"symbol": "BTC/USDT", "side": "buy", "target_price": 61000, "take_profits": [63000], "stop_loss": 60000})
cmd("saw this in a channel: #DOGE LONG entry 0.152-0.155 targets 0.16, 0.17 stop 0.145", TA, "signal",
    {"symbol": "DOGE/USDT", "side": "buy", "entries": [0.152, 0.155], "take_profits": [0.16, 0.17], "stop_loss": 0.145})
cmd("#LINK TP1 hit ✅", TA, "signal_update", {"symbol": "LINK/USDT", "update": "tp_hit", "target_index": 1})

# --- market analysis -----------------------------------------------------------------------------
cmd("btc price?", MA, "price", {"symbol": "BTC/USDT"})
cmd("how is solana doing this week", MA, "price", {"symbol": "SOL/USDT", "period": "7d"})
cmd("whats eth at rn", MA, "price", {"symbol": "ETH/USDT"})
cmd("price of 1000PEPEUSDT", MA, "price", {"symbol": "1000PEPE/USDT"})
cmd("ETH/BTC price", MA, "price", {"symbol": "ETH/BTC"})
cmd("JUP/USD quote on kraken", MA, "price", {"symbol": "JUP/USD", "exchange": "kraken"})
cmd("$SOL?", MA, "price", {"symbol": "SOL/USDT"})
cmd("current price of #avax on okx", MA, "price", {"symbol": "AVAX/USDT", "exchange": "okx"})
cmd("top losers today", MA, "market_overview", {"period": "24h"})
cmd("compare sol, avax and near", MA, "market_overview", {"symbols": ["SOL/USDT", "AVAX/USDT", "NEAR/USDT"]})
cmd("eth vs btc this month", MA, "market_overview", {"symbols": ["ETH/USDT", "BTC/USDT"], "period": "30d"})
cmd("alert me if btc drops under 58k", MA, "create_alert", {"symbol": "BTC/USDT", "condition": "below", "target_price": 58000})
cmd("ping me when $SUI breaks 2.10", MA, "create_alert", {"symbol": "SUI/USDT", "condition": "above", "target_price": 2.1})
cmd("let me know when eth reaches 4k", MA, "create_alert", {"symbol": "ETH/USDT", "target_price": 4000})
cmd("notify me if doge moves 10% in 4 hours", MA, "create_alert", {"symbol": "DOGE/USDT", "percent_change": 10, "window": "4h"})
cmd("set alert xrp .65", MA, "create_alert", {"symbol": "XRP/USDT", "target_price": 0.65})
cmd("what alerts do i have running", MA, "list_alerts", {})
cmd("my alerts", MA, "list_alerts", {})
cmd("delete alert #14", MA, "delete_alert", {"alert_id": "14"})
cmd("remove my btc alerts", MA, "delete_alert", {"symbol": "BTC/USDT"})

# --- technical analysis --------------------------------------------------------------------------
cmd("RSI on BTC 1h", TECH, "indicators", {"symbol": "BTC/USDT", "indicators": ["rsi"], "timeframe": "1h"})
cmd("stoch rsi for sol daily", TECH, "indicators", {"symbol": "SOL/USDT", "indicators": ["stochrsi"], "timeframe": "1d"})
cmd("show bollinger bands and macd for ETHUSDT 15m", TECH, "indicators",
    {"symbol": "ETH/USDT", "indicators": ["bollinger", "macd"], "timeframe": "15m"})
cmd("ema 50 on avax 4h", TECH, "indicators",
    {"symbol": "AVAX/USDT", "indicators": ["ema"], "indicator_period": 50, "timeframe": "4h"})
cmd("fib levels for btc weekly", TECH, "levels", {"symbol": "BTC/USDT", "indicators": ["fibonacci"], "timeframe": "1w"})
cmd("chart for link 4h", TECH, "chart", {"symbol": "LINK/USDT", "timeframe": "4h"})
cmd("where's support on doge", TECH, "levels", {"symbol": "DOGE/USDT"})
cmd("vwap and volume for SOL on the 5m", TECH, "indicators",
    {"symbol": "SOL/USDT", "indicators": ["vwap", "volume"], "timeframe": "5m"})
cmd("is btc overbought on the daily?", TECH, "indicators", {"symbol": "BTC/USDT", "timeframe": "1d"})
cmd("atr of eth hourly", TECH, "indicators", {"symbol": "ETH/USDT", "indicators": ["atr"], "timeframe": "1h"})

# --- portfolio -----------------------------------------------------------------------------------
cmd("show my portfolio", PF, "portfolio", {})
cmd("what's my usdt balance", PF, "balance", {"asset": "USDT"})
cmd("how much eth do i have on binance", PF, "balance", {"asset": "ETH", "exchange": "binance"})
cmd("open positions?", PF, "positions", {})
cmd("show open orders for btc", PF, "orders", {"symbol": "BTC/USDT"})
cmd("what's my pnl this week", PF, "pnl", {"period": "7d"})
cmd("my trade history last month", PF, "history", {"period": "30d"})
cmd("how much did i make today", PF, "pnl", {"period": "24h"})

# --- risk ----------------------------------------------------------------------------------------
cmd("how exposed am i to eth", RISK, "portfolio_risk", {"symbol": "ETH/USDT"})
cmd("position size for btc long at 62k, stop 60.5k, risk 1%", RISK, "position_size",
    {"symbol": "BTC/USDT", "side": "buy", "price": 62000, "stop_loss": 60500, "risk_percent": 1})
cmd("how much sol can i buy if I risk $50 with a stop at 140", RISK, "position_size",
    {"symbol": "SOL/USDT", "risk_amount": 50, "stop_loss": 140}, lenient=("side",))
cmd("how risky is a 25x eth long", RISK, "trade_risk", {"symbol": "ETH/USDT", "side": "buy", "leverage": 25})
cmd("what's my liquidation risk", RISK, "portfolio_risk", {})

# --- strategy, news, sentiment -------------------------------------------------------------------
cmd("what should i do with my ada", STRAT, "recommend", {"symbol": "ADA/USDT"})
cmd("suggest a dca plan for btc with 500 usdt a month", STRAT, "recommend", {"symbol": "BTC/USDT", "quote_amount": 500},
    lenient=("period",))
cmd("hold or sell my doge?", STRAT, "recommend", {"symbol": "DOGE/USDT"}, lenient=("side",))
cmd("is it time to buy the dip", STRAT, "recommend", {}, lenient=("side",))
cmd("any news on ripple", NEWS, "news", {"symbol": "XRP/USDT"})
cmd("what happened to luna today", NEWS, "news", {"symbol": "LUNA/USDT", "period": "24h"})
cmd("latest crypto headlines", NEWS, "news", {})
cmd("AI coins news", NEWS, "news", {})
cmd("what's the sentiment on pepe", SENT, "sentiment", {"symbol": "PEPE/USDT"})
cmd("is the market fearful or greedy right now", SENT, "sentiment", {})
cmd("are people bullish on eth?", SENT, "sentiment", {"symbol": "ETH/USDT"})

# --- general -------------------------------------------------------------------------------------
cmd("hey", GEN, "greeting", {})
cmd("gm fam 🚀", GEN, "greeting", {})
cmd("help", GEN, "help", {})
cmd("what can this bot do", GEN, "help", {})
cmd("what is a stop limit order", GEN, "explain", {})
cmd("explain funding rate", GEN, "explain", {})
cmd("ONE more question: what is leverage", GEN, "explain", {})
cmd("thanks mate 👍", GEN, "other", {})
cmd("lol ok", GEN, "other", {})
cmd("SO what is a perp", GEN, "explain", {})

# --- signal posts --------------------------------------------------------------------------------
sig("🚀 #SOL/USDT LONG 🚀\n\nEntry Zone: 142.50 - 145.00\n\nTargets:\n1) 148.00\n2) 152.50\n3) 158.00\n\n"
    "Stop Loss: 138.90\n\nLeverage: Cross 20x",
    {"symbol": "SOL/USDT", "side": "buy", "entries": [142.5, 145], "take_profits": [148, 152.5, 158], "stop_loss": 138.9,
     "leverage": 20, "margin_mode": "cross"})
sig("📊 COIN: #AVAX\n⬆️ LONG\nBuy between 26.10 and 26.80\nTP1: 27.40\nTP2: 28.20\nTP3: 29.50\nSL: 24.90\nIsolated 10x",
    {"symbol": "AVAX/USDT", "side": "buy", "entries": [26.1, 26.8], "take_profits": [27.4, 28.2, 29.5], "stop_loss": 24.9,
     "leverage": 10, "margin_mode": "isolated"})
sig("$INJ\nSHORT\nEntry: 24.35\nTP1 23.80 | TP2 23.10 | TP3 22.40\nSL 25.20\nLeverage 5-10x",
    {"symbol": "INJ/USDT", "side": "sell", "entries": [24.35], "take_profits": [23.8, 23.1, 22.4], "stop_loss": 25.2,
     "leverage": 5, "leverage_max": 10})
sig("Exchange: Binance Futures\nPair: DOTUSDT\nDirection: Long\nEntry: 6.45 - 6.60\nTake-Profit Targets:\n1) 6.75\n"
    "2) 6.92\n3) 7.15\n4) 7.40\nStop: 6.18\nLeverage: 10x",
    {"symbol": "DOT/USDT", "side": "buy", "entries": [6.45, 6.6], "take_profits": [6.75, 6.92, 7.15, 7.4], "stop_loss": 6.18,
     "leverage": 10, "exchange": "binance", "market_type": "futures"})
sig("#ADX/BTC\nBuy: 450-480 sat\nSell: 520-560-610 sat\nStop: 410 sat",
    {"symbol": "ADX/BTC", "side": "buy", "entries": [450, 480], "take_profits": [520, 560, 610], "stop_loss": 410},
    alt=[{"symbol": "ADX/BTC", "side": "buy", "entries": [4.5e-06, 4.8e-06], "take_profits": [5.2e-06, 5.6e-06, 6.1e-06],
          "stop_loss": 4.1e-06}])
sig("$RVN\nBuy zone: 95-102 sats\nTargets: 110, 118, 130 sats\nSL: 88 sats",
    {"symbol": "RVN/BTC", "side": "buy", "entries": [95, 102], "take_profits": [110, 118, 130], "stop_loss": 88})
sig("QKC/BTC\nBuy: 0.00000085 - 0.00000090\nTargets: 0.00000098 / 0.00000110 / 0.00000125\nStop: 0.00000078",
    {"symbol": "QKC/BTC", "side": "buy", "entries": [8.5e-07, 9e-07], "take_profits": [9.8e-07, 1.1e-06, 1.25e-06],
     "stop_loss": 7.8e-07})
sig("#FET\nBuy zone: 0.58-0.62\nShort-term targets: 0.66, 0.70, 0.75\nMid-term targets: 0.85, 1.00\nStop loss: 0.53",
    {"symbol": "FET/USDT", "side": "buy", "entries": [0.58, 0.62], "take_profits": [0.66, 0.7, 0.75, 0.85, 1.0],
     "stop_loss": 0.53})
sig("🔥 $ARB LONG\nEntry: CMP and DCA at 0.78\nTargets: 0.85 - 0.89 - 0.95\nStop Loss: 5%\nLeverage: 3x",
    {"symbol": "ARB/USDT", "side": "buy", "entries": [0.78], "entry_at_market": True, "take_profits": [0.85, 0.89, 0.95],
     "stop_loss_percent": 5, "leverage": 3})
sig("#ETH лонг 🟢\nВход: 2950-3000\nЦели: 3080, 3150, 3250\nСтоп: 2880\nПлечо 10х",
    {"symbol": "ETH/USDT", "side": "buy", "entries": [2950, 3000], "take_profits": [3080, 3150, 3250], "stop_loss": 2880,
     "leverage": 10})
sig("LONG BTC/USDT\nEntry: 61200-61800\nTP: 62500 / 63400 / 64800\nSL: 60300\nLeverage: 20х",
    {"symbol": "BTC/USDT", "side": "buy", "entries": [61200, 61800], "take_profits": [62500, 63400, 64800],
     "stop_loss": 60300, "leverage": 20})
sig("💎 NEW SIGNAL 💎\n\n🪙 $WIF/USDT\n📈 Position: LONG\n💵 Entry: 2.35 - 2.42\n🎯 TP 1 ➜ 2.50\n🎯 TP 2 ➜ 2.61\n"
    "🎯 TP 3 ➜ 2.78\n🛑 SL ➜ 2.24\n⚡ Leverage: 10x - 20x",
    {"symbol": "WIF/USDT", "side": "buy", "entries": [2.35, 2.42], "take_profits": [2.5, 2.61, 2.78], "stop_loss": 2.24,
     "leverage": 10, "leverage_max": 20})
sig("#LTC SHORT\nEntry: 92.4\nTargets: 1) 90.8 2) 89.1 3) 86.5\nStop: 94.9",
    {"symbol": "LTC/USDT", "side": "sell", "entries": [92.4], "take_profits": [90.8, 89.1, 86.5], "stop_loss": 94.9})
sig("📍 ENA/USDT (Spot)\nBuy: 0.42\nDCA: 0.385\nTargets: 0.47 / 0.52 / 0.60\nSL: 0.355",
    {"symbol": "ENA/USDT", "side": "buy", "entries": [0.385, 0.42], "take_profits": [0.47, 0.52, 0.6], "stop_loss": 0.355,
     "market_type": "spot"})
sig("$TIA long\nEntry now: 5.12\nTake profit: 3% / 6% / 10%\nStop loss: -4%",
    {"symbol": "TIA/USDT", "side": "buy", "entries": [5.12], "take_profit_percents": [3, 6, 10], "stop_loss_percent": 4},
    lenient=("entry_at_market",))
sig("Coin: OP/USDT\nExchanges: Binance, Bybit, OKX\nType: Short\nEntry: 1.755-1.790\nTargets: 1.720, 1.680, 1.620\n"
    "Stop-loss: 1.845\nLeverage: 5x",
    {"symbol": "OP/USDT", "side": "sell", "entries": [1.755, 1.79], "take_profits": [1.72, 1.68, 1.62], "stop_loss": 1.845,
     "leverage": 5, "exchanges": ["binance", "bybit", "okx"]})
sig("⚡️⚡️ #NEAR/USDT ⚡️⚡️\nSignal Type: Regular (Long)\nLeverage: Isolated (10X)\nAmount per trade: 5%\n"
    "Entry Targets: 4.85\nTake-Profit Targets:\n1) 4.95\n2) 5.05\n3) 5.20\n4) 5.40\nStop Targets:\n1) 4.60",
    {"symbol": "NEAR/USDT", "side": "buy", "entries": [4.85], "take_profits": [4.95, 5.05, 5.2, 5.4], "stop_loss": 4.6,
     "leverage": 10, "margin_mode": "isolated", "percent_of_balance": 5})
sig("Looking to short BNB here around 598-605. First target 585, second 570. Invalidation above 614.",
    {"symbol": "BNB/USDT", "side": "sell", "entries": [598, 605], "take_profits": [585, 570], "stop_loss": 614})
sig("#XRP #XRPUSDT\nBuy @ CMP 0.5120\nTP: 0.5300, 0.5480, 0.5750\nSL: 0.4950",
    {"symbol": "XRP/USDT", "side": "buy", "entries": [0.512], "entry_at_market": True, "take_profits": [0.53, 0.548, 0.575],
     "stop_loss": 0.495})
sig("BTCUSDT.P | SHORT | 15m\nEntry: 67,850\nTP1: 67,200\nTP2: 66,500\nTP3: 65,400\nSL: 68,600",
    {"symbol": "BTC/USDT", "side": "sell", "entries": [67850], "take_profits": [67200, 66500, 65400], "stop_loss": 68600},
    lenient=("market_type",))
sig("GALA/USDT long setup\nEntry range 0.0285 - 0.0292\nTarget 1: 0.0310\nTarget 2: 0.0335\nStop loss: 0.0271\n"
    "Risk 1-2% of your capital",
    {"symbol": "GALA/USDT", "side": "buy", "entries": [0.0285, 0.0292], "take_profits": [0.031, 0.0335], "stop_loss": 0.0271})
sig("🟥 SHORT #AAVE\nLev: 15x (cross)\nEntries: 94.20 / 95.80\nTPs: 92.10 / 90.40 / 87.00\nSL: 97.60",
    {"symbol": "AAVE/USDT", "side": "sell", "entries": [94.2, 95.8], "take_profits": [92.1, 90.4, 87], "stop_loss": 97.6,
     "leverage": 15, "margin_mode": "cross"})
sig("#BTC Buy zone: 58.2k - 59k\nTargets: 61k, 63.5k, 66k\nStop: 56.8k",
    {"symbol": "BTC/USDT", "side": "buy", "entries": [58200, 59000], "take_profits": [61000, 63500, 66000],
     "stop_loss": 56800})
sig("$SAND LONG\nEntry: 0,4120 - 0,4200\nTP: 0,4350 / 0,4500 / 0,4700\nSL: 0,3980",
    {"symbol": "SAND/USDT", "side": "buy", "entries": [0.412, 0.42], "take_profits": [0.435, 0.45, 0.47], "stop_loss": 0.398})
sig("📌 $LINK/USDT\n\nLONG 🟢\n\nEntry: $13.40 - $13.75\n\nTargets:\n1) $14.10\n2) $14.60\n3) $15.30\n4) $16.20\n\n"
    "Stop Loss: $12.85\n\nLeverage: 5x - 10x",
    {"symbol": "LINK/USDT", "side": "buy", "entries": [13.4, 13.75], "take_profits": [14.1, 14.6, 15.3, 16.2],
     "stop_loss": 12.85, "leverage": 5, "leverage_max": 10})
sig("SUI spot buy\nEntry 1.02-1.08\nShort term: 1.18 - 1.25\nMid term: 1.45 - 1.70\nSL: close below 0.94",
    {"symbol": "SUI/USDT", "side": "buy", "entries": [1.02, 1.08], "take_profits": [1.18, 1.25, 1.45, 1.7],
     "stop_loss": 0.94, "market_type": "spot"})
sig("🔔 KAS/USDT\nOpen LONG at 0.1480-0.1510\nTake profit: 0.1560 - 0.1620 - 0.1700\nStop: 0.1420\n"
    "Margin: isolated, leverage 8x",
    {"symbol": "KAS/USDT", "side": "buy", "entries": [0.148, 0.151], "take_profits": [0.156, 0.162, 0.17], "stop_loss": 0.142,
     "leverage": 8, "margin_mode": "isolated"})
sig("#APT SHORT NOW\nEntry: market\nTP1 -3%\nTP2 -6%\nSL +4%",
    {"symbol": "APT/USDT", "side": "sell", "entry_at_market": True, "take_profit_percents": [3, 6], "stop_loss_percent": 4})
sig("1000SHIBUSDT LONG\nEntry: 0.01420-0.01450\nTP: 0.01490, 0.01530, 0.01600\nSL: 0.01370\n20x",
    {"symbol": "1000SHIB/USDT", "side": "buy", "entries": [0.0142, 0.0145], "take_profits": [0.0149, 0.0153, 0.016],
     "stop_loss": 0.0137, "leverage": 20})
sig("Hey guys, new setup on $MATIC 👇\nI'm going long from 0.52 to 0.53\nTargets are 0.56 and 0.60\nStop under 0.49\n"
    "Don't use more than 5x",
    {"symbol": "MATIC/USDT", "side": "buy", "entries": [0.52, 0.53], "take_profits": [0.56, 0.6], "stop_loss": 0.49},
    lenient=("leverage",))
sig("Buy #ATOM between 7.80 - 8.05\nSell targets: 8.40 / 8.90 / 9.60\nStop: 7.45",
    {"symbol": "ATOM/USDT", "side": "buy", "entries": [7.8, 8.05], "take_profits": [8.4, 8.9, 9.6], "stop_loss": 7.45})
sig("$RENDER breakout long\nEntry above 7.20\nTP: 7.60, 8.10\nSL: 6.90",
    {"symbol": "RENDER/USDT", "side": "buy", "entries": [7.2], "take_profits": [7.6, 8.1], "stop_loss": 6.9})
sig("ETH/BTC SHORT\nEntry: 0.0545-0.0552\nTP: 0.0530 / 0.0518\nSL: 0.0561",
    {"symbol": "ETH/BTC", "side": "sell", "entries": [0.0545, 0.0552], "take_profits": [0.053, 0.0518], "stop_loss": 0.0561})
sig("Bybit | SOLUSDT Perp\nSide: Buy\nEntry: 146.2\nTake Profit: 149.8 / 153.0\nStop Loss: 143.1\nLeverage: 12x",
    {"symbol": "SOL/USDT", "side": "buy", "entries": [146.2], "take_profits": [149.8, 153], "stop_loss": 143.1,
     "leverage": 12, "exchange": "bybit", "market_type": "futures"})
sig("#ORDI Long\nEntry: 38.5\nTP1: 40\nTP2: 42\nTP3: 🚀\nSL: 36.2",
    {"symbol": "ORDI/USDT", "side": "buy", "entries": [38.5], "take_profits": [40, 42], "stop_loss": 36.2})
sig("SELL #EOS/USDT\nEntry: 0.745\nTargets: 0.725 - 0.705 - 0.680\nStop: 0.770",
    {"symbol": "EOS/USDT", "side": "sell", "entries": [0.745], "take_profits": [0.725, 0.705, 0.68], "stop_loss": 0.77})
sig("$DYDX Spot\nBuy: 1.12 - 1.18\nTP: 1.30 / 1.45 / 1.65\nStop Loss: 8%",
    {"symbol": "DYDX/USDT", "side": "buy", "entries": [1.12, 1.18], "take_profits": [1.3, 1.45, 1.65],
     "stop_loss_percent": 8, "market_type": "spot"})
sig("#TON/USDT\nDirection: SHORT\nLeverage: Isolated 7x\nEntry Targets:\n1) 5.42\n2) 5.55\nTake-Profit Targets:\n"
    "1) 5.30\n2) 5.18\n3) 5.02\nStop Targets:\n1) 5.71",
    {"symbol": "TON/USDT", "side": "sell", "entries": [5.42, 5.55], "take_profits": [5.3, 5.18, 5.02], "stop_loss": 5.71,
     "leverage": 7, "margin_mode": "isolated"})
sig("Bitcoin looks ready for another leg up. Buy zone 63,200-63,800, targets 65,000 and 66,400, stop loss 62,100. "
    "Not financial advice.",
    {"symbol": "BTC/USDT", "side": "buy", "entries": [63200, 63800], "take_profits": [65000, 66400], "stop_loss": 62100})
sig("LONG $SEI | Entry 0.412 | TP 0.445 | SL 0.395 | 5x",
    {"symbol": "SEI/USDT", "side": "buy", "entries": [0.412], "take_profits": [0.445], "stop_loss": 0.395, "leverage": 5})
sig("#HBARUSDT\nBuy: 0.0710-0.0735\nSell: 0.0780-0.0820-0.0890\nStop: 0.0670\nExchange: KuCoin",
    {"symbol": "HBAR/USDT", "side": "buy", "entries": [0.071, 0.0735], "take_profits": [0.078, 0.082, 0.089],
     "stop_loss": 0.067, "exchange": "kucoin"})
sig("🟢 $PENDLE\nEntry 1: 4.10\nEntry 2 (DCA): 3.85\nTargets: 4.45 / 4.80 / 5.30\nSL: 3.60\nLeverage: 5-7x\n"
    "Use 2% of funds",
    {"symbol": "PENDLE/USDT", "side": "buy", "entries": [3.85, 4.1], "take_profits": [4.45, 4.8, 5.3], "stop_loss": 3.6,
     "leverage": 5, "leverage_max": 7, "percent_of_balance": 2})
sig("GATE.IO SPOT\n$KAVA\nBuy around 0.395 - 0.410\nTargets 0.44 - 0.48 - 0.53\nSL 0.372",
    {"symbol": "KAVA/USDT", "side": "buy", "entries": [0.395, 0.41], "take_profits": [0.44, 0.48, 0.53], "stop_loss": 0.372,
     "exchange": "gate", "market_type": "spot"})
sig("#DOGE short setup 📉\nEntry: 0.1655\nTarget: 0.1580\nStop: 0.1700\nR:R 1:1.7",
    {"symbol": "DOGE/USDT", "side": "sell", "entries": [0.1655], "take_profits": [0.158], "stop_loss": 0.17})
sig("STX\nLONG\nENTRY 1.62 - 1.66\nTARGETS 1.72 1.79 1.88\nSTOP 1.55",
    {"symbol": "STX/USDT", "side": "buy", "entries": [1.62, 1.66], "take_profits": [1.72, 1.79, 1.88], "stop_loss": 1.55})
sig("PEPE/USDT\nBuy zone: 0.00001180 - 0.00001215\nTP: 0.00001260, 0.00001320, 0.00001400\nSL: 0.00001120\nMode: Cross 25x",
    {"symbol": "PEPE/USDT", "side": "buy", "entries": [1.18e-05, 1.215e-05], "take_profits": [1.26e-05, 1.32e-05, 1.4e-05],
     "stop_loss": 1.12e-05, "leverage": 25, "margin_mode": "cross"})
sig("Short $ETH at $3.1k–$3.15k\nTP $2.95k / $2.8k\nSL $3.25k",
    {"symbol": "ETH/USDT", "side": "sell", "entries": [3100, 3150], "take_profits": [2950, 2800], "stop_loss": 3250})
sig("‼️ SCALP ‼️\n#CRV/USDT\nLong 🟢 Cross 50-75X\nEntry: 0.2710 - 0.2745\nTargets: 0.2770 - 0.2800 - 0.2840 - 0.2900\n"
    "Stoploss: 0.2660",
    {"symbol": "CRV/USDT", "side": "buy", "entries": [0.271, 0.2745], "take_profits": [0.277, 0.28, 0.284, 0.29],
     "stop_loss": 0.266, "leverage": 50, "leverage_max": 75, "margin_mode": "cross"})
sig("Pair: ICP/USDT\nPosition: Short\nEntry Price: 9.85\nTake Profit 1: 9.60\nTake Profit 2: 9.30\nTake Profit 3: 8.90\n"
    "Stop Loss: 10.20\nLeverage: 5",
    {"symbol": "ICP/USDT", "side": "sell", "entries": [9.85], "take_profits": [9.6, 9.3, 8.9], "stop_loss": 10.2,
     "leverage": 5})
sig("WLD/USDT 📈\nBUY: 2.05 - 2.12\nSELL: 2.25 / 2.40 / 2.60 / 2.85\nSTOP LOSS: 1.94\nExchange: Binance Spot",
    {"symbol": "WLD/USDT", "side": "buy", "entries": [2.05, 2.12], "take_profits": [2.25, 2.4, 2.6, 2.85], "stop_loss": 1.94,
     "exchange": "binance", "market_type": "spot"})
sig("$JUP LONG 🚀\nEntries: 0.88, 0.85, 0.82\nTPs: 0.95, 1.02, 1.10, 1.10\nSL 0.78",
    {"symbol": "JUP/USDT", "side": "buy", "entries": [0.82, 0.85, 0.88], "take_profits": [0.95, 1.02, 1.1, 1.1],
     "stop_loss": 0.78})
sig("Ripple (XRP) long idea\nEntry: 0.58\nTarget: 0.64\nStop: 0.55",
    {"symbol": "XRP/USDT", "side": "buy", "entries": [0.58], "take_profits": [0.64], "stop_loss": 0.55})

# --- channel follow-ups --------------------------------------------------------------------------
upd("✅ #SOL Target 2 reached", {"symbol": "SOL/USDT", "update": "tp_hit", "target_index": 2})
upd("#BTC All targets achieved 🚀", {"symbol": "BTC/USDT", "update": "tp_hit", "all_targets": True}, lenient=("target_index",))
upd("#AVAX/USDT Stop loss triggered ❌", {"symbol": "AVAX/USDT", "update": "sl_hit"})
upd("#LINK Move SL to breakeven 🔒", {"symbol": "LINK/USDT", "update": "move_sl", "to_breakeven": True})
upd("#DOT/USDT close half now 💰", {"symbol": "DOT/USDT", "update": "close"}, lenient=("close_percent",))
upd("⚠️ #NEAR signal cancelled - entry not reached", {"symbol": "NEAR/USDT", "update": "cancel"})
upd("#INJ TP1 ✅ +12%", {"symbol": "INJ/USDT", "update": "tp_hit", "target_index": 1})
upd("🎯 $ARB hit target 3, profit +36% (10x)", {"symbol": "ARB/USDT", "update": "tp_hit", "target_index": 3},
    lenient=("leverage",))
upd("ETHUSDT 🔥 Take-Profit target 1 ✅\nProfit: 45.2% 📈\nPeriod: 2 hours",
    {"symbol": "ETH/USDT", "update": "tp_hit", "target_index": 1})
upd("#FET stopped out 😔 -8%", {"symbol": "FET/USDT", "update": "sl_hit"}, lenient=("stop_loss_percent",))
upd("#OP Entry filled ✅ at 1.77", {"symbol": "OP/USDT", "update": "entry_filled"}, lenient=("entries",))
upd("#TIA SL moved to 5.35 📌", {"symbol": "TIA/USDT", "update": "move_sl", "stop_loss": 5.35})
upd("Binance Futures #MATIC/USDT\nAll entry targets achieved ✅", {"symbol": "MATIC/USDT", "update": "entry_filled"},
    lenient=("exchange", "market_type"))
upd("#XRP closed in profit 💰 +22%", {"symbol": "XRP/USDT", "update": "close"})
upd("Cancel #SUI setup ❌ price ran without us", {"symbol": "SUI/USDT", "update": "cancel"})
upd("#BNB 4th target hit 🎯🎯🎯🎯", {"symbol": "BNB/USDT", "update": "tp_hit", "target_index": 4})
upd("#KAS Target 1 ✅ Target 2 ✅ Target 3 ✅", {"symbol": "KAS/USDT", "update": "tp_hit", "target_index": 3})
upd("#ATOM Move stop loss to entry now, TP1 secured 🎯", {"symbol": "ATOM/USDT", "update": "move_sl", "to_breakeven": True},
    lenient=("target_index",))
upd("📢 $WIF hit stoploss, -10%", {"symbol": "WIF/USDT", "update": "sl_hit"}, lenient=("stop_loss_percent",))
upd("#SEI Closed at breakeven 🤝", {"symbol": "SEI/USDT", "update": "close"})
upd("#APT TP2 smashed 🚀🚀 Move SL to TP1", {"symbol": "APT/USDT", "update": "tp_hit", "target_index": 2},
    lenient=("stop_loss", "to_breakeven"))
upd("#LDO/USDT 🛑 Stop Loss hit at 1.82", {"symbol": "LDO/USDT", "update": "sl_hit"}, lenient=("stop_loss",))

# --- second batch, written after the first round of fixes and labelled before running ------------
cmd("plz buy 150 usdc worth of link", TE, "place_order",
    {"symbol": "LINK/USDT", "side": "buy", "quote_amount": 150, "order_type": "market"})
cmd("sell 0.4 ETH when it hits 3,900", TE, "place_order",
    {"symbol": "ETH/USDT", "side": "sell", "amount": 0.4, "order_type": "limit", "price": 3900})
cmd("open a short on BTCUSDT 15x 0.02 btc", TE, "place_order",
    {"symbol": "BTC/USDT", "side": "sell", "leverage": 15, "amount": 0.02, "order_type": "market"})
cmd("cancel my ada orders on kucoin", TE, "cancel_order", {"symbol": "ADA/USDT", "exchange": "kucoin"},
    lenient=("order_type",))
cmd("close 75% of the sol short", TE, "close_position", {"symbol": "SOL/USDT", "side": "sell", "close_percent": 75})
cmd("raise my stop on link to 14.2", TE, "modify_order", {"symbol": "LINK/USDT", "stop_loss": 14.2})
cmd("would you short btc here at 68k with a stop at 69.5k?", TA, "evaluate_trade",
    {"symbol": "BTC/USDT", "side": "sell", "target_price": 68000, "stop_loss": 69500})
cmd("how's $PEPE looking today", MA, "price", {"symbol": "PEPE/USDT", "period": "24h"})
cmd("price of ether in btc", MA, "price", {"symbol": "ETH/BTC"})
cmd("biggest gainers this week", MA, "market_overview", {"period": "7d"})
cmd("alert when sol goes over 180", MA, "create_alert", {"symbol": "SOL/USDT", "condition": "above", "target_price": 180})
cmd("list my price alerts", MA, "list_alerts", {})
cmd("cancel alert 3", MA, "delete_alert", {"alert_id": "3"})
cmd("macd for 1000PEPEUSDT on 1h", TECH, "indicators",
    {"symbol": "1000PEPE/USDT", "indicators": ["macd"], "timeframe": "1h"})
cmd("show me a 4h chart of arb", TECH, "chart", {"symbol": "ARB/USDT", "timeframe": "4h"})
cmd("key resistance levels for eth", TECH, "levels", {"symbol": "ETH/USDT"})
cmd("how much usdc do i have", PF, "balance", {"asset": "USDC"})
cmd("what positions do i have open on bybit", PF, "positions", {"exchange": "bybit"})
cmd("am i in profit on my sol trade", PF, "pnl", {"symbol": "SOL/USDT"})
cmd("what did i trade this week", PF, "history", {"period": "7d"})
cmd("how big should my position be if i risk 2% on eth with stop at 2,900", RISK, "position_size",
    {"symbol": "ETH/USDT", "risk_percent": 2, "stop_loss": 2900})
cmd("am i overleveraged", RISK, "portfolio_risk", {})
cmd("recommend a strategy for a sideways market", STRAT, "recommend", {})
cmd("why is doge pumping", NEWS, "news", {"symbol": "DOGE/USDT"})
cmd("fear and greed index?", SENT, "sentiment", {})
cmd("good morning", GEN, "greeting", {})
cmd("what does DCA mean", GEN, "explain", {})
cmd("close SOL", TE, "close_position", {"symbol": "SOL/USDT"})
sig("⚡ #DOGE/USDT ⚡\n\n🔴 Short\n\nEntry zone: 0.1720 - 0.1745\n\nTargets 🎯\n1️⃣ 0.1690\n2️⃣ 0.1655\n3️⃣ 0.1610\n\n"
    "⛔ Stop: 0.1790\n\nLeverage: Cross 10x",
    {"symbol": "DOGE/USDT", "side": "sell", "entries": [0.172, 0.1745], "take_profits": [0.169, 0.1655, 0.161],
     "stop_loss": 0.179, "leverage": 10, "margin_mode": "cross"})
sig("COIN: $UNI\nBUY ZONE: 9.40 - 9.80\nTP1 10.30 TP2 10.90 TP3 11.80\nSTOP LOSS 8.95\nEXCHANGE: BYBIT SPOT",
    {"symbol": "UNI/USDT", "side": "buy", "entries": [9.4, 9.8], "take_profits": [10.3, 10.9, 11.8], "stop_loss": 8.95,
     "exchange": "bybit", "market_type": "spot"})
sig("#XLM\n\nBuy: 1150 - 1200 sats\nTarget: 1300 - 1420 - 1600 sats\nStop loss: 1050 sats",
    {"symbol": "XLM/BTC", "side": "buy", "entries": [1150, 1200], "take_profits": [1300, 1420, 1600], "stop_loss": 1050})
sig("🔵 AVAXUSDT.P\nLong 📈 Isolated 5x\nEntries: 25.8 - 25.2 - 24.6\nTP: 26.9 / 27.8 / 29.0\nSL: 23.9",
    {"symbol": "AVAX/USDT", "side": "buy", "entries": [24.6, 25.2, 25.8], "take_profits": [26.9, 27.8, 29],
     "stop_loss": 23.9, "leverage": 5, "margin_mode": "isolated"}, lenient=("market_type",))
sig("Trade idea: $NEAR short below 5.10\nTP1: 4.85\nTP2: 4.60\nInvalidation: 5.35",
    {"symbol": "NEAR/USDT", "side": "sell", "entries": [5.1], "take_profits": [4.85, 4.6], "stop_loss": 5.35})
sig("ONDO/USDT\nSignal: BUY\nEntry: 0.92\nTake Profit: 0.98, 1.05, 1.15\nStop Loss: 0.86\nLeverage: 3-5x\n"
    "Amount: 3% of balance",
    {"symbol": "ONDO/USDT", "side": "buy", "entries": [0.92], "take_profits": [0.98, 1.05, 1.15], "stop_loss": 0.86,
     "leverage": 3, "leverage_max": 5, "percent_of_balance": 3})
sig("#BTCUSDT SHORT 🔻\nEntry: 69,400 - 70,100\nTargets: 68,200 / 67,100 / 65,800\nStop: 71,300\nLeverage: Isolated 20х",
    {"symbol": "BTC/USDT", "side": "sell", "entries": [69400, 70100], "take_profits": [68200, 67100, 65800],
     "stop_loss": 71300, "leverage": 20, "margin_mode": "isolated"})
sig("$TRX LONG\nEntry: CMP\nTP: 0.128 / 0.135\nSL: 0.114",
    {"symbol": "TRX/USDT", "side": "buy", "entry_at_market": True, "take_profits": [0.128, 0.135], "stop_loss": 0.114})
upd("#DOGE/USDT ✅ Target 1 done\nProfit: +17.4% (10x)", {"symbol": "DOGE/USDT", "update": "tp_hit", "target_index": 1},
    lenient=("leverage",))
upd("#UNI ❌ stop loss hit", {"symbol": "UNI/USDT", "update": "sl_hit"})
upd("#AVAX TP2 reached 🎯 move your SL to entry", {"symbol": "AVAX/USDT", "update": "tp_hit", "target_index": 2},
    lenient=("to_breakeven", "stop_loss"))
upd("#NEAR setup invalidated, cancel the limit orders ❌", {"symbol": "NEAR/USDT", "update": "cancel"})
upd("#ONDO closed manually ✋ +6%", {"symbol": "ONDO/USDT", "update": "close"})
