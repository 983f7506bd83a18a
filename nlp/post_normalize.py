"""The normalisation pass for channel posts, before they are read by sections.

Posts arrive with their structure damaged or decorated: line breaks lost so labels are glued to
values and to each other ("LONGLeverage: 5xEntry: 1.2", "TP41.31"), keycap and circled-digit
lists run together ("1️⃣1.07 2️⃣1.09"), Markdown and Arabic diacritics around the words, labels in
other languages. This pass restores one label per line where it can and rewrites the labels to
English (nlp/data/post_labels.json); the shared ``normalize_text`` does the rest. Typed commands
never go through it, so their reading is unchanged.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from nlp.labels import rewrite_foreign_labels, rewrite_line_labels
from nlp.normalize import normalize_text

# Keycaps ("1️⃣", "🔟") and circled digits ("①", "❶", "➀") number list items; each starts a line.
_KEYCAP_RE = re.compile("(?:([0-9])\ufe0f?\u20e3|\U0001f51f)")
_CIRCLED = {**{chr(0x2460 + i): i + 1 for i in range(20)}, **{chr(0x2776 + i): i + 1 for i in range(10)},
            **{chr(0x2780 + i): i + 1 for i in range(10)}, **{chr(0x278A + i): i + 1 for i in range(10)}}
_CIRCLED_RE = re.compile(f"[{''.join(_CIRCLED)}]")
_MARKDOWN_LINK_RE = re.compile(r"\[([^\[\]\n]*)\]\((?:https?|tg)://[^)\s]*\)")
# "~~Entry: 28.0~~ Entry: 27.6": struck-through text is a level the channel withdrew.
_STRUCK_RE = re.compile(r"~~[^~\n]+~~")
_MARKDOWN_EMPHASIS_RE = re.compile(r"\*\*|__|~~|`")
# Arabic harakat and the tatweel stretch letters without changing the word.
_ARABIC_MARKS_RE = re.compile("[\u064b-\u065f\u0670\u0640]")
# A label glued to what precedes it: "5xEntry", "100XEntry", "LONGLeverage", "BINANCEPair:", "1.2Stop", "arasıEntry"; the
# naming labels only before their colon ("KuCoin Futures" is a venue, not "Ku" + "Coin").
_GLUED_LABEL_RE = re.compile(
    r"(?:(?<=[^\W_A-Z])|(?<=[%)\]])|(?<=[A-Z]{2})|(?<=\d[xX]))(?=(?:Entry|Entries|Leverage|Targets?|Take|Stop(?:[\s-]?[Ll]oss)?)(?![a-z])|(?:Pair|Exchange|Margin|Coin|Direction)(?=\s*[:\-])"
    r"|(?:TP|Tp|SL|Sl)(?:\s?\d{1,2})?(?=\s*[:\-]|\s*\d)|(?:ENTRY|LEVERAGE|TARGETS?|STOP)\b)"
)
# "ЛОНГВход: 6.85Цели: 7.05": a capitalised Cyrillic label before its colon, glued to a value or an upper-case word.
_GLUED_CYRILLIC_LABEL_RE = re.compile("(?:(?<=[0-9\u0430-\u044f\u0451%)])|(?<=[\u0410-\u042f\u0401]{2}))"
                                      "(?=[\u0410-\u042f\u0401][\u0430-\u044f\u0451]+(?:-[\u0430-\u044f\u0451]+)?(?:\\s?\\d)?\\s*:)")
# "#EGLD/USDTTP2 reached": a pair's quote glued to the label after it.
_GLUED_AFTER_QUOTE_RE = re.compile(r"(?<=/USDT)(?=TP\d|SL\b|Entry|ENTRY|Target|TARGET|Stop|STOP)")
# A post copied without its line breaks: "… LONG Leverage 25 Entry: 2.74 🎯 Targets: 2.80 2.85 Stop-loss - 2.60".
# Each capitalised label (with the emoji before it) starts a line again, when a line holds several ("at CMP" stays with
# its side); a label
# word after another ("Take-Profit Targets", "Entry Targets", "Stop Targets") belongs to it.
_LOST_BREAK_RE = re.compile(
    r"(?<=[\w.,%)\]$])(?<!Entry)(?<!ENTRY)(?<!Take)(?<!TAKE)(?<!Profit)(?<!PROFIT)(?<!Stop)(?<!STOP)(?<!Loss)(?<!LOSS)(?<!loss)(?<!profit)[ \t]+(?=(?:[^\w\s.,$#%()]{1,4}\s?)?(?:Open(?=\s*:)|OPEN(?=\s*:)|Leverage|LEVERAGE|Lev|LEV|Entry|ENTRY|Entries|ENTRIES|Targets?|TARGETS?|"
    r"Take[\s-]?[Pp]rofit|TAKE[\s-]?PROFIT|(?:Long|LONG)\sabove|(?:Short|SHORT)\sbelow|TP\s?\d|Stop[\s-]?[Ll]oss|STOP[\s-]?LOSS|StopLoss|SL|Stop|STOP|Exchange|EXCHANGE|"
    r"DCA|Capital|Use|USE|Tg\s?\d|T\s?\d(?=\s*:)|Stop\s?ls|Invalidation|INVALIDATION|(?:Buy|BUY|Short|SHORT)\s(?:zone|around|@)|"
    r"(?:Sell|SELL)\s(?:targets?|zone)|(?:Take|TAKE|Now|NOW|E\d?|Order|ORDER|Limit|LIMIT)(?=\s*:)|Position\sopen|Get\sin|Cut\sloss|CUT\sLOSS|Exit\sif|Market\sorder|Market\sprice|MARKET|CMP(?<!at[ \t]CMP)(?<!@[ \t]CMP)|Amount|Direction|DIRECTION|Side|Pair|PAIR|Type(?=\s*[:\-]))(?![a-z]))")
_LOST_BREAKS_MIN_LABELS = 3
# In a post that visibly lost its breaks (written on a few lines, with this many glued or run-in labels in all),
# any line holding two labels is split too.
_LOST_BREAKS_POST_LABELS = 3
_LOST_BREAKS_MAX_LINES = 3
# "Long 5.12 → 5.35 ⛔ 4.95": a stop or target mark before a level, inside a line, starts the line it labels.
_MID_LINE_MARK_RE = re.compile("(?<=[\\w.,%)])[ \\t]+(?=[\u26d4\U0001f6d1\U0001f3af]\ufe0f?\\s?\\$?\\d)")
_LOST_BREAKS_MIN_CHARS = 40
# "KAVALONG", "#DOTSHORT": a ticker with the side glued on.
_GLUED_SIDE_RE = re.compile(r"(?<![A-Za-z])([#$]?[A-Z0-9]{2,12}?)(LONG|SHORT)(?=\b|[A-Z][a-z])")
# "TP41.31": the index and the value of a target with nothing between them.
_GLUED_TARGET_RE = re.compile(r"\b(?P<label>tp|target)(?P<digits>\d{2,}(?:\.\d+)?)(?![\d.])", re.IGNORECASE)
# "TP1/2/3: 1.30 / 1.35 / 1.42", "Targets 1-3:": one label over several numbered targets.
_TARGET_RUN_LABEL_RE = re.compile(r"\b(tps?|targets?)\s?\d{1,2}(?:\s?[/&,\-]\s?(?:tp)?\d{1,2})+(?=\s*[:\-])", re.IGNORECASE)
_TARGET_LABEL_RE = re.compile(r"\b(?:tp|target)\s*(\d{1,2})(?![\d.,])", re.IGNORECASE)
# "0.95 can be stop", "1.2 is our SL": a level named after its value.
_VALUE_THEN_STOP_RE = re.compile(
    r"(?P<value>\$?\d[\d.,]*)\s+(?:can|could|would|will|should|is|as)\s+(?:be\s+)?(?:the\s+|our\s+|a\s+|my\s+)?"
    r"(?:stop(?:[\s-]?loss)?|sl)\b", re.IGNORECASE)
# "×20", "20✕": a multiplication sign next to a number is the leverage "x" (alone it is decoration).
# Arabic-Indic and Persian digits with their decimal and group marks, as ASCII.
_DIGITS = str.maketrans({**{chr(0x0660 + i): str(i) for i in range(10)}, **{chr(0x06F0 + i): str(i) for i in range(10)},
                         "\u066b": ".", "\u066c": ","})
# Turkish writes the percent sign first ("%2", "%35 kâr").
_PERCENT_FIRST_RE = re.compile(r"(?<![\w%])%\s?(\d+(?:[.,]\d+)?)")
_MULTIPLY_SIGN_RE = re.compile("(?<=\\d)\\s?[\u00d7\u2715\u2716]\ufe0f?|[\u00d7\u2715\u2716]\ufe0f?(?=\\s?\\d)")
_HAS_ALNUM_RE = re.compile(r"[^\W_]")
# Thousands grouped by a space, as Russian and French posts print prices: "65\u202f000", "66\u00a0800", "65 000".
# A (no-break) thin space always groups; a plain space only before "000", which is never a level by itself.
_SPACE_GROUPED_RE = re.compile("(?<![\\d.,])(\\d{1,3})(?:[\u00a0\u202f\u2009](\\d{3})|[ ](000))(?![\\d]|[.,]\\d)")
_CYRILLIC_RE = re.compile("[\u0400-\u04ff]")
_SPACE_GROUPED_ANY_RE = re.compile("(?<![\\d.,])(\\d{1,3})[ \u00a0\u202f\u2009](\\d{3})(?![\\d]|[.,]\\d)")


@lru_cache(maxsize=64)  # the parser asks for one post's form several times while routing it
def normalize_post(text: str) -> str:
    """A channel post in the plain, one-label-per-line English form the section reader expects."""
    written_lines = text.strip().count("\n") + 1
    if _SPACE_GROUPED_RE.search(text) or (_CYRILLIC_RE.search(text) and len(_SPACE_GROUPED_ANY_RE.findall(text)) >= 2):
        # Russian posts group thousands by a plain space too: "Вход: 64 200 - 64 800".
        # A post that groups one price by a space groups them all: "65 000 - 65 500" is one zone.
        text = _SPACE_GROUPED_ANY_RE.sub(r"\1\2", text)
    text = text.replace("\u2116", "#")  # the numero sign: "цель №2" is target #2 (NFKC would make it "No")
    text = unicodedata.normalize("NFKC", _list_markers(text)).translate(_DIGITS)
    text = _PERCENT_FIRST_RE.sub(r"\1%", text)
    text = _MARKDOWN_LINK_RE.sub(r"\1", text)
    text = _MARKDOWN_EMPHASIS_RE.sub("", _STRUCK_RE.sub(" ", text))
    text = _ARABIC_MARKS_RE.sub("", text)
    cyrillic_glued = 0
    if _CYRILLIC_RE.search(text):
        text, cyrillic_glued = _GLUED_CYRILLIC_LABEL_RE.subn("\n", text)
    text = rewrite_foreign_labels(text)
    text = normalize_text(text)
    text = _MULTIPLY_SIGN_RE.sub("x", text)
    text = _GLUED_SIDE_RE.sub(r"\1 \2", text)
    text = _GLUED_AFTER_QUOTE_RE.sub(" ", text)
    text, glued = _GLUED_LABEL_RE.subn("\n", text)
    glued += cyrillic_glued
    text = _MID_LINE_MARK_RE.sub("\n", text)
    lines = text.split("\n")
    counts = [len(_LOST_BREAK_RE.findall(line)) for line in lines]
    lost_breaks = written_lines <= _LOST_BREAKS_MAX_LINES and glued + sum(counts) >= _LOST_BREAKS_POST_LABELS
    least = 1 if lost_breaks else _LOST_BREAKS_MIN_LABELS
    text = "\n".join(_LOST_BREAK_RE.sub("\n", line) if (lost_breaks or len(line) >= _LOST_BREAKS_MIN_CHARS)
                     and count >= least else line for line, count in zip(lines, counts))
    text = _split_glued_targets(_TARGET_RUN_LABEL_RE.sub(r"\1", text))
    text = _VALUE_THEN_STOP_RE.sub(lambda m: f"\nStop loss: {m.group('value')}\n", text)
    return rewrite_line_labels(text)


def _list_markers(text: str) -> str:
    text = _KEYCAP_RE.sub(lambda m: _list_item(m, m.group(1) or "10"), text)
    return _CIRCLED_RE.sub(lambda m: _list_item(m, str(_CIRCLED[m.group(0)])), text)


def _list_item(match: re.Match[str], number: str) -> str:
    # A marker after words or values on its line starts a new line; after decoration it just numbers the item.
    line_so_far = match.string[match.string.rfind("\n", 0, match.start()) + 1:match.start()]
    return f"{chr(10) if _HAS_ALNUM_RE.search(line_so_far) else ''}{number}) "


def _split_glued_targets(text: str) -> str:
    """Read "TP41.31" as target 4 at 1.31 when 4 is the next target number (the labels count up)."""
    if not _GLUED_TARGET_RE.search(text):
        return text
    pieces, last, expected = [], 0, 1
    for match in re.finditer(f"{_GLUED_TARGET_RE.pattern}|{_TARGET_LABEL_RE.pattern}", text, re.IGNORECASE):
        digits = match.group("digits")
        if digits is None:
            expected = int(match.group(3)) + 1
            continue
        prefix = str(expected)
        if digits.startswith(prefix) and len(digits) > len(prefix) and digits[len(prefix)] != ".":
            pieces.append(text[last:match.start()] + f"{match.group('label')}{prefix} {digits[len(prefix):]}")
            last = match.end()
            expected += 1
    pieces.append(text[last:])
    return "".join(pieces)
