"""Every table exports to CSV and XLSX: one helper for all pages."""

from __future__ import annotations

import csv
import io
from urllib.parse import quote

from django.http import HttpResponse

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table_bytes(columns: list[str], rows: list[list], fmt: str, *, sheet: str = "data") -> tuple[bytes, str]:
    if fmt == "xlsx":
        import xlsxwriter

        buf = io.BytesIO()
        wb = xlsxwriter.Workbook(buf, {"in_memory": True})
        ws = wb.add_worksheet(sheet[:31])
        bold = wb.add_format({"bold": True, "bg_color": "#eef1f4"})
        ws.write_row(0, 0, columns, bold)
        for i, r in enumerate(rows, start=1):
            for j, v in enumerate(r):
                if v is None:
                    ws.write_blank(i, j, None)  # missing stays empty, never zero
                elif isinstance(v, int | float):
                    ws.write_number(i, j, v)
                else:
                    ws.write_string(i, j, str(v))
        ws.freeze_panes(1, 0)
        wb.close()
        return buf.getvalue(), XLSX_TYPE
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(columns)
    for r in rows:
        w.writerow(["" if v is None else v for v in r])
    return ("\ufeff" + buf.getvalue()).encode("utf-8"), "text/csv; charset=utf-8"


def table_response(columns: list[str], rows: list[list], fmt: str, filename: str) -> HttpResponse:
    fmt = "xlsx" if fmt == "xlsx" else "csv"
    data, ctype = table_bytes(columns, rows, fmt, sheet=filename)
    resp = HttpResponse(data, content_type=ctype)
    name = f"{filename}.{fmt}"
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return resp
