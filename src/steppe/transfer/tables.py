"""Reading and writing CSV/XLSX tables for imports and exports (no Django)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal


class TableError(ValueError):
    pass


# A text cell starting with one of these is a formula to Excel (CSV injection); exports guard it
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def read_table(filename: str, content: bytes) -> list[dict[str, str]]:
    """Rows of a CSV (UTF-8, with or without BOM; or GB18030) or XLSX file as dicts of strings,
    keyed by the header row (blank rows left out)."""
    return [row for _, row in read_table_rows(filename, content)[1]]


def read_table_rows(filename: str, content: bytes) -> tuple[int, list[tuple[int, dict[str, str]]]]:
    """``(header row number, [(row number, row), ...])``: numbers are rows as a spreadsheet shows
    them (the first line is row 1, blank rows still count), so an error names the row a person
    sees in Excel."""
    name = (filename or "").lower()
    if name.endswith((".xlsx", ".xlsm", ".xls")):
        return _to_dicts(_read_xlsx(content))
    if name.endswith((".csv", ".txt")) or not name:
        return _to_dicts(_read_csv(content))
    raise TableError(f"{filename}: 仅支持 CSV 或 XLSX 文件 (CSV or XLSX only)")


def _read_csv(content: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise TableError("无法识别文件编码 (use UTF-8)")
    try:
        return list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise TableError(f"CSV 格式错误 Malformed CSV: {exc}") from exc


def _read_xlsx(content: bytes) -> list[list[str]]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheet = book.get_sheet_by_index(0)
        rows = sheet.to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own error types for a corrupt file
        raise TableError(f"无法读取 XLSX 文件 Cannot read the XLSX file: {exc}") from exc
    return [[_cell(v) for v in row] for row in rows]


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value)


def _unguard(value: str) -> str:
    """Undo the export's guard against formula injection (a leading apostrophe before = + - @)."""
    return value[1:] if len(value) > 1 and value[0] == "'" and value[1] in FORMULA_START else value


def _to_dicts(rows: list[list[str]]) -> tuple[int, list[tuple[int, dict[str, str]]]]:
    numbered = [(n, r) for n, r in enumerate(rows, start=1) if any(str(c).strip() for c in r)]
    if not numbered:
        raise TableError("文件为空 The file has no rows")
    header_row, header_cells = numbered[0]
    header = [str(h).strip() for h in header_cells]
    named = [h for h in header if h]
    dupes = sorted({h for h in named if named.count(h) > 1})
    if dupes:
        raise TableError(f"第 {header_row} 行（表头）列名重复 Duplicate column: {'、'.join(dupes)}")
    out = []
    for n, row in numbered[1:]:
        cells = [str(c).strip() for c in row]
        extra = [c for i, c in enumerate(cells) if c and (i >= len(header) or not header[i])]
        if extra:
            raise TableError(
                f"第 {n} 行有表头之外的数据 Row {n} has cells outside the header: {'、'.join(extra[:3])}"
            )
        cells += [""] * (len(header) - len(cells))
        out.append((n, {h: _unguard(cells[i]) for i, h in enumerate(header) if h}))
    return header_row, out


def write_table(columns: Sequence[tuple[str, str]], rows: Sequence[dict], fmt: str) -> bytes:
    """``columns``: (key, header) pairs; ``fmt``: 'csv' (UTF-8 with BOM, for Excel) or 'xlsx'.

    Numbers (int, float, Decimal) are written as numbers, dates as dates (XLSX); text is always text: in XLSX it is
    never turned into a formula or a link, and in CSV a text cell that Excel would run as a
    formula (= + - @) gets a leading apostrophe, which :func:`read_table` takes off again.
    """
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow([h for _, h in columns])
        for r in rows:
            w.writerow([_csv_value(r.get(k)) for k, _ in columns])
        return ("\ufeff" + buf.getvalue()).encode("utf-8")
    if fmt == "xlsx":
        import xlsxwriter

        out = io.BytesIO()
        book = xlsxwriter.Workbook(
            out,
            {
                "in_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        sheet = book.add_worksheet()
        date_format = book.add_format({"num_format": "yyyy-mm-dd"})
        for j, (_, h) in enumerate(columns):
            sheet.write_string(0, j, h)
        for i, r in enumerate(rows, start=1):
            for j, (k, _) in enumerate(columns):
                v = r.get(k)
                if isinstance(v, bool) or v is None:
                    sheet.write_string(i, j, "" if v is None else str(v))
                elif isinstance(v, int | float | Decimal):
                    sheet.write_number(i, j, float(v))
                elif isinstance(v, dt.date):
                    sheet.write_datetime(i, j, dt.datetime(v.year, v.month, v.day), date_format)
                else:
                    sheet.write_string(i, j, str(v))
        book.close()
        return out.getvalue()
    raise TableError(f"未知导出格式 Unknown format: {fmt}")


def _csv_value(v) -> str:
    if v is None:
        return ""
    if isinstance(v, int | float | Decimal) and not isinstance(v, bool):
        return str(v)
    text = str(v)
    return "'" + text if text.startswith(FORMULA_START) else text
