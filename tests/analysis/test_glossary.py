"""The glossary answers the ways users ask about a term, and says plainly when it has none."""

from __future__ import annotations

import pytest

from domain.services.glossary import ENTRIES, Glossary, normalise


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return Glossary()


@pytest.mark.parametrize(
    ("question", "term"),
    [
        ("what is a funding rate", "funding rate"),
        ("explain isolated margin", "isolated margin"),
        ("what does liquidation price mean", "liquidation price"),
        ("what is an order book", "order book"),
        ("how does leverage work", "leverage"),
        ("What's RSI?", "rsi"),
        ("define dollar-cost averaging", "dca"),
        ("what is a perp", "perpetual"),
        ("what is r:r", "risk/reward"),
    ],
)
def test_the_dev_set_questions_find_their_term(glossary, question, term):
    answer = glossary.lookup(question)
    assert answer.entry is not None and answer.entry.term == term


def test_the_most_specific_term_named_wins(glossary):
    assert glossary.lookup("what is a stop-limit order").entry.term == "stop limit order"
    assert glossary.lookup("what is a limit order").entry.term == "limit order"
    assert glossary.lookup("how does a trailing stop loss work").entry.term == "trailing stop"


def test_a_misspelt_term_is_still_found(glossary):
    assert glossary.lookup("whats a liquidaton price").entry.term == "liquidation price"
    assert glossary.lookup("explain bolinger bands").entry.term == "bollinger bands"


def test_an_unknown_term_returns_no_entry_and_close_suggestions(glossary):
    answer = glossary.lookup("what is a liquidity pool")
    assert answer.entry is None
    assert answer.query == "what is a liquidity pool"
    assert "liquidation price" in answer.suggestions
    assert len(answer.suggestions) <= 3


def test_the_glossary_is_large_and_every_definition_is_a_few_sentences():
    assert len(ENTRIES) >= 40
    names = [normalise(name) for entry in ENTRIES for name in (entry.term, *entry.aliases)]
    assert len(names) == len(set(names)), "an alias may point to one term only"
    for entry in ENTRIES:
        sentences = entry.definition.count(". ") + 1
        assert 2 <= sentences <= 4, entry.term


def test_related_terms_exist_in_the_glossary(glossary):
    known = {normalise(name) for entry in ENTRIES for name in (entry.term, *entry.aliases)}
    for entry in ENTRIES:
        for related in entry.related:
            assert normalise(related) in known, f"{entry.term} -> {related}"


@pytest.mark.parametrize(
    ("question", "term"),
    [
        ("что такое ставка финансирования", "funding rate"),
        ("объясни изолированную маржу", "isolated margin"),
        ("что такое плечо", "leverage"),
        ("что такое стоп лосс", "stop loss"),
        ("what is a funding rate", "funding rate"),  # English still works for a Russian reader
    ],
)
def test_a_russian_question_finds_the_term_by_its_russian_name(glossary, question, term):
    from bot.i18n import Catalogs, speaking
    from bot.render.advice import glossary_names

    with speaking(Catalogs(), "ru"):
        names = glossary_names(glossary.terms)
    answer = glossary.lookup(question, names)
    assert answer.entry is not None and answer.entry.term == term, answer
