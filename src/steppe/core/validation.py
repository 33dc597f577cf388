"""Reading a value from user input: one set of field parsers that every service uses.

Each parser returns the clean value or raises ``ValidationFailed`` naming the field, so a message
always says where the problem is. ``Errors`` gathers the failures of several fields, so a form or
request is answered with every problem at once rather than the first one. The field readers
(``read_text``, ``read_date``, ``read_int``, ``read_decimal``, ``read_choice``, ``read_bool``) are
how every app's validator reads a field: each gathers its problem into an ``Errors``, and one of the
wrong kind (a JSON number where text belongs) makes the answer a 422 rather than a 400.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext

from .errors import ValidationFailed

# 万元: far above any budget, below the 12-digit money columns
MAX_AMOUNT = Decimal("1e9")

# the messages of the parsers and field readers (core's catalog: Chinese msgids, English in locale/en)
MSG_REQUIRED = "必填"
MSG_EMPTY = "不能为空"
MSG_NOT_TEXT = "应为文本"
MSG_TOO_LONG = "不能超过 %(max)s 字"
MSG_DATE = "“%(value)s” 不是有效日期，应写作 YYYY-MM-DD"
MSG_NOT_INTEGER = "“%(value)s” 不是整数"
MSG_NOT_DECIMAL = "“%(value)s” 不是数字"
MSG_NOT_POSITIVE = "必须是正数"
MSG_TOO_LARGE = "数值过大（应小于 %(limit)s）"
MSG_RANGE = "应在 %(lo)s 到 %(hi)s 之间"
MSG_CHOICE = "“%(value)s” 不是可选值（%(choices)s）"
MSG_NOT_LIST = "应为列表"
MSG_NOT_OBJECT = "应为对象"


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
        raise invalid(field, _t(MSG_DATE, value=value)) from None


def parse_text(value, field: str, max_length: int, *, required: bool = True) -> str:
    """Stripped text of at most ``max_length`` characters; None reads as empty."""
    text = (value or "").strip() if isinstance(value, str) or value is None else None
    if text is None:
        raise invalid(field, _t(MSG_NOT_TEXT))
    if required and not text:
        raise invalid(field, _t(MSG_EMPTY))
    if len(text) > max_length:
        raise invalid(field, _t(MSG_TOO_LONG, max=max_length))
    return text


def parse_decimal(
    value, field: str, *, positive: bool = True, places: int = 2, limit: Decimal = MAX_AMOUNT
) -> Decimal:
    """A finite Decimal within ±limit, rounded to ``places`` decimals (what the column stores)."""
    try:
        d = Decimal(str(value).strip().replace(",", ""))  # an import's 1,200.50
    except (InvalidOperation, TypeError, ValueError):
        raise invalid(field, _t(MSG_NOT_DECIMAL, value=value)) from None
    if not d.is_finite():
        raise invalid(field, _t(MSG_NOT_DECIMAL, value=value))
    if positive and d <= 0:
        raise invalid(field, _t(MSG_NOT_POSITIVE))
    if abs(d) >= limit:
        raise invalid(field, _t(MSG_TOO_LARGE, limit=f"{limit:,.0f}"))
    return d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


class Errors:
    """Every field error of one input, raised together by ``check()``.

    >>> errors = Errors()
    >>> budget = errors.take(lambda: parse_decimal(raw, "budget"))   # None when it failed
    >>> errors.add("targets", "至少需要一项")
    >>> errors.check()                                                # raises with both

    A value of the wrong kind (a JSON number where text belongs, a list for a date: the field
    readers below say so with ``malformed=True``) makes the raised error a 422, "does not match the
    schema"; a well-formed value that is refused stays a 400. The fields and messages are the same.
    """

    def __init__(self) -> None:
        self.items: list[dict] = []
        self.malformed = False

    def add(self, field: str, message: str, *, malformed: bool = False) -> None:
        self.items.append({"field": field, "message": message})
        self.malformed = self.malformed or malformed

    def take[T](self, parse: Callable[[], T]) -> T | None:
        """Run one parser; its failure is kept (not raised) and None returned."""
        try:
            return parse()
        except ValidationFailed as exc:
            self._keep(exc)
            return None

    def _keep(self, exc: ValidationFailed) -> None:
        for e in exc.data["errors"]:
            self.add(e["field"], e["message"])
            self.items[-1] = {**e, **self.items[-1]}  # what else it says (an import's row)
        self.malformed = self.malformed or exc.status == 422

    @contextmanager
    def collecting(self) -> Iterator[None]:
        """Keep the field errors raised inside the block."""
        try:
            yield
        except ValidationFailed as exc:
            self._keep(exc)

    def __bool__(self) -> bool:
        return bool(self.items)

    def under(self, path: str) -> Errors:
        """These errors seen from inside `path` (a list's item, an object's key): a field reader's
        `name` is recorded as ``path.name`` (``targets[0].unit``)."""
        return _Under(self, path)

    def error(self, message: str | None = None) -> ValidationFailed:
        """The error naming every field (422 when a value was of the wrong kind); ``message``
        leads the text (e.g. "输入有误")."""
        if message:
            text = f"{message}：" + "；".join(f"{e['field']}: {e['message']}" for e in self.items)
        else:
            text = "; ".join(f"{e['field']}: {e['message']}" for e in self.items)
        exc = ValidationFailed(text, self.items)
        if self.malformed:
            exc.status = 422
        return exc

    def check(self, codes: dict[str, str] | None = None) -> None:
        """Raise every error at once. When the only one is a refusal with a code of its own
        (``codes``: message -> code), the answer keeps that code, which clients check."""
        if not self.items:
            return
        exc = self.error()
        if codes and len(self.items) == 1 and self.items[0]["message"] in codes:
            exc.code = codes[self.items[0]["message"]]
        raise exc


class _Under(Errors):
    def __init__(self, outer: Errors, path: str) -> None:
        super().__init__()
        self.outer, self.path = outer, path

    def add(self, field: str, message: str, *, malformed: bool = False) -> None:
        super().add(field, message, malformed=malformed)
        self.outer.add(f"{self.path}.{field}", message, malformed=malformed)


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
        raise invalid(field, _t(MSG_NOT_INTEGER, value=value)) from None
    if not lo <= number <= hi:
        raise invalid(field, _t(MSG_RANGE, lo=lo, hi=hi))
    return number


def parse_choice(value, field: str, choices) -> str:
    """A filter value that must be one of ``choices`` (an unknown one is a 400 naming the field,
    not an empty list that looks like "nothing matches")."""
    allowed = [str(c) for c in choices]
    if value not in allowed:
        raise invalid(field, _t(MSG_CHOICE, value=value, choices=" | ".join(allowed)))
    return value


def parse_year(value, field: str = "year", *, default: int | None = None) -> int:
    return parse_int(value, field, lo=YEAR_MIN, hi=YEAR_MAX, default=default)


# ---------------------------------------------------------------- field readers: one way to read a field
#
# Each reads `name` from an input (a page's form, an API body, an import row, a service's keywords),
# puts every problem into `errors` (never raises) and returns the clean value, or None when the
# field was refused. A value of the wrong kind (a number or a list where text belongs, a number
# where a date belongs) is recorded as malformed, so the API answers 422; a value of the right
# kind that is refused (too long, not a date, out of range) a 400. Messages are core's (this
# catalog); a caller may give its own, already in the request's language, for "required" and for
# a refused value.

INTEGER_TEXT = re.compile(r"[+-]?[0-9]+")


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _own(message, default: str, **values) -> str:
    """The caller's message (already in the request's language), or core's `default`, filled."""
    return str(message) if message is not None else _t(default, **values)


