"""The post reader on invented posts (tests/nlp/synthetic_posts.py): styles x sides x magnitudes x
entry, stop, leverage and follow-up forms, none taken from a dev set. A class the reader does not
generalise to shows up here as many failures of one shape."""

from nlp.parser import RuleParser
from tests.nlp.synthetic_posts import reading_errors, synthetic_posts

# Share of invented posts read with every field right; the reader gets them all when written.
FLOOR = 0.99


def test_synthetic_posts_read_right(parser: RuleParser) -> None:
    cases = synthetic_posts(800)
    failures = []
    for case in cases:
        errors = reading_errors(case, lambda text: parser.parse(text).to_dict())
        if errors:
            failures.append(f"{case[0]!r}: {'; '.join(errors)}")
    assert 1 - len(failures) / len(cases) >= FLOOR, "\n".join(failures[:20])


def test_forwarded_posts_read_as_pasted(parser: RuleParser) -> None:
    for text, expected in synthetic_posts(200, seed=80):
        forwarded = parser.parse(text, forwarded=True).to_dict()
        assert forwarded["intent"] == expected["intent"], text
