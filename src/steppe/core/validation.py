"""Reading a value from user input: one set of field parsers that every service uses.

Each parser returns the clean value or raises ``ValidationFailed`` naming the field, so a message
always says where the problem is. ``Errors`` gathers the failures of several fields, so a form or
request is answered with every problem at once rather than the first one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext

from .errors import ValidationFailed

# 万元: far above any budget, below the 12-digit money columns
MAX_AMOUNT = Decimal("1e9")


def _t(message: str, **values) -> str:
    """A message in the active language (core's catalog; Chinese by default), placeholders filled."""
    text = gettext(message)
    return text % values if values else text


def invalid(field: str, message: str) -> ValidationFailed:
    """The error for one bad field (raise it)."""
    return ValidationFailed(f"{field}: {message}", [{"field": field, "message": message}])


def parse_date(value, field: str) -> date:
    """A date, or an ISO ``YYYY-MM-DD`` string."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except (TypeError, ValueError):
        raise invalid(field, _t("“%(value)s” 不是有效日期，应写作 YYYY-MM-DD", value=value)) from None


def parse_text(value, field: str, max_length: int, *, required: bool = True) -> str:
    """Stripped text of at most ``max_length`` characters; None reads as empty."""
    text = (value or "").strip() if isinstance(value, str) or value is None else None
    if text is None:
        raise invalid(field, _t("应为文本"))
    if required and not text:
        raise invalid(field, _t("不能为空"))
    if len(text) > max_length:
        raise invalid(field, _t("不能超过 %(max)s 字", max=max_length))
    return text


def parse_decimal(
    value, field: str, *, positive: bool = True, places: int = 2, limit: Decimal = MAX_AMOUNT
) -> Decimal:
    """A finite Decimal within ±limit, rounded to ``places`` decimals (what the column stores)."""
    try:
        d = Decimal(str(value).strip())
    except (InvalidOperation, TypeError, ValueError):
        raise invalid(field, _t("“%(value)s” 不是数字", value=value)) from None
    if not d.is_finite():
        raise invalid(field, _t("“%(value)s” 不是数字", value=value))
    if positive and d <= 0:
        raise invalid(field, _t("必须是正数"))
    if abs(d) >= limit:
        raise invalid(field, _t("数值过大（应小于 %(limit)s）", limit=f"{limit:,.0f}"))
    return d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


class Errors:
    """Every field error of one input, raised together by ``check()``.

    >>> errors = Errors()
    >>> budget = errors.take(lambda: parse_decimal(raw, "budget"))   # None when it failed
    >>> errors.add("targets", "至少需要一项")
    >>> errors.check()                                                # raises with both
    """

    def __init__(self) -> None:
        self.items: list[dict] = []

    def add(self, field: str, message: str) -> None:
        self.items.append({"field": field, "message": message})

    def take[T](self, parse: Callable[[], T]) -> T | None:
        """Run one parser; its failure is kept (not raised) and None returned."""
        try:
            return parse()
        except ValidationFailed as exc:
            self.items += exc.data["errors"]
            return None

    @contextmanager
    def collecting(self) -> Iterator[None]:
        """Keep the field errors raised inside the block."""
        try:
            yield
        except ValidationFailed as exc:
            self.items += exc.data["errors"]

    def __bool__(self) -> bool:
        return bool(self.items)

    def check(self) -> None:
        if self.items:
            raise ValidationFailed("; ".join(f"{e['field']}: {e['message']}" for e in self.items), self.items)


# ---------------------------------------------------------------- the edge: every text and number a request carries
#
# One cleaning layer in front of every form, query string and JSON body (core.middleware.
# InputCleaningMiddleware and core.inputs.CleaningParser call `check_request_value`): no control
# characters (PostgreSQL refuses NUL and none of them is ever meant), no text longer than
# TEXT_MAX_LENGTH, no JSON nested deeper than JSON_MAX_DEPTH, no non-finite or out-of-range number.
# Fields keep their own, tighter limits in their schema or service.

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
TEXT_MAX_LENGTH = 20_000
JSON_MAX_DEPTH = 32
# the largest integer a JSON number or query parameter may carry: 64-bit columns and ids
INT_MAX = 2**53
MSG_CONTROL_CHARACTER = "含有不可见的控制字符，请删除后重试"
MSG_TEXT_TOO_LONG = "文字过长，不能超过 %(max)s 字"
MSG_TOO_DEEP = f"JSON 嵌套过深（最多 {JSON_MAX_DEPTH} 层）"
MSG_NOT_FINITE = "数值无效（不能是 NaN 或无穷大）"
MSG_NUMBER_TOO_LARGE = "数值超出范围"


def check_text(value: str, field: str, max_length: int = TEXT_MAX_LENGTH) -> str:
    """The text as given, or ValidationFailed naming the field."""
    if CONTROL_CHARACTERS.search(value):
        raise invalid(field, _t(MSG_CONTROL_CHARACTER))
    if len(value) > max_length:
        raise invalid(field, _t(MSG_TEXT_TOO_LONG, max=max_length))
    return value


def check_number(value, field: str):
    """A JSON number: finite and within what a database column can hold."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        if abs(value) > INT_MAX:
            raise invalid(field, _t(MSG_NUMBER_TOO_LARGE))
    elif isinstance(value, float | Decimal):
        if value != value or value in (float("inf"), float("-inf")):
            raise invalid(field, _t(MSG_NOT_FINITE))
        if abs(value) >= 1e15:
            raise invalid(field, _t(MSG_NUMBER_TOO_LARGE))
    return value


def check_json(data, errors: Errors | None = None) -> None:
    """Every string and number of a parsed JSON document, iteratively (a deep document must not
    exhaust the stack), each error named by its path (`items.2.title`)."""
    own = errors if errors is not None else Errors()
    stack = [(data, "", 0)]
    while stack:
        value, path, depth = stack.pop()
        if depth > JSON_MAX_DEPTH:
            own.add(path or "body", MSG_TOO_DEEP)
            break
        if isinstance(value, dict):
            for k, v in value.items():
                key = f"{path}.{k}" if path else str(k)
                own.take(lambda k=k, key=key: check_text(str(k), key, 200))
                stack.append((v, key, depth + 1))
        elif isinstance(value, list):
            stack.extend((v, f"{path}.{i}" if path else str(i), depth + 1) for i, v in enumerate(value))
        elif isinstance(value, str):
            own.take(lambda value=value, path=path: check_text(value, path or "body"))
        elif isinstance(value, int | float):
            own.take(lambda value=value, path=path: check_number(value, path or "body"))
    if errors is None:
        own.check()


YEAR_MIN, YEAR_MAX = 1949, 2100


def parse_int(value, field: str, *, lo: int, hi: int, default: int | None = None) -> int:
    """An integer in [lo, hi] from a form or query value; empty gives `default` when there is one.
    Pages use it for their parameters (`?year=abc` is a 400 naming `year`, not a 500)."""
    if (value is None or str(value).strip() == "") and default is not None:
        return default
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise invalid(field, _t("“%(value)s” 不是整数", value=value)) from None
    if not lo <= number <= hi:
        raise invalid(field, _t("应在 %(lo)s 到 %(hi)s 之间", lo=lo, hi=hi))
    return number


def parse_choice(value, field: str, choices) -> str:
    """A filter value that must be one of ``choices`` (an unknown one is a 400 naming the field,
    not an empty list that looks like "nothing matches")."""
    allowed = [str(c) for c in choices]
    if value not in allowed:
        raise invalid(field, _t("“%(value)s” 不是可选值（%(choices)s）", value=value, choices=" | ".join(allowed)))
    return value


def parse_year(value, field: str = "year", *, default: int | None = None) -> int:
    return parse_int(value, field, lo=YEAR_MIN, hi=YEAR_MAX, default=default)


# ---------------------------------------------------------------- one validator per write (page and API)
#
# Every write a page form or an API body makes is checked by ONE validator: a `core.forms.PageForm`
# (with `ErrorsMixin.error_list()` for the API) or a validator class of the app's `validation`
# module. Apps declare each write here (`write_path`); tests/architecture/test_write_paths.py fails
# when an API write with a body, or a page that takes a POST, is not declared (or is declared but
# does not use its validator), and docs/architecture.md lists them all.


class JsonInput(dict):
    """A request body as the API received it: JSON types matter (a text field must be a string),
    which a page's form, where everything is text, cannot get wrong."""


@dataclass(frozen=True)
class WritePath:
    name: str
    validator: type
    api: tuple[str, ...] = ()  # "METHOD /path" as the routers declare it (without /api/v1)
    pages: tuple[str, ...] = ()  # URL names of the pages whose POST it checks


WRITE_PATHS: dict[str, WritePath] = {}


def write_path(name: str, validator: type, *, api: tuple[str, ...] = (), pages: tuple[str, ...] = ()) -> WritePath:
    """Declare that the API operations `api` and the pages `pages` check their input with `validator`."""
    path = WritePath(name, validator, tuple(api), tuple(pages))
    if WRITE_PATHS.get(name, path) != path:
        raise ValueError(f"write path {name} declared twice")
    WRITE_PATHS[name] = path
    return path


def body_schema(validator: type, fields: dict[str, str], *, name: str | None = None) -> type:
    """The API's body for a write that `validator` checks: the fields it reads, documented, each
    taken as sent, so that the validator (not pydantic) judges them, every one at once, with the
    same messages as the page."""
    from ninja import Schema
    from pydantic import Field as PydanticField
    from pydantic import create_model

    model = create_model(  # type: ignore[call-overload]
        name or f"{validator.__name__.removesuffix('Validator')}Body",
        __base__=Schema,
        __doc__=f"Checked by {validator.__module__}.{validator.__qualname__} (the page's validator).",
        **{f: (Any, PydanticField(None, description=str(label))) for f, label in fields.items()},
    )
    model.validator = validator
    return model
