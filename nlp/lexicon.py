"""Folds a typed message into the canonical English the rules and the classifier read.

Three passes, each data-driven (``nlp/data/lexicon.json``, ``nlp/data/english_words.txt``):

1. other languages: Russian, Spanish, Turkish and German trading words become their English
   gloss ("купи 0.1 eth по рынку" -> "buy 0.1 eth at market"); short words of a language apply only
   when the message has another word of that language, so English "al" or "sat" stay as they are;
2. chat slang and abbreviations ("lmk", "bal", "pos") are spelled out;
3. typos of key words and coin names are corrected with rapidfuzz ("cancle" -> "cancel",
   "etherum" -> "ethereum"), but only for words that are neither common English nor a known ticker.

The output is only what the parser reads; the ParsedCommand keeps the user's own text.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from rapidfuzz.distance import OSA
from rapidfuzz.process import extractOne

from nlp.symbols import ASSET_NAMES, SymbolUniverse

_DATA = Path(__file__).resolve().parent / "data"
_WORD_RE = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)
_NON_ASCII_LETTER_RE = re.compile(r"[^\x00-\x7f]")
# "by 0.25 eth": a homophone of "buy" opening an order; "by" is English, so only this slot reads it as buy.
_BY_FOR_BUY_RE = re.compile(r"^(\W*)(?:by|bye)(?=\s+(?:\$?\d|[#$]?[a-z]{2,10}\s+\d))", re.IGNORECASE)
# ... and after a subject or modal ("what happens if i by 1 eth", "should i by sol here").
_SUBJECT_BY_RE = re.compile(r"\b(i|to|gonna|wanna|should|and)\s+(?:by|bye)(?=\s+(?:\$?\d|[#$]?[a-z]{2,10}\b))", re.IGNORECASE)
# Russian "на 50 долларов" is "for 50 dollars" (a sum to spend), while "на 3100" alone is a level.
_RU_FOR_MONEY_RE = re.compile(r"(?<!\w)на(\s+\$?\d[\d.,]*[kк]?\s*(?:доллар\w*|бакс\w*|usdt|usdc|usd|\$))", re.IGNORECASE)
# Russian thousands ("70к", "1.5к") and a spelled-out percent ("risk 2 percent", "3 процента"): the
# number reader knows only "k" and "%".
_CYRILLIC_K_RE = re.compile(r"(?<=\d)[кК](?![^\W\d_])")
_PERCENT_WORD_RE = re.compile(r"(?<=\d)\s*(?:percent|per\s+cent|pct|prozent|por\s+ciento|процент\w*)(?![^\W\d_])",
                              re.IGNORECASE)
# "b 0.1 eth", "s 2 sol": a one-letter order verb, only when a size and a coin follow.
_ONE_LETTER_VERB_RE = re.compile(r"^(\W*)([bs])(?=\s+\$?\d[\d.,]*[km]?\s+([#$]?[a-z]{2,10})\b)", re.IGNORECASE)
_ONE_LETTER_VERBS = {"b": "buy", "s": "sell"}
# A short first word and what follows it: a slipped order verb when a size or a coin comes next.
_SHORT_OPENER_RE = re.compile(r"^(\W*)([a-z]{2,3})(\s+)([#$]?[\w.,]+)", re.IGNORECASE)


@lru_cache(maxsize=1)
def _lexicon() -> dict:
    return json.loads((_DATA / "lexicon.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Common English words (Zipf >= 3): never treated as typos."""
    return frozenset((_DATA / "english_words.txt").read_text(encoding="utf-8").split())


