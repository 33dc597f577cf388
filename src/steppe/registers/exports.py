"""Register records as rows: for the list pages, the API and the CSV/XLSX export. An export reads
back as an import (the headers are the form's labels; the columns the platform sets are skipped)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext

# the one table writer (moving to core.tables; until then the network's)
from steppe.core.tables import write_records

from .kinds import RegisterKind
from .models import RegisterRecord

# columns an export adds that the platform sets itself: an import of an export skips them
PLATFORM_COLUMNS = (("id", "编号"), ("region_name", "地区名称"), ("review", "核实状态"),
                    ("league", "盟市"), ("innovation_points", "放款时创新积分"), ("bank", "贷款银行"),
                    ("region", "地区"))
EXPORT_ONLY = frozenset(x.lower() for pair in PLATFORM_COLUMNS for x in pair)


def _value(obj, name):
    value = getattr(obj, name)
    if hasattr(obj, f"get_{name}_display") and value not in ("", None):
        return getattr(obj, f"get_{name}_display")()
    if name == "enterprise":
        return value.credit_code
    if name == "loan":
        return str(value.public_id)
    if name == "programme":
        return value.code
    if isinstance(value, bool):
        return gettext("是") if value else gettext("否")
    if hasattr(value, "pk"):
        return str(value)
    return value


def record_row(kind: RegisterKind, obj: RegisterRecord) -> dict:
    """A record as the export writes it and the API's list answers (choice values as labels)."""
    row = {"id": str(obj.public_id)}
    for name in kind.columns:
        row[name] = _value(obj, name)
    row["region"] = obj.region.code
    row["region_name"] = obj.region.name
    row["measures"] = ", ".join(m.code for m in obj.measures.all())
    row["review"] = obj.get_review_display()
    row["source"] = obj.source
    return row


def export_columns(kind: RegisterKind) -> list[tuple[str, str]]:
    form = kind.form(actor=None)
    cols = [("id", "编号")]
    for name in kind.columns:
        label = form.fields[name].label if name in form.fields else kind.model._meta.get_field(name).verbose_name
        cols.append((name, str(label)))
    cols += [("region", str(form.fields["region"].label)) if "region" in form.fields else ("region", "地区"),
             ("region_name", "地区名称"), ("measures", "服务的举措"), ("review", "核实状态"), ("source", "来源")]
    return cols


def export_table(kind: RegisterKind, records, fmt: str) -> bytes:
    rows = []
    for obj in records:
        row = record_row(kind, obj)
        for k, v in row.items():
            if isinstance(v, Decimal | dt.date):
                row[k] = v
        rows.append(row)
    return write_records(export_columns(kind), rows, fmt)
