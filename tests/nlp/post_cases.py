"""Channel posts invented for the post reader's tests, one group per class of failure in issue 8.

Written from nlp-contract.md, not copied from any dev set: coins, prices and wording are made up
(ZORKA and QWIX are not real tickers, so that only the post's own structure can name them).
Each case is (post, every contract entity expected); the test reads it as a forwarded post and
also as pasted text, which must give the same reading.
"""

GLUED = [
    ("KAVALONGLeverage: 5xEntry: 0.412Targets: 0.43 0.45 0.48Stop: 0.39",
     {"symbol": "KAVA/USDT", "side": "buy", "leverage": 5, "entries": [0.412], "take_profits": [0.43, 0.45, 0.48],
      "stop_loss": 0.39}),
    ("#LINK SHORT\nEntry 14.20-14.45\nTP114.0\nTP213.7\nTP313.3\nSL 14.9",
     {"symbol": "LINK/USDT", "side": "sell", "entries": [14.2, 14.45], "take_profits": [14, 13.7, 13.3],
      "stop_loss": 14.9}),
    ("#XRP Long\nEntry: 0.61\nTargets: 1\ufe0f\u20e30.63 2\ufe0f\u20e30.65 3\ufe0f\u20e30.68\nSL: 0.58",
     {"symbol": "XRP/USDT", "side": "buy", "entries": [0.61], "take_profits": [0.63, 0.65, 0.68], "stop_loss": 0.58}),
    ("ZORKA/USDT SHORT\nEntry \u2460 0.052 \u2461 0.053\nTargets \u2460 0.05 \u2461 0.048\nStop 0.055",
     {"symbol": "ZORKA/USDT", "side": "sell", "entries": [0.052, 0.053], "take_profits": [0.05, 0.048],
      "stop_loss": 0.055}),
]

SECTIONS = [
    ("ALGO/USDT\nLong\nBuy zone 0.181 - 0.176\nTargets:\n1) 0.19\n2) 0.198\n3) 0.21\nStop 0.169",
     {"symbol": "ALGO/USDT", "side": "buy", "entries": [0.176, 0.181], "take_profits": [0.19, 0.198, 0.21],
      "stop_loss": 0.169}),
    ("XLM long\nBuy around 0.262\nTargets:\n0.27\n0.278\n0.29\nStopls 0.251",
     {"symbol": "XLM/USDT", "side": "buy", "entries": [0.262], "take_profits": [0.27, 0.278, 0.29],
      "stop_loss": 0.251}),
    ("#PEPE Long\nEntry: 0.00001210\nTargets:\n\U0001f3af 0.00001260\n\U0001f3af 0.00001310\nSL: 0.00001150",
     {"symbol": "PEPE/USDT", "side": "buy", "entries": [0.0000121], "take_profits": [0.0000126, 0.0000131],
      "stop_loss": 0.0000115}),
    ("#ADA Long\nEntry: 0.45\nTake Profits:\n1\ufe0f\u20e3 0.47\n2\ufe0f\u20e3 0.49\nStop: 0.43",
     {"symbol": "ADA/USDT", "side": "buy", "entries": [0.45], "take_profits": [0.47, 0.49], "stop_loss": 0.43}),
    ("DOGE/USDT SHORT\nEntry: 0.161\nTarget 1 : 0.157\nTarget 2 : 0.152\nStop loss: 0.166",
     {"symbol": "DOGE/USDT", "side": "sell", "entries": [0.161], "take_profits": [0.157, 0.152], "stop_loss": 0.166}),
    ("#FIL LONG\nEntry 3.85\nT 1: 3.95\nT 2: 4.05\nSL 3.7",
     {"symbol": "FIL/USDT", "side": "buy", "entries": [3.85], "take_profits": [3.95, 4.05], "stop_loss": 3.7}),
    ("#OP Long\nEntry: 1.62\nTg1 1.68\nTg2 1.74\nStop: 1.55",
     {"symbol": "OP/USDT", "side": "buy", "entries": [1.62], "take_profits": [1.68, 1.74], "stop_loss": 1.55}),
    ("$WIF LONG\n\n2.15 - 2.20\n\nTP: 2.35, 2.5\nSL: 2.05",
     {"symbol": "WIF/USDT", "side": "buy", "entries": [2.15, 2.2], "take_profits": [2.35, 2.5], "stop_loss": 2.05}),
    ("#QWIX Long\n\U0001f4cd 0.052 - 0.05\n\U0001f3af 0.056 / 0.06\n\u26d4 0.047",
     {"symbol": "QWIX/USDT", "side": "buy", "entries": [0.05, 0.052], "take_profits": [0.056, 0.06],
      "stop_loss": 0.047}),
]

