"""The trained intent classifier: a spaCy ``textcat`` reading an abstracted view of the message.

The model never sees raw numbers or tickers: the rule pipeline has already found them, so the view
replaces them by their kind ("buy NUM COIN at NUM"). That is what lets a model trained on
generated text carry over to coins, prices and amounts it never saw. Trained by
``scripts/train_intent_model.py`` (one command, seeded) and shipped in ``nlp/data/intent_model``:
a few members trained with different seeds (``member_0`` …), whose probabilities are averaged,
since one seed's reading of a rare phrasing is a coin toss that the average settles.
"""

from __future__ import annotations

from pathlib import Path

import json

import spacy
from spacy.tokens import Doc

from nlp.calibration import Calibration

MODEL_DIR = Path(__file__).resolve().parent / "data" / "intent_model"
VOCABULARY_FILE = "view_vocabulary.json"
MEMBER_PREFIX = "member_"

# Entity kinds whose surface words do not matter for the intent, only that they are there.
_PLACEHOLDERS = {
    "NUMBER": "NUM", "ASSET": "COIN", "CASH": "CASH", "TIMEFRAME": "TF", "LEVERAGE": "LEV",
    "EXCHANGE": "EXCH", "PERIOD": "PERIOD",
}
_PLACEHOLDER_WORDS = frozenset(_PLACEHOLDERS.values())
_KINDS = _PLACEHOLDER_WORDS - {"NUM"}  # a bare number says nothing of the intent
_MAX_VIEW_TOKENS = 64


def classifier_view(doc: Doc) -> list[str]:
    """Lower-case tokens with numbers, coins, timeframes and venues replaced by their kind."""
    kinds = {}
    for span in doc.ents:
        placeholder = _PLACEHOLDERS.get(span.label_)
        if placeholder:
            for i in range(span.start, span.end):
                kinds[i] = placeholder if i == span.start else None
    view = []
    for token in doc:
        if token.i in kinds:
            if kinds[token.i]:
                view.append(kinds[token.i])
        else:
            view.append(token.lower_)
        if len(view) >= _MAX_VIEW_TOKENS:
            break
    return view or ["EMPTY"]


class IntentModel:
    """Scores intents for an abstracted view; ``scores`` returns probabilities summing to 1."""

    def __init__(self, path: Path = MODEL_DIR) -> None:
        members = sorted(path.glob(f"{MEMBER_PREFIX}*")) or [path]
        self._members = [spacy.load(member) for member in members]
        self._textcats = [member.get_pipe("textcat") for member in self._members]
        self.labels: tuple[str, ...] = tuple(self._textcats[0].labels)
        if any(tuple(textcat.labels) != self.labels for textcat in self._textcats):
            raise ValueError(f"the members in {path} were trained on different intents")
        # The words it was trained on: a message with none of them (brackets, emoji floods, bare
        # numbers) is outside what the model knows, and its confident-looking scores mean nothing.
        self._vocabulary = frozenset(json.loads((path / VOCABULARY_FILE).read_text(encoding="utf-8")))
        # Fitted with the model on messages it was not trained on (see nlp.calibration).
        self.calibration = Calibration.load(path)

    @classmethod
    def available(cls, path: Path = MODEL_DIR) -> bool:
        has_model = (path / "config.cfg").exists() or (path / f"{MEMBER_PREFIX}0" / "config.cfg").exists()
        return has_model and (path / VOCABULARY_FILE).exists()

    def knows_any(self, view: list[str]) -> bool:
        """True when the view holds a word or entity kind the model was trained on."""
        return any(token in self._vocabulary for token in view
                   if token in _KINDS or (token.isalpha() and token not in _PLACEHOLDER_WORDS))

    def scores(self, view: list[str]) -> dict[str, float]:
        return self.read(view)[0]

    def read(self, view: list[str]) -> tuple[dict[str, float], bool]:
        """The members' averaged probabilities, and whether every member picks the same intent: when
        they split, the reading is a coin toss however high the average looks."""
        total: dict[str, float] = {}
        picks = set()
        for member, textcat in zip(self._members, self._textcats):
            # predict() skips writing doc.cats, which nobody reads here.
            scores = textcat.predict([Doc(member.vocab, words=view)])[0].tolist()
            picks.add(max(range(len(scores)), key=scores.__getitem__))
            for label, score in zip(self.labels, scores):
                total[label] = total.get(label, 0.0) + score / len(self._members)
        return total, len(picks) == 1