def read_text(
    data, name: str, errors: Errors, max_length: int = TEXT_MAX_LENGTH, *, required: bool = False,
    required_message=None,
) -> str | None:
    """Stripped text of at most `max_length` characters, without control characters; None and a
    missing field read as empty (``required``: refused). Anything but text is malformed."""
    value = data.get(name)
    value = "" if value is None else value
    if not isinstance(value, str):
        errors.add(name, _t(MSG_NOT_TEXT), malformed=True)
        return None
    value = value.strip()
    if CONTROL_CHARACTERS.search(value):  # PostgreSQL refuses NUL in text; the others are never meant
        errors.add(name, _t(MSG_CONTROL_CHARACTER))
        return None
    if required and not value:
        errors.add(name, _own(required_message, MSG_REQUIRED))
        return None
    if len(value) > max_length:
        errors.add(name, _t(MSG_TOO_LONG, max=max_length))
        return None
    return value


def read_date(data, name: str, errors: Errors, *, required: bool = False, required_message=None) -> date | None:
    """A ``date`` (a date-time gives its day), or text ``YYYY-MM-DD`` (an import's 2026/12/31,
    2026.12.31 and a date-time's leading day are read too); blank is None (``required``: refused).
    A number, a list or an object is malformed (a JSON 20261231 is not a date)."""
    value = data.get(name)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if _blank(value):
        if required:
            errors.add(name, _own(required_message, MSG_REQUIRED))
        return None
    if not isinstance(value, str):
        errors.add(name, _t(MSG_DATE, value=value), malformed=True)
        return None
    text = value.strip().replace("/", "-").replace(".", "-")
    if len(text) > 10 and text[10] in " T":
        text = text[:10]
    try:
        if not text.isascii():
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        errors.add(name, _t(MSG_DATE, value=value))
        return None


