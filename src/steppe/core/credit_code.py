"""统一社会信用代码 (unified social credit code, GB 32100-2015): the one checker of the platform.

18 characters from a 31-character set (digits and capitals without I, O, Z, S, V); the last is a
check character computed from the first 17 with the standard's weights. `credit_code_problem` is
plain Python (no Django) so imports and generators can call it in bulk; `validate_credit_code` is
the Django validator that models and forms use.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

ERR_CREDIT_CODE = "统一社会信用代码无效 (GB 32100-2015): {reason}"
REASON_LENGTH = "须为 18 位"
REASON_CHARACTER = "含非法字符 {char}"
REASON_CHECK = "校验码不符"


def credit_code_normalise(value: str | None) -> str:
    """What people type: surrounding blanks and lower-case letters are forgiven."""
    return (value or "").strip().upper()


def credit_code_check_char(first17: str) -> str:
    total = sum(CREDIT_CODE_CHARS.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_CHARS[(31 - total % 31) % 31]


def credit_code_problem(value: str | None) -> str | None:
    """None for a valid code; otherwise the reason (in Chinese) it is not one."""
    code = credit_code_normalise(value)
    if len(code) != 18:
        return REASON_LENGTH
    bad = [c for c in code if c not in CREDIT_CODE_CHARS]
    if bad:
        return REASON_CHARACTER.format(char=bad[0])
    if credit_code_check_char(code[:17]) != code[17]:
        return REASON_CHECK
    return None


def validate_credit_code(value: str) -> None:
    problem = credit_code_problem(value)
    if problem:
        raise ValidationError(ERR_CREDIT_CODE.format(reason=problem), code="credit_code")
