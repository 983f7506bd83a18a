"""No dead ends: every refusal the domain has a default for says why and what to do instead."""

from __future__ import annotations

import importlib
import pkgutil
import re

import domain
from domain.errors import DomainError

# What a way forward reads like: a command, an example, or an instruction.
WAY_FORWARD = re.compile(r"/\w+|\be\.g\.|\b(?:[Tt]ry|Send|Check|Choose|Forward|Delete|Make|Create|Tell|Use|Cancel|"
                         r"Enable|[Pp]lease|again|first|instead)\b")


def _all_errors() -> list[type[DomainError]]:
    for module in pkgutil.walk_packages(domain.__path__, "domain."):
        importlib.import_module(module.name)
    found, pending = [], [DomainError]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending += cls.__subclasses__()
    return found


def test_every_default_refusal_offers_a_way_forward():
    dead_ends = [f"{cls.__module__}.{cls.__name__}: {cls.default_message}" for cls in _all_errors()
                 if not WAY_FORWARD.search(str(cls.default_message))]
    assert not dead_ends, "Refusals that do not say what to do instead:\n" + "\n".join(dead_ends)