def read_int(
    data, name: str, errors: Errors, *, lo: int, hi: int, default: int | None = None, required: bool = False,
    required_message=None, message=None,
) -> int | None:
    """An integer in [lo, hi]: a JSON number or a form's digits; blank gives `default` (``required``:
    refused). A fraction, a boolean, a list or an object is malformed. `message` (the caller's)
    replaces core's for a refused value."""
    value = data.get(name)
    if _blank(value):
        if required:
            errors.add(name, _own(required_message, MSG_REQUIRED))
        return default
    if isinstance(value, bool) or not isinstance(value, int | str):
        errors.add(name, _own(message, MSG_NOT_INTEGER, value=value), malformed=True)
        return None
    text = value.strip() if isinstance(value, str) else None
    if text is not None and not INTEGER_TEXT.fullmatch(text):
        errors.add(name, _own(message, MSG_NOT_INTEGER, value=value))
        return None
    number = int(text) if text is not None else value
    if not lo <= number <= hi:
        errors.add(name, _own(message, MSG_RANGE, lo=lo, hi=hi))
        return None
    return number


def read_decimal(
    data, name: str, errors: Errors, *, required: bool = False, required_message=None, positive: bool = True,
    places: int = 2, limit: Decimal = MAX_AMOUNT,
) -> Decimal | None:
    """A finite number within ±limit (positive by default), rounded to `places` decimals
    (``parse_decimal``): a JSON number or text, an import's thousands separators dropped; blank is
    None (``required``: refused). A boolean, a list or an object is malformed."""
    value = data.get(name)
    if _blank(value):
        if required:
            errors.add(name, _own(required_message, MSG_REQUIRED))
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        errors.add(name, _t(MSG_NOT_DECIMAL, value=value), malformed=True)
        return None
    return errors.take(lambda: parse_decimal(value, name, positive=positive, places=places, limit=limit))


def read_choice(
    data, name: str, errors: Errors, choices, *, required: bool = False, required_message=None, message=None
) -> str | None:
    """One of `choices` (text); blank is None (``required``: refused). Anything but text is
    malformed. `message` (the caller's) replaces core's for a value that is not a choice."""
    value = data.get(name)
    if _blank(value):
        if required:
            errors.add(name, _own(required_message, MSG_REQUIRED))
        return None
    allowed = [str(c) for c in choices]
    if not isinstance(value, str):
        errors.add(name, _own(message, MSG_CHOICE, value=value, choices=" | ".join(allowed)), malformed=True)
        return None
    if value.strip() not in allowed:
        errors.add(name, _own(message, MSG_CHOICE, value=value, choices=" | ".join(allowed)))
        return None
    return value.strip()


def read_bool(data, name: str, errors: Errors, message, *, default: bool | None = None) -> bool | None:
    """A JSON boolean, or a form's "true" / "false" / "on"; missing gives `default` (without one it is
    refused with `message`, the caller's). A number, a list or an object is malformed."""
    value = data.get(name)
    if value is None and default is not None:
        return default
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "on"):
        return value.strip().lower() != "false"
    if not isinstance(value, bool):
        errors.add(name, str(message), malformed=value is not None and not isinstance(value, str))
        return None
    return value


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
