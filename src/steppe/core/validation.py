"""Reading a value from user input: one set of field parsers that every service uses.

Each parser returns the clean value or raises ``ValidationFailed`` naming the field, so a message
always says where the problem is. ``Errors`` gathers the failures of several fields, so a form or
request is answered with every problem at once rather than the first one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .errors import ValidationFailed

# 万元: far above any budget, below the 12-digit money columns
MAX_AMOUNT = Decimal("1e9")


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
        raise invalid(field, f"“{value}” 不是有效日期，应写作 YYYY-MM-DD") from None


def parse_text(value, field: str, max_length: int, *, required: bool = True) -> str:
    """Stripped text of at most ``max_length`` characters; None reads as empty."""
    text = (value or "").strip() if isinstance(value, str) or value is None else None
    if text is None:
        raise invalid(field, "应为文本")
    if required and not text:
        raise invalid(field, "不能为空")
    if len(text) > max_length:
        raise invalid(field, f"不能超过 {max_length} 字")
    return text


def parse_decimal(
    value, field: str, *, positive: bool = True, places: int = 2, limit: Decimal = MAX_AMOUNT
) -> Decimal:
    """A finite Decimal within ±limit, rounded to ``places`` decimals (what the column stores)."""
    try:
        d = Decimal(str(value).strip())
    except (InvalidOperation, TypeError, ValueError):
        raise invalid(field, f"“{value}” 不是数字") from None
    if not d.is_finite():
        raise invalid(field, f"“{value}” 不是数字")
    if positive and d <= 0:
        raise invalid(field, "必须是正数")
    if abs(d) >= limit:
        raise invalid(field, f"数值过大（应小于 {limit:,.0f}）")
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