SYNONYMS = [
    ("$ADA long\nNow 0.452\nClose 0.47 0.49 0.51\n0.43 can be stop",
     {"symbol": "ADA/USDT", "side": "buy", "entries": [0.452], "take_profits": [0.47, 0.49, 0.51], "stop_loss": 0.43}),
    ("SOL/USDT\nLong above 151\nSell zone 158 - 162\nStop bellow 146",
     {"symbol": "SOL/USDT", "side": "buy", "entries": [151], "take_profits": [158, 162], "stop_loss": 146}),
    ("#ATOM long\nBuy zone: 6.1 - 6.2\nExit: 6.5 / 6.8\nStop: 5.9",
     {"symbol": "ATOM/USDT", "side": "buy", "entries": [6.1, 6.2], "take_profits": [6.5, 6.8], "stop_loss": 5.9}),
    ("BTC long 64200\nTargets 65500 66800\n1H candle close under 63000",
     {"symbol": "BTC/USDT", "side": "buy", "entries": [64200], "take_profits": [65500, 66800], "stop_loss": 63000}),
    ("#ETH short 3150\nTargets 3080 3010\nInvalid on a daily close above 3240",
     {"symbol": "ETH/USDT", "side": "sell", "entries": [3150], "take_profits": [3080, 3010], "stop_loss": 3240}),
    ("Buying QWIX around 0.52\nTargets 0.55 0.58\nSL 0.48",
     {"symbol": "QWIX/USDT", "side": "buy", "entries": [0.52], "take_profits": [0.55, 0.58], "stop_loss": 0.48}),
    ("Long opened at 0.52 #QWIX\nTP 0.55\nSL 0.48",
     {"symbol": "QWIX/USDT", "side": "buy", "entries": [0.52], "take_profits": [0.55], "stop_loss": 0.48}),
    ("#XRP\nBuy: 0.52\nSell: 0.55 0.58\nSL: 0.5",
     {"symbol": "XRP/USDT", "side": "buy", "entries": [0.52], "take_profits": [0.55, 0.58], "stop_loss": 0.5}),
]

