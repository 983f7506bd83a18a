import pytest

from nlp.parser import RuleParser


@pytest.fixture(scope="session")
def parser() -> RuleParser:
    return RuleParser()
