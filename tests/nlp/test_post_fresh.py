"""The post reader on fresh posts written by hand in the styles of real channels
(tests/nlp/data/posts_fresh.jsonl), labelled by nlp-contract.md before the reader was fixed for
them: lost line breaks, glued labels, lists under headers, label synonyms, leverage and allocation
forms, venues, other quotes, and follow-ups in English, Russian, Turkish and Spanish."""

from pathlib import Path

from nlp.evaluation import evaluate, load_items
from nlp.parser import RuleParser

FRESH = Path(__file__).resolve().parent / "data" / "posts_fresh.jsonl"
# Every post is read right when written; a floor of a post or two under that.
SIGNALS, FOLLOWUPS, ENTITY_F1 = 0.97, 0.96, 0.99


def test_fresh_posts_read_right(parser: RuleParser) -> None:
    report = evaluate(load_items(FRESH), lambda text: parser.parse(text).to_dict())
    failures = "\n".join(str(failure)[:300] for failure in report.failures)
    assert report.signal_posts >= 80 and report.followups >= 50
    assert report.signal_exact_share >= SIGNALS, failures
    assert report.followup_exact_share >= FOLLOWUPS, failures
    assert report.post_entity_f1 >= ENTITY_F1, failures


def test_fresh_posts_forwarded_read_as_posts(parser: RuleParser) -> None:
    """In the bot a forwarded post is always read as a post: the same reading as when pasted."""
    for item in load_items(FRESH):
        forwarded = parser.parse(item["text"], forwarded=True).to_dict()
        assert forwarded["intent"] == item["expect"]["intent"], item["id"]