LANGUAGES = [
    ("Монета: DOT\nЛонг х10\nВход: 7.15\nЦели: 7.3 7.45 7.6\nСтоп: 6.95",
     {"symbol": "DOT/USDT", "side": "buy", "leverage": 10, "entries": [7.15], "take_profits": [7.3, 7.45, 7.6],
      "stop_loss": 6.95}),
    ("APT/USDT ЛОНГ\nВход: по рынку\nУсреднение: 8.1\nТейки: 8.9 9.4\nСтоп: 7.7",
     {"symbol": "APT/USDT", "side": "buy", "entry_at_market": True, "entries": [8.1], "take_profits": [8.9, 9.4],
      "stop_loss": 7.7}),
    ("ETH/USDT SHORT\nGiriş: 3150\nHedefler: 3080 - 3020 - 2950\nZarar durdur: 3220\nKaldıraç: 10x",
     {"symbol": "ETH/USDT", "side": "sell", "leverage": 10, "entries": [3150], "take_profits": [3080, 3020, 2950],
      "stop_loss": 3220}),
    ("#SOL LARGO\nEntrada: 148\nObjetivos: 152 156 160\nStop: 143\nApalancamiento 10x",
     {"symbol": "SOL/USDT", "side": "buy", "leverage": 10, "entries": [148], "take_profits": [152, 156, 160],
      "stop_loss": 143}),
    ("\U0001f48e #QWIX | Binance\n\U0001f4cd الدخول: 0.50 – 0.52\n\U0001f3af الأهداف:\n1\ufe0f\u20e3 0.55\n2\ufe0f\u20e3 0.58\n"
     "\U0001f6d1 الستوب: إغلاق 4 ساعات أسفل 0.47",
     {"symbol": "QWIX/USDT", "side": "buy", "exchange": "binance", "entries": [0.5, 0.52], "take_profits": [0.55, 0.58],
      "stop_loss": 0.47}),
    ("ارز: BTC\nلانگ\nنقطه ورود: ۶۴۰۰۰\nتارگت: ۶۵۰۰۰ - ۶۶۰۰۰\nحد ضرر: ۶۳۰۰۰\nاهرم: 10x",
     {"symbol": "BTC/USDT", "side": "buy", "leverage": 10, "entries": [64000], "take_profits": [65000, 66000],
      "stop_loss": 63000}),
]

LEVERAGE_AND_ALLOCATION = [
    ("#ETH Long 5x-7x\nEntry 3120\nTargets 3200 3300\nSL 3040",
     {"symbol": "ETH/USDT", "side": "buy", "leverage": 5, "leverage_max": 7, "entries": [3120],
      "take_profits": [3200, 3300], "stop_loss": 3040}),
    ("#APT Short\nLeverage 3- 8X\nEntry 8.4\nTP 8.1 7.8\nSL 8.8",
     {"symbol": "APT/USDT", "side": "sell", "leverage": 3, "leverage_max": 8, "entries": [8.4],
      "take_profits": [8.1, 7.8], "stop_loss": 8.8}),
    ("#ATOM Long \u00d720\nEntry 6.1\nTP 6.3\nSL 5.9",
     {"symbol": "ATOM/USDT", "side": "buy", "leverage": 20, "entries": [6.1], "take_profits": [6.3], "stop_loss": 5.9}),
    ("Instrument: NEARUSDT\nSide: Short\nLeverage: Cross (20x)\nEntry: 5.21\nTP: 5.05 4.9\nSL: 5.4",
     {"symbol": "NEAR/USDT", "side": "sell", "leverage": 20, "margin_mode": "cross", "entries": [5.21],
      "take_profits": [5.05, 4.9], "stop_loss": 5.4}),
    ("#ARB LONG\nEntry 0.88\nTP 0.92 0.96\nSL 0.84\nCapital invested: 2%",
     {"symbol": "ARB/USDT", "side": "buy", "entries": [0.88], "take_profits": [0.92, 0.96], "stop_loss": 0.84,
      "percent_of_balance": 2}),
    ("#SEI LONG USE 2% FUND\nEntry 0.41\nTP 0.43 0.45\nSL 0.39",
     {"symbol": "SEI/USDT", "side": "buy", "entries": [0.41], "take_profits": [0.43, 0.45], "stop_loss": 0.39,
      "percent_of_balance": 2}),
    ("#TIA Short\nEntry 9.8\nTP 9.4 9\nSL 10.3\nUse 5-6% balance",
     {"symbol": "TIA/USDT", "side": "sell", "entries": [9.8], "take_profits": [9.4, 9], "stop_loss": 10.3,
      "percent_of_balance": 5}),
    ("AT / USDT\nFUTURES LONG 10X\nBuy Zone: 0.1360\nTargets:\nT1: 0.1470\nT2: 0.1539\nStop Loss: 0.1290",
     {"symbol": "AT/USDT", "side": "buy", "market_type": "futures", "leverage": 10, "entries": [0.136],
      "take_profits": [0.147, 0.1539], "stop_loss": 0.129}),
]

