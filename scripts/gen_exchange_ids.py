"""Write nlp/data/exchanges.json: the exchange ids the post reader recognises, taken from ccxt.

    .venv/bin/python scripts/gen_exchange_ids.py

nlp may not import ccxt (import-linter), so the list ships as data. Regional and contract
variants (binanceusdm, kucoinfutures, bybiteu, okxus, myokx, ...) fold into their base id,
because the contract names the base id and a separate market_type.
"""

from __future__ import annotations

import json
from pathlib import Path

import ccxt

OUTPUT = Path(__file__).resolve().parents[1] / "nlp" / "data" / "exchanges.json"
# Suffixes ccxt adds for a venue's other contract books or regions.
VARIANT_SUFFIXES = ("usdm", "coinm", "futures", "exchange", "international", "us", "eu", "id", "jp")
# Names people write that are not ccxt ids, mapped to the id.
EXTRA_ALIASES = {"okex": "okx", "gateio": "gate", "gate.io": "gate", "huobi": "htx", "kucoin futures": "kucoin",
                 "crypto.com": "cryptocom", "mexc global": "mexc"}

# Ids that are everyday words (or very short): named only where the post names a venue.
CONTEXT_ONLY = ("alpaca", "apex", "aster", "backpack", "bullish", "cex", "delta", "derive", "extended", "gemini",
                "hibachi", "lighter", "luno", "mercado", "nado", "pacifica", "polymarket", "woo", "xt", "zaif",
                "p2b", "grvt", "weex", "ndax")


def base_id(exchange_id: str, ids: set[str]) -> str:
    if exchange_id.startswith("my") and exchange_id[2:] in ids:
        return exchange_id[2:]
    for suffix in VARIANT_SUFFIXES:
        stem = exchange_id.removesuffix(suffix)
        if stem != exchange_id and stem in ids:
            return stem
    return exchange_id


def main() -> None:
    ids = set(ccxt.exchanges)
    aliases = {exchange_id: base_id(exchange_id, ids) for exchange_id in sorted(ids)}
    aliases.update(EXTRA_ALIASES)
    data = {"source": f"ccxt {ccxt.__version__}", "ids": aliases,
            "context_only": sorted(name for name in CONTEXT_ONLY if name in ids)}
    OUTPUT.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{len(aliases)} names -> {len(set(aliases.values()))} exchange ids written to {OUTPUT}")


if __name__ == "__main__":
    main()
