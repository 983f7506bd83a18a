"""Domain dataclasses to JSON-ready values and back (for JSONB columns and Redis values).

Decimals travel as strings, so no digit is lost to a binary float.
"""

from __future__ import annotations

import dataclasses
import types
import uuid
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from enum import Enum
from functools import cache, partial
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

T = TypeVar("T")


def to_jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {key: to_jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(item) for item in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def from_jsonable(cls: type[T], data: dict[str, Any]) -> T:
    """Rebuild a dataclass written by :func:`to_jsonable`, following its type hints."""
    converters = _converters(cls)
    return cls(**{name: _apply(converters[name], raw) for name, raw in data.items()})


Converter = Callable[[Any], Any]


@cache
def _converters(cls: type) -> dict[str, Converter]:
    """Each field's converter, worked out once per class: ``get_type_hints`` is far too slow to
    call per object (candles are decoded by the hundred on every market request)."""
    return {name: _converter(hint) for name, hint in get_type_hints(cls).items()}


def _converter(hint: Any) -> Converter:
    if get_origin(hint) in (Union, types.UnionType):
        hint = next(arg for arg in get_args(hint) if arg is not type(None))
    if dataclasses.is_dataclass(hint):
        return partial(from_jsonable, hint)
    if hint is datetime:
        return datetime.fromisoformat
    if isinstance(hint, type) and issubclass(hint, (Decimal, uuid.UUID, Enum)):
        return hint
    return _unchanged


def _unchanged(raw: Any) -> Any:
    return raw


def _apply(converter: Converter, raw: Any) -> Any:
    return None if raw is None else converter(raw)