VENUES_AND_QUOTES = [
    ("#BINANCE\nWLD/USDT Long\nEntry 2.1\nTP 2.2 2.3\nSL 1.95",
     {"symbol": "WLD/USDT", "side": "buy", "exchange": "binance", "entries": [2.1], "take_profits": [2.2, 2.3],
      "stop_loss": 1.95}),
    ("Exchange: XT, BITGET\nPair: ONDO/USDT Long\nEntry: 0.91\nTargets: 0.95 - 0.99\nStop: 0.86",
     {"symbol": "ONDO/USDT", "side": "buy", "exchanges": ["xt", "bitget"], "entries": [0.91],
      "take_profits": [0.95, 0.99], "stop_loss": 0.86}),
    ("BYBIT/USDT\n#ORDI Long\nEntry 31.5\nTP 33 35\nSL 29.8",
     {"symbol": "ORDI/USDT", "side": "buy", "exchange": "bybit", "entries": [31.5], "take_profits": [33, 35],
      "stop_loss": 29.8}),
    ("Binance Future\n#GALA Short\nEntry 0.0312\nTP 0.030 0.029\nSL 0.0325",
     {"symbol": "GALA/USDT", "side": "sell", "exchange": "binance", "market_type": "futures", "entries": [0.0312],
      "take_profits": [0.03, 0.029], "stop_loss": 0.0325}),
    ("#ADA/BTC\nBuy 0.00000712\nTargets 0.00000740 0.00000780\nStop 0.00000680",
     {"symbol": "ADA/BTC", "side": "buy", "entries": [0.00000712], "take_profits": [0.0000074, 0.0000078],
      "stop_loss": 0.0000068}),
    ("#QWIX buy 1420-1450 sat\nsell 1520 1600\nstop 1380 sat",
     {"symbol": "QWIX/BTC", "side": "buy", "entries": [1420, 1450], "take_profits": [1520, 1600], "stop_loss": 1380}),
    ("BTCUSD Long\nEntry 64100\nTP 65000 66000\nSL 63200",
     {"symbol": "BTC/USD", "side": "buy", "entries": [64100], "take_profits": [65000, 66000], "stop_loss": 63200}),
    ("Coin Name-> ZORKA\nShort\nEntry 0.81\nTP 0.78 0.75\nSL 0.85",
     {"symbol": "ZORKA/USDT", "side": "sell", "entries": [0.81], "take_profits": [0.78, 0.75], "stop_loss": 0.85}),
    ("VIP Signal\nZORKA LONG\nEntry 0.052\nTP 0.055 0.058\nSL 0.049",
     {"symbol": "ZORKA/USDT", "side": "buy", "entries": [0.052], "take_profits": [0.055, 0.058], "stop_loss": 0.049}),
]

CONSISTENCY = [
    # The leverage after the side is not an entry, and "Entering with 10$" is a stake, not a level.
    ("QWIX/USDT LONG 20x\nEntry: 0.31\nTargets: 0.33 0.35\nStop: 0.29\nEntering with 10$",
     {"symbol": "QWIX/USDT", "side": "buy", "leverage": 20, "entries": [0.31], "take_profits": [0.33, 0.35],
      "stop_loss": 0.29}),
    # A target on the losing side of a long is a misprint among good ones, not a target.
    ("#NEAR Long\nEntry 5.0\nTargets 5.3 5.6 4.1\nStop 4.7",
     {"symbol": "NEAR/USDT", "side": "buy", "entries": [5], "take_profits": [5.3, 5.6], "stop_loss": 4.7}),
]

