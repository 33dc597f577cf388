"""The API's JSON parser: the cleaning layer of core.validation applied to every body.

Python's json module accepts NaN, Infinity and numbers like 1e309 (which become inf) and
recurses once per nesting level; this parser refuses all three with the field named, before
any schema or service sees the data.
"""

from __future__ import annotations

import json
import math
from decimal import Decimal
from typing import Annotated

from ninja.parser import Parser
from pydantic import BeforeValidator, Field

from .validation import MSG_NOT_FINITE, MSG_TOO_DEEP, check_json, invalid


def _refuse_constant(name: str):
    raise ValueError(f"non-finite constant {name}")


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"non-finite number {text}")
    return value


class CleaningParser(Parser):
    def parse_body(self, request):
        try:
            data = json.loads(request.body, parse_constant=_refuse_constant, parse_float=_finite_float)
        except RecursionError:
            raise invalid("body", MSG_TOO_DEEP) from None
        except ValueError as exc:
            if "non-finite" in str(exc):
                raise invalid("body", f"{MSG_NOT_FINITE}: {exc}") from None
            raise
        check_json(data)
        return data


# Typed query and body parameters with the bounds their meaning allows; a value outside them is a
# 422 naming the parameter (never a database overflow). Use them in every router.
Year = Annotated[int, Field(ge=1949, le=2100, description="a calendar year, 1949-2100")]
Offset = Annotated[int, Field(ge=0, le=10_000_000, description="rows to skip")]
Limit = Annotated[int, Field(ge=1, le=500, description="rows to return, at most 500")]
Id = Annotated[int, Field(ge=1, le=2**53, description="a record's number")]


# ---------------------------------------------------------------- error responses in the OpenAPI schema

ERROR_ENVELOPE_SCHEMA = {
    "type": "object",
    "title": "Error",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "data"],
            "properties": {
                "code": {"type": "string", "description": "stable code, e.g. invalid, not_found, throttled"},
                "message": {"type": "string", "description": "human message, Chinese first"},
                "data": {"type": "object", "description": "details; data.errors lists each field"},
            },
        }
    },
}
ERROR_DESCRIPTIONS = {
    400: "Refused input or action (the message and data.errors name the field)",
    401: "Authentication required or invalid token",
    403: "CSRF check failed, or an action on something the user may see but not change",
    404: "Not found, or not visible to this user",
    405: "Method not allowed",
    422: "Request data does not match the schema (data.errors name each field)",
    409: "The action does not fit the current state (e.g. retrying a job that has not failed)",
    429: "Too many failed logins: locked for a while",
    500: "Unexpected server error (the same envelope)",
}


# API operations that may answer 409 (the action does not fit the current state): "METHOD /path" as
# their router declares it -> when. Each app declares its own beside the operation (declare_conflict).
CONFLICTS: dict[str, str] = {}


def declare_conflict(operation: str, when: str) -> None:
    """Declare that the API operation `operation` ("POST /jobs/{job_id}/retry") may answer 409, and when."""
    CONFLICTS[operation] = when


def declare_error_responses(schema: dict) -> dict:
    """Every operation declares the error envelope for the statuses it can answer: 400, 404, 422
    and 500 always (any service may refuse, hide or fail); 401 where it accepts credentials; 403
    for writes (CSRF with a session, or a forbidden action); 429 where it checks a password; 409
    where its app declared a conflict (declare_conflict)."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR_ENVELOPE_SCHEMA
    for path, methods in schema.get("paths", {}).items():
        for method, op in methods.items():
            if not isinstance(op, dict) or "responses" not in op:
                continue
            statuses = [400, 404, 422, 500, 401]
            if method.lower() in {"post", "put", "patch", "delete"}:
                statuses.append(403)
            if "/auth/" in path:
                statuses.append(429)
            conflict = CONFLICTS.get(f"{method.upper()} {path.removeprefix('/api/v1')}")
            if conflict:
                statuses.append(409)
            for status in statuses:
                op["responses"].setdefault(
                    str(status),
                    {
                        "description": f"Conflict: {conflict}"
                        if status == 409
                        else ERROR_DESCRIPTIONS[status],
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    },
                )
    return schema


# The output side: a number read back from the database. PostgreSQL's numeric holds NaN (a hand
# edit; inputs refuse it), which a response schema's Decimal refuses, turning a list into a 500.
# Such a value reads as null, and `steppe data check` lists its row.
def _finite_or_none(value):
    if isinstance(value, Decimal) and not value.is_finite():
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


finite_or_none = _finite_or_none  # for the lists that answer plain dicts (no response schema)
StoredDecimal = Annotated[Decimal | None, BeforeValidator(_finite_or_none)]
StoredFloat = Annotated[float | None, BeforeValidator(_finite_or_none)]
