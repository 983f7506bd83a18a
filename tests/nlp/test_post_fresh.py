"""The post reader on fresh posts written by hand in the styles of real channels, labelled by
nlp-contract.md before the reader was fixed for them.

posts_fresh.jsonl: lost line breaks, glued labels, lists under headers, label synonyms, leverage and
allocation forms, venues, other quotes, and follow-ups in English, Russian, Turkish and Spanish.
posts_fresh_2.jsonl (another author, other channels): Russian, Turkish, Spanish, Arabic and Persian
digits, Vietnamese and Indonesian, VIP blocks with disclaimers, tables and box drawing, sats and $k
prices, spot zones, scalps, DCA ladders, posts copied from Telegram web with no breaks at all,
follow-ups about several coins and re-posted ladders of ticked levels.
posts_fresh_3.jsonl and posts_fresh_3_late.jsonl (a third author): European and Chinese channels, one-line
setups in a channel's capitals, posts with few labels, market entries and leverage ranges in many forms.
posts_fresh_4.jsonl and posts_fresh_4_late.jsonl (issue 8's fourth round): Binance Killers-style and Cornix-style
VIP posts, Russian, Turkish, Arabic, Persian, Spanish and Portuguese channels, leverage as ranges, words, "Cross 20x",
"Isolated" and "max 20x", market entries ("CMP", "current price", "now") in many languages and positions, stops in %,
ads and disclaimers around the setup, and setups pasted as plain lines.
posts_fresh_5.jsonl and posts_fresh_5_late.jsonl (issue 8's fifth round): leverage ranges written every way channels
write them ("Cross 10x-20x", "x10 - x20", "Lev 5x to 10x", "20x (max 50x)", "плечо 10-20х", Vietnamese and Indonesian),
market entries in a dozen languages and positions, with and without a level beside them, Binance Killers-, Cornix- and
Bybit-style posts, spot calls, Vietnamese and Indonesian channels, adverts above the setup.
posts_fresh_6.jsonl and posts_fresh_6_late.jsonl (issue 8's sixth round): leverage ranges with the margin mode
between their ends, underscores, arrows and words in a dozen languages, market entries with a limit level or a
ceiling beside them ("Market - Limit", "Market (up to …)", "hasta", "حتى"), arrow chains of levels, glued and
one-line posts."""

from pathlib import Path

import pytest

from nlp.evaluation import evaluate, load_items
from nlp.parser import RuleParser

DATA = Path(__file__).resolve().parent / "data"
# Per file: least signal posts and follow-ups, then floors a post or two under what the reader reaches.
# Three posts of the second set are left wrong on purpose: two follow-ups about several coins are
# labelled with `symbols` alone while the reader also names the first coin in `symbol` (the shared
# dev set's convention), and "closed in loss" reads as a stop hit.
FRESH = {
    "posts_fresh.jsonl": (80, 50, 0.97, 0.96, 0.99),
    "posts_fresh_2.jsonl": (100, 60, 0.97, 0.93, 0.99),
    # Written after the fixes and scored only in aggregate (its failures were never read): floors under that.
    "posts_fresh_2_late.jsonl": (15, 10, 0.8, 0.7, 0.95),
    # A third author's styles (Portuguese, French, Italian, German, Chinese, Ukrainian, capitalised one-liners, few
    # labels, market-entry forms); one post is left wrong on purpose: "✅ 2.24" bullets under a new signal read as
    # ticked targets, which is what a re-posted ladder looks like.
    "posts_fresh_3.jsonl": (35, 12, 0.97, 0.99, 0.98),
    # Written after those fixes and scored only in aggregate.
    "posts_fresh_3_late.jsonl": (20, 10, 0.95, 0.9, 0.98),
    # Labelled before the reader was run on them: 47/50 signal posts fully right then, all after the fixes.
    "posts_fresh_4.jsonl": (50, 12, 0.96, 0.91, 0.99),
    # Written after those fixes and scored only in aggregate (20/24 signal posts right before them, 22/24 after).
    "posts_fresh_4_late.jsonl": (24, 6, 0.87, 0.83, 0.98),
    # Labelled before the reader was run on them: 53/58 signal posts fully right then, all after the fixes.
    "posts_fresh_5.jsonl": (55, 6, 0.96, 0.83, 0.99),
    # Written after those fixes and scored only in aggregate: 25/25 signal posts and 4/4 follow-ups right.
    "posts_fresh_5_late.jsonl": (25, 4, 0.92, 0.75, 0.98),
    # Labelled before the reader was run on them: 56/59 signal posts fully right then, all after the fixes.
    "posts_fresh_6.jsonl": (55, 8, 0.96, 0.9, 0.99),
    # Written after those fixes and scored only in aggregate: 24/25 signal posts and 6/6 follow-ups right.
    "posts_fresh_6_late.jsonl": (25, 6, 0.92, 0.83, 0.98),
}


# Posts whose reading is left wrong on purpose (see FRESH): "✅ 2.24" bullets under a new call look like a
# re-posted ladder of reached targets.
LEFT_WRONG = {"fresh3-sig-035"}


@pytest.mark.parametrize("name", sorted(FRESH))
def test_fresh_posts_read_right(parser: RuleParser, name: str) -> None:
    least_signals, least_followups, signals, followups, entity_f1 = FRESH[name]
    report = evaluate(load_items(DATA / name), lambda text: parser.parse(text).to_dict())
    failures = "\n".join(str(failure)[:300] for failure in report.failures)
    assert report.signal_posts >= least_signals and report.followups >= least_followups
    assert report.signal_exact_share >= signals, failures
    assert report.followup_exact_share >= followups, failures
    assert report.post_entity_f1 >= entity_f1, failures


@pytest.mark.parametrize("name", sorted(FRESH))
def test_fresh_posts_forwarded_read_as_posts(parser: RuleParser, name: str) -> None:
    """In the bot a forwarded post is always read as a post: the same reading as when pasted."""
    for item in load_items(DATA / name):
        if item["id"] in LEFT_WRONG:
            continue
        forwarded = parser.parse(item["text"], forwarded=True).to_dict()
        assert forwarded["intent"] == item["expect"]["intent"], item["id"]
