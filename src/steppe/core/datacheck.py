"""Rows whose numbers no page can show: non-finite (NaN, ±Infinity) or beyond their column.

Inputs are checked before anything is written (core.validation, each service); this finds what
got in before those checks, or by hand. It reads the columns as text through SQL, because the ORM
itself fails on such a value (SQLite hands Django an Infinity that a DecimalField cannot hold).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db import connection, models

FLOAT_LIMIT = 1e15  # no figure of the platform comes near; beyond it a float is a data error


@dataclass(frozen=True)
class BadNumber:
    table: str
    model: str
    pk: str
    column: str
    value: str


def _limit(field) -> float:
    if isinstance(field, models.DecimalField):
        return float(10 ** (field.max_digits - field.decimal_places))
    return FLOAT_LIMIT


def bad_numbers(*, limit_per_column: int = 100) -> list[BadNumber]:
    found: list[BadNumber] = []
    qn = connection.ops.quote_name
    vendor = connection.vendor
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        table = model._meta.db_table
        pk = model._meta.pk.column
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.DecimalField | models.FloatField):
                continue
            col = qn(field.column)
            if vendor == "postgresql":
                # NaN sorts above every number in PostgreSQL, so the comparison finds it too
                where = f"abs({col}::float8) >= %s OR {col}::float8 = 'NaN'::float8"
                as_text = f"{col}::text"
            else:
                # SQLite keeps NaN as NULL; an Infinity passes the comparison
                where = f"abs({col}) >= %s"
                as_text = f"CAST({col} AS TEXT)"
            sql = f"SELECT {qn(pk)}, {as_text} FROM {qn(table)} WHERE {where} LIMIT {int(limit_per_column)}"
            with connection.cursor() as cursor:
                cursor.execute(sql, [_limit(field)])
                for row_pk, value in cursor.fetchall():
                    found.append(BadNumber(table, model._meta.label, str(row_pk), field.name, str(value)))
    return found