class Canonicalizer:
    """Turns a typed message into canonical English; cheap enough for every message (~20 µs)."""

    def __init__(self, universe: SymbolUniverse) -> None:
        data = _lexicon()
        self.universe = universe
        self._phrases = _phrase_patterns(data["phrases"])
        self._stems = sorted(((stem, gloss) for pairs in data["stems"].values() for stem, gloss in pairs),
                             key=lambda pair: -len(pair[0]))
        needs_marker = set(data["needs_marker"])
        self._words = {word: gloss for lang, pairs in data["words"].items() if lang not in needs_marker
                       for word, gloss in pairs}
        self._marked_words = {lang: dict(pairs) for lang, pairs in data["words"].items() if lang in needs_marker}
        self._markers = {lang: frozenset(words) for lang, words in data["markers"].items()}
        self._final_markers = {lang: frozenset(words) for lang, words in data.get("final_markers", {}).items()}
        self._slang = dict(data["slang"])
        names = [name for name in ASSET_NAMES if len(name) >= 5]
        self._keywords = sorted(set(data["keywords"]) | set(names))
        self._english = english_words()
        self._verbs = tuple(data.get("verb_slot", {}).get("verbs", ()))

    def canonical(self, text: str) -> str:
        text = _BY_FOR_BUY_RE.sub(r"\1buy", text)
        text = _SUBJECT_BY_RE.sub(r"\1 buy", text)
        text = _RU_FOR_MONEY_RE.sub(r"for\1", text)
        text = _CYRILLIC_K_RE.sub("k", text)
        text = _PERCENT_WORD_RE.sub("%", text)
        text = _ONE_LETTER_VERB_RE.sub(self._one_letter_verb, text, count=1)
        text = _SHORT_OPENER_RE.sub(self._verb_slot, text, count=1)
        foreign = bool(_NON_ASCII_LETTER_RE.search(text))
        tokens = [match.group(0).lower() for match in _WORD_RE.finditer(text)]
        words = set(tokens)
        last = tokens[-1] if len(text.split()) >= 2 and tokens else ""
        languages = [lang for lang, markers in self._markers.items()
                     if _speaks(words & markers, foreign, self._english) or last in self._final_markers.get(lang, ())]
        if foreign or languages:
            lowered = _lowered(text)
            for pattern, gloss, phrase in self._phrases:
                if phrase in lowered:  # a substring test first: a few hundred regex passes cost ~1 ms a message
                    text = pattern.sub(gloss, text)
                    lowered = _lowered(text)
        marked = {word: gloss for lang in languages for word, gloss in self._marked_words[lang].items()}
        return _WORD_RE.sub(lambda match: self._word(match.group(0), marked), text)

    def _word(self, word: str, marked: dict[str, str]) -> str:
        lower = word.lower()
        if lower in marked:
            return marked[lower]
        if lower in self._slang:
            return self._slang[lower]
        if not word.isascii():
            if lower in self._words:
                return self._words[lower]
            for stem, gloss in self._stems:
                if lower.startswith(stem):
                    return gloss
            return word
        if len(lower) < 4 or lower in self._english or self.universe.resolve(word) is not None:
            return word
        return self._corrected(lower) or word

    def _one_letter_verb(self, match: re.Match[str]) -> str:
        word = match.group(3)
        symbol = self.universe.resolve(word)
        if symbol is None or (word.islower() and self.universe.is_ambiguous(symbol.split("/", 1)[0])):
            return match.group(0)  # "b 2 more coffees", "s 2 people": no coin follows
        return match.group(1) + _ONE_LETTER_VERBS[match.group(2).lower()]

    def _verb_slot(self, match: re.Match[str]) -> str:
        """"biy 1 btc", "sll 2 eth": an unknown two- or three-letter opener one edit from an order verb."""
        word, following = match.group(2).lower(), match.group(4)
        keep = match.group(0)
        if word in self._english or self.universe.resolve(word) is not None:
            return keep
        if not (following[:1].isdigit() or following[:1] in "#$" or self.universe.resolve(following) is not None):
            return keep
        best = extractOne(word, self._verbs, scorer=OSA.distance, score_cutoff=1)
        return f"{match.group(1)}{best[0]}{match.group(3)}{following}" if best else keep

    def _corrected(self, word: str) -> str | None:
        # One edit (transpositions count as one) for short words, two for long ones; first letter kept
        # as typed, since people rarely mistype the first letter and it keeps "sell"/"tell" apart.
        limit = 1 if len(word) <= 5 else 2
        candidates = [keyword for keyword in self._keywords if keyword[0] == word[0]]
        best = extractOne(word, candidates, scorer=OSA.distance, score_cutoff=limit)
        return best[0] if best else None


def _speaks(markers_found: set[str], foreign: bool, english: frozenset[str]) -> bool:
    # Non-ASCII text or two marker words; one marker that no English speaker types ("piyasadan",
    # "vende", "kauf") is enough too, while "alarm" or "mir" alone stay English.
    return len(markers_found) >= 2 or any(foreign or len(word) >= 6 or (len(word) >= 4 and word not in english)
                                          for word in markers_found)


def _phrase_patterns(phrases: dict[str, list[list[str]]]) -> list[tuple[re.Pattern[str], str, str]]:
    pairs = sorted((pair for pairs in phrases.values() for pair in pairs), key=lambda pair: -len(pair[0]))
    return [(re.compile(rf"(?<!\w){re.escape(phrase)}(?!\w)", re.IGNORECASE), gloss, _lowered(phrase)) for phrase, gloss in pairs]


def _lowered(text: str) -> str:
    # Turkish "İ" lower-cases to "i" plus a combining dot, where a case-insensitive pattern sees a plain "i".
    return text.lower().replace("i\u0307", "i")

