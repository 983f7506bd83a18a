"""RuleParser: the rule-based reading of any message into a ParsedCommand.

Order of reading: a forwarded message is always a channel post; a typed message that carries
a full signal (entries plus targets or a stop) is a pasted signal unless it asks for an
opinion; one with channel markers and an update action is a pasted follow-up; everything
else is a command classified by cues and read by the spaCy pipeline.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path

from spacy.tokens import Doc

from domain.enums import CommandType
from nlp.calibration import Calibration
from nlp.classifier import classify
from nlp.commands import read_command_entities
from nlp.followups import SHORT_POST_CHARS, read_update, reads_as_followup, reported_update, reposted_update
from nlp.intent_model import MODEL_DIR, IntentModel, classifier_view
from nlp.lexicon import Canonicalizer
from nlp.models import ParsedCommand
from nlp.normalize import normalize_text
from nlp.post_normalize import normalize_post
from nlp.pipeline import build_pipeline, mentions
from nlp.signals import SignalReading, read_signal
from nlp.symbols import SymbolUniverse

logger = logging.getLogger(__name__)

# Telegram's own limit for one message; the pipeline never reads further than this, so a huge
# input costs bounded time (the output's ``text`` stays the whole input all the same).
MAX_READ_CHARS = 4096
# Control, surrogate, private-use and unassigned code points: binary noise rather than chat.
_NOISE_CATEGORIES = frozenset({"Cc", "Cs", "Co", "Cn"})
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

# A pasted setup that asks for an opinion or a size is a question about the trade, not a signal.
_ASKING_WORDS = (
    r"review|grade|rate|evaluate|assess|thoughts?|opinion|should\s+i|good\s+idea|decent|worth|"
    r"risk[\s/-]*reward|r:r|rr|position\s+size|size\s+(?:my|for)|how\s+(?:much|many)|how\s+risky|what\s+size|risking|"
    r"risk\s+\d+(?:\.\d+)?(?=\s*%)|\d+(?:\.\d+)?\s*%\s+risk|legit|check\s+(?:this|my)\s+(?:setup|trade|idea)|"
    r"any\s+good|safe\s+to|would\s+you|how\s+does\s+(?:this|it)|sanity\s+check"
)
_ASKS_ABOUT_TRADE_RE = re.compile(rf"\b(?:{_ASKING_WORDS}|think)\b|\?", re.IGNORECASE)
# Above a pasted post, the user's own line must ask about the trade in words: a channel's hype line
# ("Are you ready? 🚀", "Next pump coin? 👀", "I think NEAR is ready to fly") asks nobody anything.
_ASKS_ABOVE_POST_RE = re.compile(rf"\b(?:{_ASKING_WORDS}|(?:you|u)\s+think|is\s+(?:this|it)\s+(?:a\s+)?good)\b",
                                 re.IGNORECASE)
# The user's own line above a pasted post asks someone: an imperative to the bot ("rate this", "review it"),
# a question with a person in it ("what do you think?", "should I enter?"), or a short one ("worth it?").
_ADDRESSES_READER_RE = re.compile(
    r"^\W*(?:please\s+)?(?:rate|review|grade|evaluate|assess|check|analy[sz]e|size|tell|give|thoughts|opinion|"
    r"should\s+i|is\s+(?:this|it)|can\s+you|could\s+you|would\s+you|how\s+(?:much|many|big)\s+should)\b"
    r"|\b(?:i|me|my|you|u|we|us)\b[^\n]*\?|\?[^\n]*\b(?:i|me|my|you|u)\b|^\W*[^\n?]{0,12}\?", re.IGNORECASE)
_PASTED_SIGNAL_RE = re.compile(r"\b(?:saw|channel|fwd|forwarded|copy|signal|vip|group|call|paste[d]?)\b", re.IGNORECASE)
_ORDER_START_RE = re.compile(
    r"^\W*(?:please\s+)?(?:market\s+|limit\s+)?(?:buy|sell|long|short|go\s+(?:long|short)|stop[\s-]limit|"
    r"trailing[\s-]stop|place|open)\b",
    re.IGNORECASE,
)
# A one-line post's look ("LONG $SEI | Entry …"), unlike a typed "long sol entry 145 sl 140 tp 155" order.
_POST_STYLE_RE = re.compile(r"[#$][A-Za-z]|\||\b(?:LONG|SHORT|BUY|SELL)\b")
# "Long BTC 61000 TP 62500 SL 60200": a side, the coin and its price with no quantity between them, written
# with a channel's capitals. With a target and a stop it is a setup; a user's own order names its size
# ("long 2 eth at 3.2k sl 3.1k") and is typed in lower case ("long sol entry 145 sl 140 tp 155").
_SETUP_WITHOUT_SIZE_RE = re.compile(
    r"^\W*(?:(?:market|limit|scalp|spot|futures)\s+)?(?:buy|sell|long|short)\s+[#$]?[A-Za-z][A-Za-z0-9]{1,14}"
    r"(?:[/-]?usdt)?\s+(?:(?:at|@|around|near|here)\b\s*|@\s*)?\$?\.?\d[\d.,]*(?![\d.,]*\s?[xX%]|[\d.,]*[kKmM]?\s+(?!(?:tp\d?|sl|targets?|stop|take|tgts?)\b)[A-Za-z]{2,})",
    re.IGNORECASE)
_CAPITALISED_SETUP_RE = re.compile(r"^\W*(?:[A-Z][a-z]*\s+)?(?:Buy|BUY|Sell|SELL|Long|LONG|Short|SHORT)\b|\b(?:TP\d?|SL|Target|Stop)\b")
# A side in capitals ("BUY QWIXUSDT 0.52 TP 0.55 SL 0.48") is how posts, not people, write it.
_SHOUTED_SIDE_RE = re.compile(r"\b(?:LONG|SHORT|BUY|SELL)\b")
# A channel's decoration beside a $/# ticker ("Buy #OP 1.72 Target 1.85 Stop 1.64 🚀") marks a post too.
_POST_DECORATION_RE = re.compile("[🚀📈📉🔥✅🎯💎⚡🟢🔴]")
_ENTRY_LABEL_RE = re.compile(r"\bentr(?:y|ies)\b", re.IGNORECASE)
_SIGNAL_HINT_RE = re.compile(r"\b(?:entry|entries|tp\d?|targets?|sl|stop|take[\s-]?profit|buy\s+(?:zone|around))\b"
                             r"|\d\s*→\s*\$?\d|[🎯⛔🛑]", re.IGNORECASE)


class RuleParser:
    """Rule-based parser. Thread-safe for reading; ``add_markets`` may be called at any time."""

    def __init__(self, universe: SymbolUniverse | None = None, *, use_intent_model: bool = True,
                 model_dir: Path = MODEL_DIR) -> None:
        self.universe = universe or SymbolUniverse()
        self._nlp = build_pipeline(self.universe)
        self._canonicalizer = Canonicalizer(self.universe)
        # The shipped model; without it (a checkout that never trained one) the rule cues decide alone.
        self._intent_model = IntentModel(model_dir) if use_intent_model and IntentModel.available(model_dir) else None
        self._calibration = self._intent_model.calibration if self._intent_model else Calibration()

    def add_markets(self, markets: Iterable[str]) -> None:
        """Teach the parser an exchange's market symbols ("BTC/USDT", "NEWCOIN/USDT:USDT")."""
        self.universe.add_markets(markets)

    def parse(self, text: str, *, forwarded: bool = False) -> ParsedCommand:
        """Read one message; never raises. What cannot be read is general_query/other with low confidence."""
        if isinstance(text, (bytes, bytearray)):
            text = bytes(text).decode("utf-8", errors="replace")
        elif not isinstance(text, str):
            text = "" if text is None else str(text)
        try:
            readable = readable_part(text)
            if readable is None:
                return ParsedCommand(text, CommandType.GENERAL_QUERY, "other", 0.05)
            return self._parse(text, readable, forwarded)
        except Exception:  # a parse must never take the bot down; log it and ask the user to rephrase
            logger.exception("rule parser failed on a %d-character message", len(text))
            return ParsedCommand(text, CommandType.GENERAL_QUERY, "other", 0.0)

    def _parse(self, text: str, readable: str, forwarded: bool) -> ParsedCommand:
        # Post readers take the text as written (they normalise it their own way, see post_normalize);
        # the command reader takes the shared normal form.
        if forwarded:
            return self._read_post(text, readable)
        normalized = normalize_text(readable)
        post = normalize_post(readable)
        once = _OneParse(self._nlp, self._canonicalizer)
        if "\n" in post.strip() or _SIGNAL_HINT_RE.search(post):
            signal = self._with_symbol(read_signal(readable, self.universe), normalized, once)
            if self._is_pasted_signal(normalized, post, signal, once):
                if reposted_update(readable):
                    return self._update_command(text, readable)
                return _signal_command(text, signal)
        if reads_as_followup(readable):
            return self._update_command(text, readable)
        return self._read_command(text, normalized, once)

    def _with_symbol(self, signal: SignalReading, normalized: str, once: _OneParse) -> SignalReading:
        """A signal whose coin the post reader missed takes the one the command pipeline recognises."""
        if "symbol" in signal.entities or not any(key in signal.entities for key in ("entries", "take_profits")):
            return signal
        symbols = [m.value for m in mentions(once.doc(normalized)) if m.label == "ASSET"]
        if not symbols:
            return signal
        return SignalReading({"symbol": symbols[0], **signal.entities}, signal.confidence)

    def _update_command(self, text: str, readable: str) -> ParsedCommand:
        update = read_update(readable, self.universe)
        return ParsedCommand(text, CommandType.TRADE_ANALYSIS, "signal_update", update.confidence, update.entities)

    def _is_pasted_signal(self, normalized: str, post: str, signal: SignalReading, once: _OneParse) -> bool:
        found = signal.entities
        has_entry = "entries" in found or "entry_at_market" in found
        has_exit = any(key in found for key in _EXIT_KEYS)
        stripped = normalized.strip()
        # A post whose line breaks were lost reads as several lines once its glued labels are split.
        multi_line = "\n" in stripped or "\n" in post.strip()
        if multi_line:
            # Typed commands come one line at a time: several lines carrying levels are a post, even when
            # one of its labels (or its coin) was not understood, unless it reports an update on them.
            reports_update = reported_update(post) is not None
            read_as_setup = (has_entry and has_exit) or (not reports_update and (has_exit or (has_entry and "side" in found)))
            if not (read_as_setup or (not reports_update and "symbol" in found and _laid_out_as_setup(post))):
                return False
        elif not (has_entry and has_exit and "symbol" in found):
            return False
        # The user's own question wrapped around a setup ("is this signal legit? BTC long …", a first line
        # asking for a review above a pasted post) asks about the trade; a post's own prose does not count.
        question_part = stripped.split("\n", 1)[0] if multi_line else stripped
        question_part = once.canonical(question_part)  # "размер позиции …" asks too
        asks = (_ASKS_ABOVE_POST_RE if multi_line else _ASKS_ABOUT_TRADE_RE).search(question_part)
        if asks and multi_line and not _ADDRESSES_READER_RE.search(question_part):
            asks = None  # a channel's hook above its call ("Worth a shot 👇", "How much can it pump? 🤔")
        if asks and not (multi_line and _SIGNAL_HINT_RE.search(question_part)):
            return False
        if _PASTED_SIGNAL_RE.search(normalized) or multi_line:
            return True
        # "sell 5 SOL stop 131 limit 130.5" is an order; a range, several targets, or a post's own
        # "Entry … TP … SL …" labels make it a signal.
        # A range of leverage ("lev 5-10x") is a channel's advice; an own order names the one it uses.
        several_levels = len(found.get("entries", [])) > 1 or len(found.get("take_profits", [])) > 1 \
            or "leverage_max" in found
        labelled = bool((_ENTRY_LABEL_RE.search(normalized) or _SHOUTED_SIDE_RE.search(normalized)
                         or _POST_DECORATION_RE.search(normalized)) and _POST_STYLE_RE.search(normalized)) \
            and ("stop_loss" in found or _POST_DECORATION_RE.search(normalized) is not None) \
            and ("take_profits" in found or "take_profit_percents" in found)  # "Buy #SOL now 🚀 target 160"
        setup = "stop_loss" in found and "take_profits" in found and _SETUP_WITHOUT_SIZE_RE.match(normalized) is not None \
            and _CAPITALISED_SETUP_RE.search(normalized) is not None
        return several_levels or labelled or setup or not _ORDER_START_RE.match(normalized)

    def _read_post(self, text: str, readable: str) -> ParsedCommand:
        signal = self._with_symbol(read_signal(readable, self.universe), normalize_text(readable),
                                   _OneParse(self._nlp, self._canonicalizer))
        post = normalize_post(readable)
        # "Entry 1 filled ✅" names an entry but no exit: a report on the signal, not the signal again.
        has_levels = ("entries" in signal.entities or signal.entities.get("entry_at_market")) and \
            any(key in signal.entities for key in _EXIT_KEYS)
        brag = len(post) <= SHORT_POST_CHARS
        if reposted_update(readable) or (not has_levels and reported_update(post, brag=brag) is not None):
            return self._update_command(text, readable)
        return _signal_command(text, signal)

    def command_view(self, text: str) -> list[str]:
        """What the intent classifier reads for a typed message (see ``nlp.intent_model``)."""
        readable = readable_part(text) or ""
        return classifier_view(self._nlp(self._canonicalizer.canonical(normalize_text(readable))))

    def _read_command(self, text: str, normalized: str, once: _OneParse) -> ParsedCommand:
        normalized = once.canonical(normalized)
        doc = once.doc(normalized)
        found = mentions(doc)
        view = classifier_view(doc)
        model = self._intent_model if self._intent_model and self._intent_model.knows_any(view) else None
        model_scores, members_agree = model.read(view) if model else (None, True)
        reading = classify(normalized, found, model_scores, members_agree=members_agree)
        entities = read_command_entities([token.text for token in doc], found, reading.intent)
        confidence = self._calibration.apply(reading.confidence)  # the share of such readings that are right
        return ParsedCommand(text, reading.command_type, reading.intent, confidence, entities,
                             alternatives=reading.alternatives)