# Labels of European and Asian channels besides the Russian/Turkish/Spanish/Arabic/Persian ones above.
MORE_LANGUAGES = [
    ("Venda #QWIX\nMoeda: QWIX\nEntrada: 0.0520 - 0.0528\nAlvos: 0.0505 / 0.0490\nStop: 0.0545\nAlavancagem: 10x",
     {"symbol": "QWIX/USDT", "side": "sell", "entries": [0.052, 0.0528], "take_profits": [0.0505, 0.049],
      "stop_loss": 0.0545, "leverage": 10}),
    ("Vente #DOT\nEntrée : 6,85\nObjectifs : 6,60 - 6,40\nStop : 7,05\nLevier : 5x à 10x",
     {"symbol": "DOT/USDT", "side": "sell", "entries": [6.85], "take_profits": [6.6, 6.4], "stop_loss": 7.05,
      "leverage": 5, "leverage_max": 10}),
    ("#FIL LONG\nIngresso: 5.10\nObiettivo: 5.40 / 5.75\nStop loss: 4.90\nLeva: da 3x a 5x",
     {"symbol": "FIL/USDT", "side": "buy", "entries": [5.1], "take_profits": [5.4, 5.75], "stop_loss": 4.9,
      "leverage": 3, "leverage_max": 5}),
    ("#NEAR Kaufen\nEinstieg: 5.20\nZiele: 5.45 - 5.70\nStop: 4.98\nHebel: 10x bis 20x",
     {"symbol": "NEAR/USDT", "side": "buy", "entries": [5.2], "take_profits": [5.45, 5.7], "stop_loss": 4.98,
      "leverage": 10, "leverage_max": 20}),
    ("#ETH 做空\n入场: 3150\n目标: 3080 / 3020\n止损: 3210",
     {"symbol": "ETH/USDT", "side": "sell", "entries": [3150], "take_profits": [3080, 3020], "stop_loss": 3210}),
]

# The entry at the market in its many forms: after a side word, or in the post's own language.
MARKET_ENTRIES = [
    ("\U0001f7e2 #QWIX\nLong now: 0.512\nTargets: 0.53 / 0.55\nStop: 0.49",
     {"symbol": "QWIX/USDT", "side": "buy", "entries": [0.512], "entry_at_market": True, "take_profits": [0.53, 0.55],
      "stop_loss": 0.49}),
    ("#ZORKA\nShort at current 1.84\nTP 1.78 - 1.72\nSL 1.91",
     {"symbol": "ZORKA/USDT", "side": "sell", "entries": [1.84], "entry_at_market": True, "take_profits": [1.78, 1.72],
      "stop_loss": 1.91}),
    ("#ATOM LONG\nGiriş: güncel fiyat\nHedefler: 8.20 - 8.45\nStop: 7.70",
     {"symbol": "ATOM/USDT", "side": "buy", "entry_at_market": True, "take_profits": [8.2, 8.45], "stop_loss": 7.7}),
    ("#LINK LONG\nEntrée : au marché\nObjectifs : 15,20 - 15,80\nStop : 14,10",
     {"symbol": "LINK/USDT", "side": "buy", "entry_at_market": True, "take_profits": [15.2, 15.8], "stop_loss": 14.1}),
    ("#QWIX SHORT\nEntry: 0.845 - Market\nTP: 0.82 - 0.80\nSL: 0.87",
     {"symbol": "QWIX/USDT", "side": "sell", "entries": [0.845], "entry_at_market": True, "take_profits": [0.82, 0.8],
      "stop_loss": 0.87}),
    ("#ZORKA LONG\nOrder type: Market\nEntry: 2.14\nTP: 2.25 - 2.31\nSL: 2.05",
     {"symbol": "ZORKA/USDT", "side": "buy", "entries": [2.14], "entry_at_market": True, "take_profits": [2.25, 2.31],
      "stop_loss": 2.05}),
    ("#SOL ЛОНГ\nВход: рыночный\nЦели: 152 / 158\nСтоп: 141",
     {"symbol": "SOL/USDT", "side": "buy", "entry_at_market": True, "take_profits": [152, 158], "stop_loss": 141}),
    ("#SOL LARGO\nEntrada: ahora\nObjetivos: 152 / 158\nStop: 141",
     {"symbol": "SOL/USDT", "side": "buy", "entry_at_market": True, "take_profits": [152, 158], "stop_loss": 141}),
]

