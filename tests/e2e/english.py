"""Finds English prose in a reply meant for a Russian reader (tickers, units, numbers and names allowed)."""

from __future__ import annotations

import re

# Three English words in a row (tickers, units and indicator names are upper case or single words).
_ENGLISH_WORDS = re.compile(r"\b[A-Za-z][a-z]+(?:[ ,:]+[A-Za-z][a-z]+){2,}\b")


def english_sentences(reply: str) -> list[str]:
    """English phrases in a reply, once links (news headlines, in the feed's language) are left out."""
    prose = re.sub(r"<a [^>]*>.*?</a>|<code>.*?</code>|<[^>]+>|/\w+|@\w+", " ", reply)
    return _ENGLISH_WORDS.findall(prose)
