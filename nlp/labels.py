"""The post label lexicon (nlp/data/post_labels.json): channel wording in several languages
rewritten to the English labels the post reader understands, plus tolerant label matching."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process

LEXICON_PATH = Path(__file__).resolve().parent / "data" / "post_labels.json"
# A label opening a line: decoration, the label, an optional index, then a separator or a number.
_LINE_START = r"(?m)^(?P<lead>[^\w\n]*)(?:{labels})(?P<index>\s?\d{{1,2}}(?![\d.,]))?(?=\s*[:\-=\u2192)]|\s+[$#]?\.?\d)"
# Word boundaries that also hold next to Cyrillic and Arabic letters.
_BEFORE, _AFTER = r"(?<![\w/.,])", r"(?![\w])"
# A word opening a line, before ":" or a number: the candidate for a misspelt label ("Entery:", "Targts 1.2").
_LABEL_WORD_RE = re.compile(r"(?m)^(?P<lead>[^\w\n]*)(?P<word>[A-Za-z][A-Za-z ]{3,14}?)(?=\s*[:\-=]|\s+\$?\d)")
_FUZZY_CUTOFF = 85
_SPACE = r"[ \t]*"


@dataclass(frozen=True)
class _Rewrite:
    pattern: re.Pattern[str]
    english: str
    # The same words without boundaries or IGNORECASE, searched in the lower-cased text: a cheap "could
    # it match?" (case-insensitive searches with lookbehinds cost ten times more over a long post).
    probe: re.Pattern[str]


def _rewrite(pattern: str, english: str, *, flags: int = re.I, probe: str) -> _Rewrite:
    return _Rewrite(re.compile(pattern, flags), english, re.compile(probe))


def _alternation(patterns: list[str]) -> str:
    ordered = sorted(patterns, key=len, reverse=True)
    return "|".join("(?:" + pattern.replace(" ", _SPACE) + ")" for pattern in ordered)


@lru_cache(maxsize=1)
def _lexicon() -> dict:
    return json.loads(LEXICON_PATH.read_text(encoding="utf-8"))


_SCRIPTS = {"cyrillic": re.compile("[\u0400-\u04ff]"), "arabic": re.compile("[\u0600-\u06ff\u0750-\u077f]")}


def _scripts(text: str) -> frozenset[str]:
    """The non-Latin scripts a text uses ("cyrillic", "arabic"): patterns of other scripts cannot match it."""
    return frozenset(name for name, pattern in _SCRIPTS.items() if pattern.search(text))


@lru_cache(maxsize=8)
def _anywhere_rewrites(scripts: frozenset[str]) -> tuple[_Rewrite, ...]:
    """The rewrites in order, keeping only the patterns written in Latin letters or in ``scripts``."""
    rewrites = []
    for section in ("followup_phrases", "anywhere"):
        for english, all_patterns in _lexicon()[section]:
            patterns = [pattern for pattern in all_patterns if _scripts(pattern) <= scripts]
            with_group = [pattern for pattern in patterns if "(" in pattern.replace("(?", "")]
            plain = [pattern for pattern in patterns if pattern not in with_group]
            for pattern in with_group:
                spaced = pattern.replace(" ", _SPACE)
                rewrites.append(_rewrite(_BEFORE + spaced + _AFTER, english, probe=spaced))
            if plain:
                alternation = _alternation(plain)
                rewrites.append(_rewrite(f"{_BEFORE}(?:{alternation}){_AFTER}", english, probe=alternation))
    return tuple(rewrites)


@lru_cache(maxsize=1)
def _line_start_rewrites() -> tuple[_Rewrite, ...]:
    return tuple(
        _rewrite(_LINE_START.format(labels=f"(?:{_alternation(patterns)})(?![^\\W\\d_])"), english,
                 probe=_alternation(patterns))
        for english, patterns in _lexicon()["line_start"]
    )


@lru_cache(maxsize=1)
def _mark_rewrites() -> tuple[_Rewrite, ...]:
    return tuple(
        _rewrite(r"(?m)^(?P<lead>[^\w\n]*?)(?:" + "|".join(map(re.escape, marks)) + r")\ufe0f?(?=\s*[:\-]?\s*\$?\.?\d)", english,
                 flags=0, probe="|".join(map(re.escape, marks)))
        for english, marks in _lexicon()["line_start_marks"]
    )


@lru_cache(maxsize=1)
def _fuzzy_words() -> tuple[str, ...]:
    return tuple(_lexicon()["fuzzy"])



def rewrite_foreign_labels(text: str) -> str:
    """Every lexicon phrase (Russian, Turkish, Spanish, Arabic, Persian) as its English label."""
    # Turkish capital dotted İ ("İzole", "İşlem Yönü", "İptal") lower-cases to "i" plus a combining dot, which
    # no pattern spells; as a plain I it reads like the rest of the word.
    text = text.replace("\u0130", "I")
    lowered = text.lower()
    for rewrite in _anywhere_rewrites(_scripts(text) if not text.isascii() else frozenset()):
        if rewrite.probe.search(lowered) and rewrite.pattern.search(text):
            text = rewrite.pattern.sub(lambda m, english=rewrite.english: m.expand(english), text)
            lowered = text.lower()
    return text


def rewrite_line_labels(text: str) -> str:
    """English synonyms that are labels only at a line start ("Sell zone 1.2", "Tg1: 1.3", "Stopls 0.9")."""
    lowered = text.lower()
    for rewrite in _line_start_rewrites():
        if rewrite.probe.search(lowered):
            text = rewrite.pattern.sub(lambda m, english=rewrite.english: _label_with_index(m, english), text)
    for rewrite in _mark_rewrites():
        if rewrite.probe.search(text):
            text = rewrite.pattern.sub(lambda m, english=rewrite.english: _mark_label(m, english), text)
    return _LABEL_WORD_RE.sub(_fuzzy_label, text)


_LIST_INDEX_AHEAD_RE = re.compile(r"\s*\d{1,2}\s*[).:\-]\s*\$?\.?\d")


def _mark_label(match: re.Match[str], english: str) -> str:
    """"🎯 52" is a target at 52 ("Targets: 52", never target number 52); "🎯 2) 1.25" keeps its index."""
    numbered = _LIST_INDEX_AHEAD_RE.match(match.string, match.end())
    return f"{match.group('lead')}{english}{' ' if numbered else ': '}"


# After a line-start label only levels may follow (plus a currency or a bracketed note): "Below $194 → bearish
# continuation" is prose, "Sell zone: 1.2 - 1.3 USDT" a label.
_BRACKETED_RE = re.compile(r"\([^)\n]*\)|\[[^\]\n]*\]")
_PROSE_WORD_RE = re.compile(r"\b(?!(?:usdt?|usdc|busd|cmp|market|now|current|price|asap|immediately)\b)[^\W\d_]{3,}", re.I)


def _label_with_index(match: re.Match[str], english: str) -> str:
    line_end = match.string.find("\n", match.end())
    rest = match.string[match.end():line_end if line_end >= 0 else len(match.string)]
    if _PROSE_WORD_RE.search(_BRACKETED_RE.sub(" ", rest)):
        return match.group(0)
    index = (match.group("index") or "").strip()
    return f"{match.group('lead')}{english.rstrip('s') + ' ' + index if index else english}"


def _fuzzy_label(match: re.Match[str]) -> str:
    word = match.group("word")
    lowered = word.lower().strip()
    if match.group("lead").endswith(("#", "$")):
        return match.group(0)  # "#OP Loss -12%": a ticker and a word, not a misspelt "Stop Loss"
    if lowered in _fuzzy_words() or len(lowered) < 5:
        return match.group(0)
    best = process.extractOne(lowered, _fuzzy_words(), scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF)
    return f"{match.group('lead')}{best[0].title()}" if best else match.group(0)