# Targets written as one run: no space after the commas, one label over several numbers, "Level n:" items.
TARGET_RUNS = [
    ("#QWIX LONG\nEntry: 0.52\nTp: 0.545,0.561,0.58\nSL: 0.49",
     {"symbol": "QWIX/USDT", "side": "buy", "entries": [0.52], "take_profits": [0.545, 0.561, 0.58], "stop_loss": 0.49}),
    ("#ZORKA SHORT\nEntry: 2.40\nTP1/2/3: 2.31 / 2.25 / 2.18\nSL: 2.47",
     {"symbol": "ZORKA/USDT", "side": "sell", "entries": [2.4], "take_profits": [2.31, 2.25, 2.18], "stop_loss": 2.47}),
    ("#ZORKA SHORT\nEntry: 2.40\nTake Profit Levels:\nLevel 1: 2.31\nLevel 2: 2.25\nSL: 2.47",
     {"symbol": "ZORKA/USDT", "side": "sell", "entries": [2.4], "take_profits": [2.31, 2.25], "stop_loss": 2.47}),
]

# A margin mode on a line of its own, for a leverage given without it, and leverage ranges written loosely.
MARGIN_APART = [
    ("#QWIX LONG\nEntry 0.52\nTP 0.55\nSL 0.49\nLev. 5-10",
     {"symbol": "QWIX/USDT", "side": "buy", "entries": [0.52], "take_profits": [0.55], "stop_loss": 0.49,
      "leverage": 5, "leverage_max": 10}),
    ("#QWIX LONG\nEntry 0.52\nTP 0.55\nSL 0.49\nLeverage: 25x (Isolated) / max 50x",
     {"symbol": "QWIX/USDT", "side": "buy", "entries": [0.52], "take_profits": [0.55], "stop_loss": 0.49,
      "leverage": 25, "leverage_max": 50, "margin_mode": "isolated"}),
    ("#SUI SHORT\nEntry: 1.95\nTP: 1.88 - 1.80\nSL: 2.03\nMargin mode: Cross\nLeverage: 15 - 25",
     {"symbol": "SUI/USDT", "side": "sell", "entries": [1.95], "take_profits": [1.88, 1.8], "stop_loss": 2.03,
      "margin_mode": "cross", "leverage": 15, "leverage_max": 25}),
]

