"""The known-symbol universe: which words name a crypto asset, and how pair notations resolve.

A word is a ticker only when the universe knows it (or an explicit marker such as ``$``, ``#``
or a pair form says so), because channel posts and chat are full of upper-case English words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

DEFAULT_QUOTE = "USDT"

# Quote currencies recognised at the end of concatenated pairs, longest first so that
# BTCUSDT splits as BTC+USDT rather than BTCUSD+T.
QUOTES: tuple[str, ...] = (
    "FDUSD", "USDT", "USDC", "BUSD", "TUSD", "USDE", "USD", "DAI", "EUR", "TRY", "BTC", "ETH", "BNB",
)
# Cash-like assets: in "250 usdt margin" or "40% of my usdt" they fund a trade, not name it.
STABLE_ASSETS = frozenset({"USDT", "USDC", "BUSD", "FDUSD", "TUSD", "DAI", "USD", "EUR", "USDE"})

# Top assets by market cap / futures volume. Words that are also ordinary English words live in
# AMBIGUOUS_TICKERS or WORD_TICKERS below instead.
_TICKERS = """
BTC ETH USDT BNB SOL XRP USDC ADA DOGE TRX TON AVAX SHIB DOT BCH LTC UNI ICP LEO DAI ETC APT
XLM XMR OKB FIL HBAR ARB VET MNT CRO INJ RNDR RENDER IMX OP KAS TIA SEI STX GRT MKR AAVE RUNE
ALGO EGLD FTM QNT FLOKI SUI BONK PEPE WIF BGB THETA AXS MANA CHZ EOS XTZ KCS NEO FLR KAVA
CFX ZEC IOTA MINA GALA CRV LDO JUP PYTH ORDI SATS WLD ENS DYDX SNX COMP 1INCH ZIL ROSE CELO
KSM ENJ BAT QTUM ZRX YFI SUSHI ANKR IOTX RVN ICX ONT WAVES LRC SKL STORJ AUDIO CELR CKB
DASH DCR SC XEM HOT NEXO GNO FET AGIX OCEAN WOO JASMY APE LUNC LUNA USTC PENDLE ETHFI ENA
STRK ZK ZRO NOT DOGS CATI HMSTR TAO AR AKT ARKM BLUR BOME MEME WEN POPCAT MEW BRETT TURBO
NEIRO MOODENG GOAT PNUT ACT CHILLGUY VIRTUAL AI16Z FARTCOIN TRUMP MELANIA PENGU HYPE MOVE
ME USUAL BIO VANA COOKIE S BERA IP KAITO LAYER RED SHELL TST BROCCOLI MUBARAK PARTI WCT
PUMP XAI AEVO PORTAL PIXEL ALT MANTA DYM JTO ONDO W SAGA OMNI REZ BB IO LISTA ZKJ NOT
BANANA RARE ASTR GMX ARPA API3 AUCTION CYBER ID EDU HOOK HIGH MAGIC GMT LOOKS PEOPLE JOE
LQTY RDNT SSV FXS BLZ COTI DENT DGB ELF FLUX GLM HFT ICX KNC LPT MASK NKN OGN OMG ONE POWR
QKC RLC RSR SFP SLP SXP TLM TRB UMA UNFI VTHO WAXP XVS YGG ZEN 1000SATS 1000PEPE 1000BONK
1000SHIB 1000FLOKI 1000LUNC 1000RATS 1000CAT 1000X BSV XDC KDA CSPR HNT ILV IMX GAL LINA
MTL NMR OXT PERP POLYX RAD REN RIF SUPER TWT VRA WIN XNO ZETA AXL BICO CTSI CTK DUSK ERN
FIDA FORTH HIFI IDEX LEVER LIT LOKA NTRN PHB POND PROM QI STG STMX SYN T TRU VIC VOXEL
GHST HOOK ACE NFP XVG ACH AGLD AERGO BAKE BEL BNX BURGER C98 CHESS CLV COMBO DAR DEGO DODO
EPX FIO FRONT GTC HARD IRIS JST KEY KMD LTO MBL MDT MOB MOVR OAX ORN PHA PIVX PUNDIX QUICK
REEF REQ SANTOS SCRT STPT SUN TKO TROY UTK VIDT VITE WING WRX XEC ARK BADGER AMB BAND
BETA RAY SAND LINK NEAR ATOM CAKE POL MATIC GAS BEAM ORCA DRIFT ZETA ALPACA KMNO TNSR
PRCL CLOUD ZEUS MOTHER BILLY GIGA SPX PONKE MICHI SLERF MYRO SAMO SILLY NEIROETH LUCE
VINE AIXBT GRIFFAIN ZEREBRO ARC SWARMS ANIME SONIC SOLV B3 NIL PAXG XAUT FORM INIT SIGN
HAEDAL HUMA SOPH NEWT SAHARA HOME SPK ERA TREE PROVE WLFI XPL AVNT ZORA YB AIA ASTER APEX
LINEA MITO OPEN HOLO PLUME SKY USDE ENSO KERNEL PROMPT BABY OBOL GPS SXT ALCH AVAAI VVV
ANON KOMA HIPPO DEEP BLAST MERL CHEEMS LADYS BABYDOGE SNT STEEM HIVE ARDR NULS LSK SYS
TAIKO SCR GRASS DBR PUFFER KAIA RENDER EIGEN MORPHO ETHW ZRC STRAX ALPHA AUDIO
"""

# Tickers that double as everyday words: recognised in lower case only in a "coin slot"
# ("my link", "on near", "dot, atom and near"), always when written in capitals.
AMBIGUOUS_TICKERS = frozenset({
    "LINK", "DOT", "NEAR", "ATOM", "CAKE", "SAND", "BAND", "MASK", "MAGIC", "BEAM", "RAY", "BLUR",
    "GAS", "RUNE", "FLOW", "ROSE", "CELO", "JOE", "APE", "ACE", "ARK", "ALT", "SUN",
    "PEOPLE", "PORTAL", "PIXEL", "HOOK", "SUPER", "STORJ", "MEME", "ORCA", "DRIFT", "CLOUD",
    "GOAT", "PUMP", "TREE", "HYPE", "MEW", "WEN", "FORTH", "ALPHA", "HOME", "OPEN", "SIGN", "FORM", "DEEP", "SPX", "COOKIE", "RED",
    "SHELL", "LAYER", "VINE", "SKY", "BABY", "ANIME", "SONIC", "MOTHER", "DOGS", "GRASS", "LIT",
    "KEY", "DENT", "WING", "FRONT", "HARD", "CHESS", "BAKE", "BURGER", "TRUMP", "BIO", "MOVE",
    "POND", "IRIS", "SAFE", "BAT", "ARC", "WIN", "ERA",
})

# Tickers that are function words or too common to ever be read from plain text
# ("buy THE dip", "ONE more", "SO what"): they need $THE, #ONE or a pair form THEUSDT.
WORD_TICKERS = frozenset({
    "THE", "ONE", "SO", "AI", "ME", "IN", "IS", "IT", "ON", "OR", "AT", "TO", "BE", "GO", "UP",
    "ALL", "ANY", "NOT", "CAN", "NEW", "NOW", "HOT", "BIG", "ID", "IO", "OM", "ACT", "HIGH", "LOW",
    "S", "T", "W", "B", "C", "G", "IP", "OK", "ARE", "FOR", "AND", "BB", "MY", "YOU", "WE", "US",
    "OG", "HE", "AN", "AS", "OF", "IF", "NO", "DO", "TST", "NIL", "AR", "SATS",
    "X", "KEY", "GPS", "VVV", "VANA", "NFP", "OPEN", "PROMPT", "GIGA", "SILLY", "RARE",
    "QI", "MOVE", "SIGN", "HOME", "FORM", "TREE", "EPX", "ERN", "TRU", "STG", "SYN", "LEVER", "UMA", "POWR", "OMG", "PERP", "BICO", "HIFI",
})

# Names people type instead of tickers.
ASSET_NAMES: dict[str, str] = {
    "bitcoin": "BTC", "btc": "BTC", "xbt": "BTC", "ethereum": "ETH", "ether": "ETH", "eth": "ETH",
    "solana": "SOL", "cardano": "ADA", "ripple": "XRP", "dogecoin": "DOGE", "polkadot": "DOT",
    "chainlink": "LINK", "avalanche": "AVAX", "litecoin": "LTC", "polygon": "POL", "shiba": "SHIB",
    "shiba inu": "SHIB", "tron": "TRX", "stellar": "XLM", "cosmos": "ATOM", "uniswap": "UNI",
    "arbitrum": "ARB", "optimism": "OP", "aptos": "APT", "toncoin": "TON", "monero": "XMR",
    "filecoin": "FIL", "hedera": "HBAR", "injective": "INJ", "celestia": "TIA", "kaspa": "KAS",
    "fantom": "FTM", "algorand": "ALGO", "tezos": "XTZ", "aave": "AAVE", "maker": "MKR",
    "sandbox": "SAND", "decentraland": "MANA", "immutable": "IMX", "stacks": "STX",
    "bitcoin cash": "BCH", "ethereum classic": "ETC", "binance coin": "BNB", "pepe": "PEPE",
    "bonk": "BONK", "dogwifhat": "WIF", "worldcoin": "WLD", "render": "RENDER", "bittensor": "TAO",
    "ondo": "ONDO", "jupiter": "JUP", "pyth": "PYTH", "sei": "SEI", "sui": "SUI", "near protocol": "NEAR",
    "the graph": "GRT", "hyperliquid": "HYPE", "ethena": "ENA", "pendle": "PENDLE", "floki": "FLOKI",
    "tether": "USDT", "usd coin": "USDC", "internet computer": "ICP", "vechain": "VET", "zcash": "ZEC",
    "eos": "EOS", "iota": "IOTA", "curve": "CRV", "lido": "LDO", "gala": "GALA", "axie": "AXS",
    "dash": "DASH", "neo": "NEO", "quant": "QNT", "kava": "KAVA", "mina": "MINA", "ravencoin": "RVN",
}

TICKERS: frozenset[str] = frozenset(_TICKERS.split()) | AMBIGUOUS_TICKERS | STABLE_ASSETS

_QUOTE_ALT = "|".join(QUOTES)
# Concatenated or separated pairs, with the futures suffixes exchanges add (.P, PERP, -PERP).
_PAIR_RE = re.compile(
    rf"^(?P<base>[A-Z0-9]{{1,15}}?)[/_\-]?(?P<quote>{_QUOTE_ALT})(?:\.P|[-_]?PERP)?$"
)
_PERP_RE = re.compile(r"^(?P<base>[A-Z0-9]{1,15}?)[-_]?PERP$")
_SEPARATED_RE = re.compile(r"^(?P<base>[A-Z0-9]{1,15})\s*[/_\-]\s*(?P<quote>[A-Z]{2,6})(?:\.P)?$")
_TICKER_SHAPE = re.compile(r"^[A-Z0-9]{1,15}$")


class SymbolUniverse:
    """Resolves words and pair notations to unified ``BASE/QUOTE`` symbols."""

    def __init__(self, extra_markets: Iterable[str] = ()) -> None:
        self._tickers: set[str] = set(TICKERS)
        self._markets: set[str] = set()
        self.add_markets(extra_markets)

    def add_markets(self, markets: Iterable[str]) -> None:
        """Add exchange market symbols ("BTC/USDT", "PEPE/USDT:USDT" or bare bases) to the universe."""
        for market in markets:
            unified = market.split(":", 1)[0].upper().strip()
            base, _, quote = unified.partition("/")
            if base and _TICKER_SHAPE.match(base):
                self._tickers.add(base)
                self._markets.add(f"{base}/{quote or DEFAULT_QUOTE}")

    def is_known(self, base: str) -> bool:
        return base.upper() in self._tickers

    def is_word_ticker(self, base: str) -> bool:
        return base.upper() in WORD_TICKERS

    def is_ambiguous(self, base: str) -> bool:
        return base.upper() in AMBIGUOUS_TICKERS

    def name_to_base(self, word: str) -> str | None:
        return ASSET_NAMES.get(word.lower())

    def resolve_pair(self, token: str, *, explicit: bool = False) -> str | None:
        """Resolve a pair notation (BTCUSDT, BTC-USDT, BTC_USDT, ETH/BTC, BTCUSDT.P, BTC-PERP).

        ``explicit`` (the token carried ``$``/``#`` or was written in capitals) lets an unknown
        base through when the quote is unmistakable, which is how new listings show up in posts.
        """
        upper = token.upper()
        separated = _SEPARATED_RE.match(upper)
        if separated and separated.group("quote") in QUOTES:
            base, quote = separated.group("base"), separated.group("quote")
            if self.is_known(base) or explicit or "/" in upper:
                return f"{base}/{quote}"
        perp = _PERP_RE.match(upper)
        if perp:
            inner = self.resolve_pair(perp.group("base"), explicit=explicit)  # BTCUSDTPERP
            if inner or self.is_known(perp.group("base")) or explicit:
                return inner or f"{perp.group('base')}/{DEFAULT_QUOTE}"
        pair = _PAIR_RE.match(upper)
        if pair and pair.group("base"):
            base, quote = pair.group("base"), pair.group("quote")
            if self.is_known(base) or (explicit and len(base) >= 1 and not base.isdigit()):
                return f"{base}/{quote}"
        return None

    def resolve(self, token: str, *, explicit: bool = False) -> str | None:
        """Resolve a single token to ``BASE/QUOTE``; a bare coin gets the default quote.

        Context checks for ambiguous lower-case words are the caller's job (see pipeline).
        """
        cleaned = token.lstrip("#$").rstrip(".,:;!?")
        explicit = explicit or cleaned != token.rstrip(".,:;!?")
        if not cleaned:
            return None
        upper = cleaned.upper()
        if upper in self._tickers and upper not in STABLE_ASSETS:
            if upper in WORD_TICKERS and not explicit:
                return None
            return f"{upper}/{DEFAULT_QUOTE}"
        named = self.name_to_base(cleaned)
        if named:
            return f"{named}/{DEFAULT_QUOTE}"
        pair = self.resolve_pair(cleaned, explicit=explicit or cleaned.isupper())
        if pair:
            return pair
        if explicit and _TICKER_SHAPE.match(upper) and not upper.isdigit() and upper not in STABLE_ASSETS:
            # "$API3", "#NEWCOIN": the marker itself says it is a ticker.
            return f"{upper}/{DEFAULT_QUOTE}"
        return None

    def stable_asset(self, token: str) -> str | None:
        upper = token.lstrip("#$").upper()
        return upper if upper in STABLE_ASSETS else None
