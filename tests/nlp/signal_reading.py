"""The one helper the post-class tests share: a post's entities, after checking it reads as a signal."""

from nlp.parser import RuleParser


def signal_entities(parser: RuleParser, text: str, *, forwarded: bool = False) -> dict:
    result = parser.parse(text, forwarded=forwarded).to_dict()
    assert result["intent"] == "signal", text
    return result["entities"]
