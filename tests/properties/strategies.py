"""Hostile text: any Unicode plus the pieces chat input is made of when it goes wrong."""

from __future__ import annotations

from hypothesis import strategies as st

CONTROL = st.characters(min_codepoint=0, max_codepoint=31)
# Right-to-left marks and overrides, zero-width joiners and spaces, the BOM, soft hyphen.
INVISIBLE = st.sampled_from(["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202a", "\u202b", "\u202d",
                             "\u202e", "\u2066", "\u2067", "\u2069", "\u2060", "\ufeff", "\u00ad"])
EMOJI_SEQUENCES = st.sampled_from([
    "👨‍👩‍👧‍👦", "🏳️‍🌈", "👍🏽", "1️⃣", "🇺🇸", "🚀🚀🚀", "❤️‍🔥", "🧑🏿‍💻", "#️⃣", "\U000e0067\U000e0062",
])
RTL_TEXT = st.sampled_from(["שלום", "مرحبا بالعالم", "اشتري ١٠ بيتكوين", "קנה 0.1 BTC"])
TRADING_WORDS = st.sampled_from([
    "buy", "sell", "btc", "ETH", "0.01", "61k", "$200", "at", "market", "long", "short", "TP1", "SL", "Entry",
    "alert", "below", "cancel", "order", "rsi", "4h", "%", "x10", "1,234.5", "-", "\n",
])
HTML_BITS = st.sampled_from(["<b>", "</i>", "<script>alert(1)</script>", "&amp;", "&", "<", ">", '"', "<a href='x'>",
                             "&#0;", "<tg-spoiler>", "]]>"])
PIECE = st.one_of(st.text(max_size=12), CONTROL, INVISIBLE, EMOJI_SEQUENCES, RTL_TEXT, TRADING_WORDS, HTML_BITS)

hostile_text = st.lists(PIECE, max_size=25).map(" ".join)
huge_text = st.tuples(PIECE, st.integers(min_value=1_000, max_value=20_000)).map(lambda p: (p[0] or "x") * p[1])