FOLLOWUPS = [
    ("Close TRB", {"symbol": "TRB/USDT", "update": "close"}),
    ("Closing eth at entry", {"symbol": "ETH/USDT", "update": "close"}),
    ("Closing all positions", {"update": "close"}),
    ("[In reply to #QWIX LONG Entry 0.5]\nTarget 2 reached \u2705",
     {"symbol": "QWIX/USDT", "update": "tp_hit", "target_index": 2}),
    ("#SOL/USDT\nEntry: 148\nTargets:\n1) 152 \u2705\n2) 156 \u2705\n3) 160 \u2705\n4) 165\nSL 143",
     {"symbol": "SOL/USDT", "update": "tp_hit", "target_index": 3}),
    ("\u2705 #INJ +45% profit \U0001f680", {"symbol": "INJ/USDT", "update": "tp_hit"}),
    ("#DOGE all targets achieved \U0001f525", {"symbol": "DOGE/USDT", "update": "tp_hit", "all_targets": True}),
    ("#AVAX TP 1, 2 & 3 hit \U0001f3af", {"symbol": "AVAX/USDT", "update": "tp_hit", "target_index": 3}),
    ("#ADA stop moved to 0.45", {"symbol": "ADA/USDT", "update": "move_sl", "stop_loss": 0.45}),
    ("#QWIX/USDT Closed at stoploss after reaching take profit \u26a0\ufe0f", {"symbol": "QWIX/USDT", "update": "sl_hit"}),
    ("#BNB second target hit, move SL to entry \u2705",
     {"symbol": "BNB/USDT", "update": "tp_hit", "target_index": 2, "to_breakeven": True}),
    ("#SOL тейк 2 взят \u2705", {"symbol": "SOL/USDT", "update": "tp_hit", "target_index": 2}),
    ("#SOL стоп сработал \u274c", {"symbol": "SOL/USDT", "update": "sl_hit"}),
    ("Второй тейк закрыт, стоп в безубыток \U0001f525", {"update": "tp_hit", "target_index": 2, "to_breakeven": True}),
    ("#LTC - закрываю остаток по текущим", {"symbol": "LTC/USDT", "update": "close"}),
    ("#AVAX hedef 2 ulaşıldı \u2705", {"symbol": "AVAX/USDT", "update": "tp_hit", "target_index": 2}),
    ("#ETH objetivo 1 alcanzado \u2705", {"symbol": "ETH/USDT", "update": "tp_hit", "target_index": 1}),
    # The headline names the main action, whatever the ticks below it say.
    ("\u26a0\ufe0f أُلغي الدخول الثاني\n\nQWIX \U0001f3af\n\U0001f3afهدف 1: 0.55 \u2705", {"symbol": "QWIX/USDT", "update": "cancel"}),
    ("3\U0001f3af", {"update": "tp_hit", "target_index": 3}),
    ("#QWIX TP-2 hit \u2705", {"symbol": "QWIX/USDT", "update": "tp_hit", "target_index": 2}),
    ("#QWIX all 4 targets hit", {"symbol": "QWIX/USDT", "update": "tp_hit", "all_targets": True}),
    ("#QWIX TP1 \u2705 SL \u2192 entry", {"symbol": "QWIX/USDT", "update": "tp_hit", "target_index": 1, "to_breakeven": True}),
    ("#QWIX move your stops to entry", {"symbol": "QWIX/USDT", "update": "move_sl", "to_breakeven": True}),
    ("#SOL alvo 2 alcançado \u2705", {"symbol": "SOL/USDT", "update": "tp_hit", "target_index": 2}),
    ("#LINK objectif 3 atteint \U0001f3af", {"symbol": "LINK/USDT", "update": "tp_hit", "target_index": 3}),
    ("#DOT obiettivo 1 raggiunto \u2705", {"symbol": "DOT/USDT", "update": "tp_hit", "target_index": 1}),
    ("#SOL Ziel 1 erreicht \u2705", {"symbol": "SOL/USDT", "update": "tp_hit", "target_index": 1}),
    ("#ETH 目标2 已到达 \u2705", {"symbol": "ETH/USDT", "update": "tp_hit", "target_index": 2}),
    ("#QWIX tous les objectifs atteints \U0001f525", {"symbol": "QWIX/USDT", "update": "tp_hit", "all_targets": True}),
    ("#ZORKA stopped \U0001f622", {"symbol": "ZORKA/USDT", "update": "sl_hit"}),
    ("#QWIX ganancia tomada \u2705", {"symbol": "QWIX/USDT", "update": "tp_hit"}),
    ("#QWIX цель \u21163 \u2705", {"symbol": "QWIX/USDT", "update": "tp_hit", "target_index": 3}),
]

SIGNAL_CLASSES = {
    "glued": GLUED, "sections": SECTIONS, "synonyms": SYNONYMS, "languages": LANGUAGES,
    "leverage_and_allocation": LEVERAGE_AND_ALLOCATION, "venues_and_quotes": VENUES_AND_QUOTES,
    "consistency": CONSISTENCY, "more_languages": MORE_LANGUAGES, "market_entries": MARKET_ENTRIES,
    "margin_apart": MARGIN_APART, "target_runs": TARGET_RUNS,
}