class _OneParse:
    """What one parse may ask for twice: a one-line message is canonicalised to route it and again to read it,
    and run through the pipeline to name a pasted signal's coin and again to read it as a command."""

    def __init__(self, nlp: Callable[[str], Doc], canonicalizer: Canonicalizer) -> None:
        self._nlp, self._canonicalizer = nlp, canonicalizer
        self._docs: dict[str, Doc] = {}
        self._canonical: dict[str, str] = {}

    def doc(self, text: str) -> Doc:
        if text not in self._docs:
            self._docs[text] = self._nlp(text)
        return self._docs[text]

    def canonical(self, text: str) -> str:
        if text not in self._canonical:
            self._canonical[text] = self._canonicalizer.canonical(text)
        return self._canonical[text]


def readable_part(text: str) -> str | None:
    """The part of ``text`` the pipeline reads: at most MAX_READ_CHARS (cut at a line end when one is
    near), lone surrogates and control characters blanked; None when the text is mostly binary noise."""
    if len(text) > MAX_READ_CHARS:
        cut = text[:MAX_READ_CHARS]
        line_end = cut.rfind("\n")
        text = cut[:line_end] if line_end > MAX_READ_CHARS // 2 else cut
    if not text.isascii():
        text = text.encode("utf-8", errors="replace").decode("utf-8")  # lone surrogates -> "?"
        noise = sum(1 for ch in text if ch == "\ufffd" or (ch not in "\n\r\t"
                                                            and unicodedata.category(ch) in _NOISE_CATEGORIES))
    else:
        noise = len(_CONTROL_RE.findall(text))
    if noise > max(3, len(text) // 10):
        return None
    return _CONTROL_RE.sub(" ", text) if noise else text


_EXIT_KEYS = ("take_profits", "stop_loss", "take_profit_percents", "stop_loss_percent")
_SIDE_WORD_RE = re.compile(r"\b(?:long|short|buy|sell)\b", re.IGNORECASE)
_FIGURE_RE = re.compile(r"\d")
_LEAST_SETUP_LINES = 3


def _laid_out_as_setup(post: str) -> bool:
    """A side heading a message whose further lines carry figures ("LONG BTC" over "61000", "62500", "59800"):
    the layout of a channel's setup even where its labels were not understood. A typed command is one line."""
    lines = [line for line in post.splitlines() if line.strip()]
    if len(lines) < _LEAST_SETUP_LINES or not _SIDE_WORD_RE.search(lines[0]):
        return False
    return sum(1 for line in lines[1:] if _FIGURE_RE.search(line)) >= _LEAST_SETUP_LINES - 1


def _signal_command(text: str, signal: SignalReading) -> ParsedCommand:
    return ParsedCommand(text, CommandType.TRADE_ANALYSIS, "signal", signal.confidence, signal.entities)
