"""Reading and writing CSV/XLSX tables for imports and exports (no Django)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence


class TableError(ValueError):
    pass


def read_table(filename: str, content: bytes) -> list[dict[str, str]]:
    """Rows of a CSV (UTF-8, with or without BOM; or GB18030) or XLSX file as dicts of strings,
    keyed by the header row. Row numbers in errors count the header as row 1."""
    name = (filename or "").lower()
    if name.endswith((".xlsx", ".xlsm", ".xls")):
        return _read_xlsx(content)
    if name.endswith((".csv", ".txt")) or not name:
        return _read_csv(content)
    raise TableError(f"{filename}: 仅支持 CSV 或 XLSX 文件 (CSV or XLSX only)")


def _read_csv(content: bytes) -> list[dict[str, str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise TableError("无法识别文件编码 (use UTF-8)")
    reader = csv.reader(io.StringIO(text))
    rows = list(reader)
    return _to_dicts(rows)


def _read_xlsx(content: bytes) -> list[dict[str, str]]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheet = book.get_sheet_by_index(0)
        rows = sheet.to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own error types for a corrupt file
        raise TableError(f"无法读取 XLSX 文件 Cannot read the XLSX file: {exc}") from exc
    return _to_dicts([[_cell(v) for v in row] for row in rows])


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value)


def _to_dicts(rows: list[list[str]]) -> list[dict[str, str]]:
    rows = [r for r in rows if any(str(c).strip() for c in r)]
    if not rows:
        raise TableError("文件为空 The file has no rows")
    header = [str(h).strip() for h in rows[0]]
    out = []
    for row in rows[1:]:
        cells = [str(c).strip() for c in row] + [""] * (len(header) - len(row))
        out.append({h: cells[i] for i, h in enumerate(header) if h})
    return out


def write_table(columns: Sequence[tuple[str, str]], rows: Sequence[dict], fmt: str) -> bytes:
    """``columns``: (key, header) pairs; ``fmt``: 'csv' (UTF-8 with BOM, for Excel) or 'xlsx'."""
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow([h for _, h in columns])
        for r in rows:
            w.writerow(["" if r.get(k) is None else r.get(k) for k, _ in columns])
        return ("\ufeff" + buf.getvalue()).encode("utf-8")
    if fmt == "xlsx":
        import xlsxwriter

        out = io.BytesIO()
        book = xlsxwriter.Workbook(out, {"in_memory": True})
        sheet = book.add_worksheet()
        for j, (_, h) in enumerate(columns):
            sheet.write(0, j, h)
        for i, r in enumerate(rows, start=1):
            for j, (k, _) in enumerate(columns):
                v = r.get(k)
                sheet.write(i, j, "" if v is None else (v if isinstance(v, int | float) else str(v)))
        book.close()
        return out.getvalue()
    raise TableError(f"未知导出格式 Unknown format: {fmt}")
