"""core.validation's field readers: the one way every validator reads a text, a date, an integer, an
amount, a choice or a yes-or-no. Each puts its problem into the input's Errors, named by the field;
a value of the wrong kind (a number or a list where text belongs, a number where a date belongs) is
malformed and makes the error a 422, a value of the right kind that is refused a 400; the messages
come from core's catalog, in the request's language."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import translation

from steppe.core.errors import ValidationFailed
from steppe.core.validation import (
    Errors,
    invalid,
    read_bool,
    read_choice,
    read_date,
    read_decimal,
    read_int,
    read_text,
)


def _read(reader, value, *args, **kwargs):
    """(the value read, {field: message}, malformed) for `value` sent as field "f"."""
    errors = Errors()
    out = reader({"f": value}, "f", errors, *args, **kwargs)
    return out, {e["field"]: e["message"] for e in errors.items}, errors.malformed


def _raised(errors: Errors) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        errors.check()
    return caught.value


# ---------------------------------------------------------------- text


def test_text_is_stripped_and_none_or_missing_reads_as_empty():
    assert _read(read_text, "  报告  ", 10) == ("报告", {}, False)
    assert _read(read_text, None, 10) == ("", {}, False)
    assert read_text({}, "f", Errors(), 10) == ""


@pytest.mark.parametrize("value", [5, 1.5, True, ["x"], {"a": 1}])
def test_anything_but_text_is_malformed(value):
    assert _read(read_text, value, 10) == (None, {"f": "应为文本"}, True)


@pytest.mark.parametrize(
    ("value", "kwargs", "message"),
    [
        ("  ", {"required": True}, "必填"),
        ("", {"required": True, "required_message": "请填写进展情况"}, "请填写进展情况"),
        ("长" * 11, {}, "不能超过 10 字"),
        ("a\x00b", {}, "含有不可见的控制字符，请删除后重试"),
    ],
)
def test_text_refused_for_what_it_says_is_a_400_naming_the_field(value, kwargs, message):
    assert _read(read_text, value, 10, **kwargs) == (None, {"f": message}, False)


def test_a_texts_messages_follow_the_requests_language():
    with translation.override("en"):
        assert _read(read_text, 5, 10)[1] == {"f": "must be text"}
        assert _read(read_text, "x" * 11, 10)[1] == {"f": "must be at most 10 characters"}
        assert _read(read_text, "", 10, required=True)[1] == {"f": "Required"}


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "value",
    [date(2026, 12, 31), datetime(2026, 12, 31, 8, 30), "2026-12-31", " 2026/12/31 ", "2026.12.31",
     "2026-12-31 08:30:00"],
)  # fmt: skip
def test_a_date_is_read_from_a_date_or_its_text(value):
    assert _read(read_date, value) == (date(2026, 12, 31), {}, False)


def test_a_blank_date_is_none_unless_required():
    assert _read(read_date, " ") == (None, {}, False)
    assert _read(read_date, None, required=True) == (None, {"f": "必填"}, False)


@pytest.mark.parametrize("value", ["2026-02-30", "明年", "2026-1-1x", "２０２６-１２-３１"])
def test_text_that_is_not_a_date_is_refused_with_a_400(value):
    assert _read(read_date, value) == (None, {"f": f"“{value}” 不是有效日期，应写作 YYYY-MM-DD"}, False)


@pytest.mark.parametrize("value", [20261231, 2026.5, True, ["2026-12-31"], {"d": 1}])
def test_a_number_or_a_list_for_a_date_is_malformed(value):
    assert _read(read_date, value) == (None, {"f": f"“{value}” 不是有效日期，应写作 YYYY-MM-DD"}, True)


# ---------------------------------------------------------------- integers


@pytest.mark.parametrize(("value", "read"), [(5, 5), ("5", 5), (" 100 ", 100), ("+7", 7), (0, 0)])
def test_an_integer_is_read_from_a_number_or_its_digits(value, read):
    assert _read(read_int, value, lo=0, hi=100) == (read, {}, False)


def test_a_blank_integer_gives_its_default_or_is_required():
    assert _read(read_int, "", lo=0, hi=9, default=3) == (3, {}, False)
    assert _read(read_int, None, lo=0, hi=9, required=True, required_message="请填写") == (None, {"f": "请填写"}, False)


@pytest.mark.parametrize("value", ["x", "2.5", "1e3", "五"])
def test_text_that_is_not_an_integer_is_refused_with_a_400(value):
    assert _read(read_int, value, lo=0, hi=9) == (None, {"f": f"“{value}” 不是整数"}, False)


@pytest.mark.parametrize("value", [2.5, 3.0, True, [1], {"n": 1}])
def test_a_fraction_a_boolean_or_a_list_for_an_integer_is_malformed(value):
    assert _read(read_int, value, lo=0, hi=9) == (None, {"f": f"“{value}” 不是整数"}, True)


def test_an_integer_out_of_range_is_named_with_its_bounds_or_the_callers_words():
    assert _read(read_int, 101, lo=0, hi=100) == (None, {"f": "应在 0 到 100 之间"}, False)
    assert _read(read_int, "-1", lo=0, hi=100, message="应为 0 到 100 之间的整数") == (
        None, {"f": "应为 0 到 100 之间的整数"}, False)  # fmt: skip
    assert _read(read_int, [1], lo=0, hi=100, message="应为 0 到 100 之间的整数")[1:] == (
        {"f": "应为 0 到 100 之间的整数"}, True)  # fmt: skip


# ---------------------------------------------------------------- amounts


@pytest.mark.parametrize(
    ("value", "read"), [("800", Decimal("800.00")), (12.345, Decimal("12.35")), ("1,200.5", Decimal("1200.50"))]
)
def test_an_amount_is_read_from_a_number_or_its_text_rounded_to_its_places(value, read):
    assert _read(read_decimal, value) == (read, {}, False)


def test_an_amount_keeps_the_places_and_sign_its_caller_allows():
    assert _read(read_decimal, "-1.23456", positive=False, places=4) == (Decimal("-1.2346"), {}, False)
    assert _read(read_decimal, "0") == (None, {"f": "必须是正数"}, False)
    assert _read(read_decimal, "2000", limit=Decimal(1000)) == (None, {"f": "数值过大（应小于 1,000）"}, False)


@pytest.mark.parametrize("value", ["十万", "NaN", "Infinity", "1..2"])
def test_text_that_is_not_a_finite_number_is_refused_with_a_400(value):
    assert _read(read_decimal, value) == (None, {"f": f"“{value}” 不是数字"}, False)


@pytest.mark.parametrize("value", [True, [1], {"v": 1}])
def test_a_boolean_or_a_list_for_an_amount_is_malformed(value):
    assert _read(read_decimal, value) == (None, {"f": f"“{value}” 不是数字"}, True)


def test_a_required_amount_names_what_is_missing():
    assert _read(read_decimal, " ", required=True, required_message="请填写目标值") == (
        None, {"f": "请填写目标值"}, False)  # fmt: skip


# ---------------------------------------------------------------- choices and yes-or-no


def test_a_choice_is_one_of_its_values():
    assert _read(read_choice, " b ", ("a", "b")) == ("b", {}, False)
    assert _read(read_choice, "", ("a", "b")) == (None, {}, False)
    assert _read(read_choice, "", ("a", "b"), required=True) == (None, {"f": "必填"}, False)
    assert _read(read_choice, "c", ("a", "b")) == (None, {"f": "“c” 不是可选值（a | b）"}, False)
    assert _read(read_choice, "c", ("a", "b"), message="应为 a 或 b") == (None, {"f": "应为 a 或 b"}, False)
    assert _read(read_choice, 1, ("a", "b")) == (None, {"f": "“1” 不是可选值（a | b）"}, True)


@pytest.mark.parametrize(("value", "read"), [(True, True), (False, False), ("true", True), ("on", True),
                                             (" False ", False)])  # fmt: skip
def test_a_yes_or_no_is_a_boolean_or_a_forms_word(value, read):
    assert _read(read_bool, value, "请选择") == (read, {}, False)


def test_a_yes_or_no_refused_names_the_callers_words():
    assert _read(read_bool, None, "请选择", default=False) == (False, {}, False)
    assert _read(read_bool, None, "请选择") == (None, {"f": "请选择"}, False)
    assert _read(read_bool, "maybe", "请选择") == (None, {"f": "请选择"}, False)
    assert _read(read_bool, 1, "请选择") == (None, {"f": "请选择"}, True)


# ---------------------------------------------------------------- the errors of one input, raised together


def test_refused_values_are_a_400_and_one_of_the_wrong_kind_makes_it_a_422():
    errors = Errors()
    read_text({"title": "x" * 11}, "title", errors, 10)
    assert _raised(errors).status == 400
    read_date({"due": 20261231}, "due", errors)
    exc = _raised(errors)
    assert exc.status == 422 and exc.code == "invalid"
    assert [e["field"] for e in exc.data["errors"]] == ["title", "due"]  # every one, in order


def test_a_single_refusal_keeps_the_code_clients_check():
    errors = Errors()
    errors.add("note", "须说明理由")
    assert _raised(errors).code == "invalid"
    with pytest.raises(ValidationFailed) as caught:
        errors.check({"须说明理由": "needs_reason"})
    assert caught.value.code == "needs_reason"
    errors.add("score", "应在 0 到 100 之间")
    with pytest.raises(ValidationFailed) as caught:
        errors.check({"须说明理由": "needs_reason"})
    assert caught.value.code == "invalid"  # not alone: the general code


def test_nested_values_are_named_by_their_path():
    errors = Errors()
    row = errors.under("targets[1]")
    assert read_text({"unit": 5}, "unit", row, 40) is None
    assert read_decimal({"value": ""}, "value", row, required=True) is None
    assert not Errors().under("x") and row
    exc = _raised(errors)
    assert exc.status == 422
    assert exc.data["errors"] == [
        {"field": "targets[1].unit", "message": "应为文本"},
        {"field": "targets[1].value", "message": "必填"},
    ]


def test_a_parsers_error_taken_keeps_its_status():
    def fail(status):
        exc = invalid("f", "x")
        exc.status = status
        raise exc

    errors = Errors()
    assert errors.take(lambda: fail(400)) is None
    assert _raised(errors).status == 400
    errors.take(lambda: fail(422))
    assert _raised(errors).status == 422
