"""The one CSV/XLSX reader and the one writer: every import and export goes through here.

Reading (:func:`open_table`, :func:`read_records`, :func:`read_frame`):

- encodings: UTF-8 with or without BOM, UTF-16 with BOM, GB18030 (a superset of GBK and GB2312);
  a UTF-8 file with one broken byte is refused at that row rather than read as GB18030 mojibake;
- caps, checked before the work they guard (:class:`Limits`): the file as sent, the unpacked
  size of an XLSX (its zip directory is checked before anything is unpacked, then every part is
  unpacked in a bounded stream, so a zip whose directory lies is caught too), the compression
  ratio, and the number of data rows; the error names the limit that was hit;
- rows are streamed (:attr:`Table.rows` is an iterator) and numbered as a spreadsheet shows
  them (the first line is row 1, blank rows still count), columns as 1-based numbers with the
  header's name, so every error says where it is;
- a leading apostrophe that the writer put before ``= + - @`` is taken off again.

Writing (:func:`write_table`, :func:`write_records`, :func:`table_response`, :func:`xlsx_workbook`)
with one formula guard: in XLSX, text is always written as a text cell (xlsxwriter never turns
it into a formula, a link or a number), so Excel shows ``=1+1`` and runs nothing; in CSV, where
a cell has no type, text that a spreadsheet would run (``= + - @``, tab, CR; not a plain number
such as ``-3.5``) gets a leading apostrophe, which the reader takes off again. CSV is UTF-8 with
a BOM, so Excel reads the Chinese right.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from .errors import ValidationFailed

MB = 1024 * 1024

# A text cell starting with one of these is a formula to Excel/LibreOffice (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# ... unless it is a plain number ("-3.5", "+12%", "-1,200"), which no spreadsheet runs.
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?([eE][+-]?\d+)?%?$")

E_FORMAT = "仅支持 CSV 或 XLSX 文件 Only CSV or XLSX files are accepted"
E_EMPTY = "文件为空 The file has no rows"
E_ENCODING = "文件编码无法识别(请用 UTF-8 或 GB18030/GBK) Unknown encoding (use UTF-8 or GB18030/GBK)"
E_BAD_UTF8 = "不是有效的 UTF-8 文字 Not valid UTF-8"
E_MALFORMED_CSV = "CSV 格式错误 Malformed CSV"
E_CORRUPT_XLSX = "无法读取 XLSX 文件(文件损坏或不是 Excel 工作簿) Cannot read the XLSX file"
E_DUPLICATE_HEADER = "列名重复 Duplicate column"
E_OUTSIDE_HEADER = "有表头之外的数据 Cells outside the header"
E_UNKNOWN_EXPORT = "未知导出格式 Unknown format"

# Which limit was hit: the code in the error's data["limit"], and its words in the message.
LIMIT_WORDS = {
    "bytes": ("文件大小", "file size"),
    "uncompressed": ("解压后大小", "uncompressed size"),
    "ratio": ("压缩比", "compression ratio"),
    "rows": ("行数", "number of rows"),
}


@dataclass(frozen=True)
class Limits:
    """Caps for one upload. ``max_bytes``: the file as sent; ``max_uncompressed``: all parts of
    an XLSX unpacked; ``max_ratio``: unpacked/packed of any XLSX part; ``max_rows``: data rows."""

    max_bytes: int = 50 * MB
    max_uncompressed: int = 300 * MB
    max_ratio: int = 200
    max_rows: int = 500_000

    def but(self, **kw) -> Limits:
        return replace(self, **kw)


def default_limits() -> Limits:
    """The caps configured in settings (``STEPPE_UPLOAD_MAX_*``), or the defaults outside Django."""
    try:
        from django.conf import settings

        return settings.STEPPE_TABLE_LIMITS
    except Exception:  # no settings configured (a plain script): the defaults
        return Limits()


class TableError(ValidationFailed):
    """A file that cannot be read as a table, or is over a cap. ``data`` carries the row, the
    column (number and name) where known, and for a cap the limit's code and value."""

    def __init__(
        self,
        message: str,
        *,
        code: str = "table_unreadable",
        row: int | None = None,
        column: int | None = None,
        column_name: str = "",
        status: int = 400,
        **extra,
    ):
        where = []
        if row is not None:
            where.append(f"第 {row} 行 row {row}")
        if column is not None:
            where.append(f"第 {column} 列 column {column}" + (f" ({column_name})" if column_name else ""))
        text = ", ".join(where) + ": " + message if where else message
        col = column_name or (str(column) if column is not None else "")
        super().__init__(text, [{"row": row, "column": col, "message": text}])
        self.code, self.status = code, status
        self.data.update(row=row, column=col, **extra)


class TableTooLarge(TableError):
    def __init__(self, limit: str, maximum: int, actual: int | None = None, *, row: int | None = None):
        def shown(v):
            if limit in ("rows", "ratio"):
                return f"{v:,}"
            return f"{v / MB:.1f} MB" if v >= MB else f"{v:,} bytes"

        zh, en = LIMIT_WORDS[limit]
        seen = f" ({shown(actual)})" if actual is not None else ""
        message = f"超过{zh}上限 {shown(maximum)}{seen}; {en} over the limit of {shown(maximum)}"
        super().__init__(
            message, code="table_too_large", row=row, status=413, limit=limit, maximum=maximum, actual=actual
        )


# --------------------------------------------------------------------------------- reading


@dataclass
class Table:
    """A table being read: ``header`` (names as written, stripped), ``header_row`` (its
    spreadsheet row) and ``rows``, an iterator of ``(row number, cells)`` over the non-blank
    data rows, each padded to the header's width. Iterating enforces the row cap."""

    header: list[str]
    header_row: int
    raw: Iterator[tuple[int, list[str]]]  # cells as in the file (not stripped); ``rows`` cleans them
    fmt: str
    encoding: str = ""
    column_numbers: dict[str, int] = field(default_factory=dict)

    @property
    def rows(self) -> Iterator[tuple[int, list[str]]]:
        return ((n, [clean_cell(c) for c in cells]) for n, cells in self.raw)

    def column(self, name: str) -> int:
        """The 1-based column number of a header name (0 when absent)."""
        return self.column_numbers.get(name, 0)


def read_upload(upload, *, limits: Limits | None = None) -> bytes:
    """The bytes of an uploaded file (Django's UploadedFile or any file object), refused by its
    declared size before a byte is read when it is over the file-size cap."""
    lim = limits or default_limits()
    size = getattr(upload, "size", None)
    if size is not None and size > lim.max_bytes:
        raise TableTooLarge("bytes", lim.max_bytes, size)
    data = upload.read(lim.max_bytes + 1)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > lim.max_bytes:
        raise TableTooLarge("bytes", lim.max_bytes)
    return data


def table_format(file_name: str, data: bytes = b"") -> str:
    """'xlsx' or 'csv' from the name (and the zip signature of an unnamed upload); anything else
    is refused."""
    name = (file_name or "").lower()
    if name.endswith((".xlsx", ".xlsm")):
        return "xlsx"
    if name.endswith((".csv", ".txt")):
        return "csv"
    if not name or "." not in name.rsplit("/", 1)[-1]:
        return "xlsx" if data[:2] == b"PK" else "csv"
    if name.endswith(".xls"):
        raise TableError(E_FORMAT + " (.xls: 请另存为 .xlsx / save as .xlsx)", code="table_format")
    raise TableError(f"{E_FORMAT}: {file_name}", code="table_format")


def open_table(data: bytes, file_name: str = "", *, limits: Limits | None = None) -> Table:
    """Opens an uploaded CSV/XLSX: checks the size caps, finds the header (the first non-blank
    row; duplicate names refused) and returns a :class:`Table` whose rows stream."""
    lim = limits or default_limits()
    if len(data) > lim.max_bytes:
        raise TableTooLarge("bytes", lim.max_bytes, len(data))
    fmt = table_format(file_name, data)
    if fmt == "xlsx":
        raw, encoding = _xlsx_rows(data, lim), ""
    else:
        raw, encoding = _csv_rows(data)
    numbered = ((n, cells) for n, cells in raw if "".join(cells).strip())
    try:
        header_row, header_cells = next(numbered)
    except StopIteration:
        raise TableError(E_EMPTY, code="table_empty") from None
    header = _header(header_cells, header_row)
    numbers = {h: i + 1 for i, h in enumerate(header) if h}
    return Table(
        header=header,
        header_row=header_row,
        raw=_capped(numbered, header, lim.max_rows),
        fmt=fmt,
        encoding=encoding,
        column_numbers=numbers,
    )


def _header(cells: list[str], row: int) -> list[str]:
    header = [h.strip() for h in cells]
    while header and not header[-1]:
        header.pop()
    named = [h for h in header if h]
    dupes = sorted({h for h in named if named.count(h) > 1})
    if dupes:
        col = header.index(dupes[0]) + 1
        raise TableError(
            f"{E_DUPLICATE_HEADER}: {'、'.join(dupes)}", row=row, column=col, column_name=dupes[0]
        )
    return header


def _capped(numbered, header: list[str], max_rows: int) -> Iterator[tuple[int, list[str]]]:
    """Raw cells (not yet stripped) padded to the header's width; refuses a cell outside the
    header and a row past the cap."""
    width = len(header)
    blank = [i for i, h in enumerate(header) if not h]
    count = 0
    for n, cells in numbered:
        count += 1
        if count > max_rows:
            raise TableTooLarge("rows", max_rows, row=n)
        if blank or (len(cells) > width and "".join(cells[width:]).strip()):
            _capped_check(n, cells, header)
        if len(cells) != width:
            cells = (cells + [""] * (width - len(cells)))[:width]
        yield n, cells


def _capped_check(n: int, cells: list[str], header: list[str]) -> None:
    """Refuses a row with a value under no header (beyond it, or under a blank header cell)."""
    for i, c in enumerate(cells):
        if c.strip() and (i >= len(header) or not header[i]):
            raise TableError(f"{E_OUTSIDE_HEADER}: {c.strip()[:40]}", row=n, column=i + 1)


def clean_cell(value: str) -> str:
    """A cell as read: stripped, and the writer's formula guard taken off."""
    value = value.strip()
    if value[:1] == "'" and value[1:2] and value[1] in FORMULA_START:
        return value[1:]
    return value


def read_records(data: bytes, file_name: str = "", *, limits: Limits | None = None):
    """``(table, [(row number, {header: text}), ...])`` for the non-blank data rows."""
    table = open_table(data, file_name, limits=limits)
    keys = [(i, h) for i, h in enumerate(table.header) if h]
    return table, [(n, {h: cells[i] for i, h in keys}) for n, cells in table.rows]


def read_frame(data: bytes, file_name: str = "", *, limits: Limits | None = None):
    """A polars frame of text columns (header names lower-cased and stripped; empty cells null)
    and a ``row`` column with each row's spreadsheet number; ``(table, frame)``.

    A CSV without quotes has one record per line; it is split by polars without a Python loop
    over rows (the same result as the general path, about 20 times faster on big imports)."""
    import polars as pl

    lim = limits or default_limits()
    fast = _frame_by_lines(data, file_name, lim)
    if fast is not None:
        return fast
    table = open_table(data, file_name, limits=lim)
    names, keep = _frame_names(table)
    rows = []
    numbers: list[int] = []
    for n, cells in table.raw:
        numbers.append(n)
        rows.append(cells)
    grid = pl.DataFrame(rows, schema=[f"c{i}" for i in range(len(names))], orient="row")
    return table, _frame(
        pl.Series("row", numbers, dtype=pl.UInt32),
        [grid.get_column(f"c{i}") for i in keep],
        [names[i] for i in keep],
    )


def _frame_names(table: Table) -> tuple[list[str], list[int]]:
    names = [h.lower() for h in table.header]
    keep = [i for i, h in enumerate(names) if h]
    for j, i in enumerate(keep):
        if names[i] in (names[k] for k in keep[:j]) or names[i] == "row":
            raise TableError(
                f"{E_DUPLICATE_HEADER}: {table.header[i]}",
                row=table.header_row,
                column=i + 1,
                column_name=table.header[i],
            )
    return names, keep


_GUARDED = "^'([" + re.escape("".join(FORMULA_START)) + "])"


def _frame(row, columns, names, *, guarded: bool = True):
    """The frame from raw text columns: cells stripped, the writer's guard taken off (where the
    file has an apostrophe at all), empty -> null."""
    import polars as pl

    frame = pl.DataFrame([row, *(c.cast(pl.Utf8).alias(n) for c, n in zip(columns, names, strict=True))])
    cleaned = [pl.col(n).str.strip_chars() for n in names]
    if guarded:
        cleaned = [c.str.replace(_GUARDED, "$1") for c in cleaned]
    return frame.with_columns(
        pl.when(c == "").then(None).otherwise(c).alias(n) for c, n in zip(cleaned, names, strict=True)
    )


def _frame_by_lines(data: bytes, file_name: str, lim: Limits):
    """The vectorised path of :func:`read_frame` for a CSV whose records are one line each:
    polars parses it, and the result counts as read only when it has exactly one record per
    line (so row numbers are the file's); otherwise, or when polars refuses the file, ``None``
    and the general path reads it (and words any error). Same caps and checks as :func:`open_table`."""
    import polars as pl

    if len(data) > lim.max_bytes:
        raise TableTooLarge("bytes", lim.max_bytes, len(data))
    if table_format(file_name, data) != "csv":
        return None
    text, encoding = decode_text(data)
    try:
        grid = pl.read_csv(
            io.BytesIO(text.encode("utf-8")),
            has_header=False,
            infer_schema=False,
            raise_if_empty=False,
            quote_char='"',
        )
    except pl.exceptions.PolarsError:  # malformed or ragged: the general path reads it and names the row
        return None
    if grid.height != text.count("\n") + (0 if text.endswith("\n") else 1) or grid.width == 0:
        return None  # a quoted cell over several lines, or a lone CR: numbering needs the csv module
    raw = grid.columns
    grid = grid.with_row_index("row", offset=1).filter(
        pl.concat_str([pl.col(c).fill_null("") for c in raw]).str.strip_chars() != ""
    )
    if grid.height == 0:
        raise TableError(E_EMPTY, code="table_empty")
    first = grid.row(0)
    header = _header([c or "" for c in first[1:]], first[0])
    body = grid.slice(1)
    if body.height > lim.max_rows:
        raise TableTooLarge("rows", lim.max_rows, row=body["row"][lim.max_rows])
    stray = [c for i, c in enumerate(raw) if i >= len(header) or not header[i]]
    if stray:
        bad = body.filter(pl.any_horizontal(pl.col(c).fill_null("").str.strip_chars() != "" for c in stray))
        if bad.height:
            row = bad.row(0)
            _capped_check(row[0], [c or "" for c in row[1:]], header)
    table = Table(
        header=header,
        header_row=first[0],
        raw=iter(()),
        fmt="csv",
        encoding=encoding,
        column_numbers={h: i + 1 for i, h in enumerate(header) if h},
    )
    names, keep = _frame_names(table)
    columns = [body.get_column(raw[i]) for i in keep]
    frame = _frame(
        body.get_column("row").cast(pl.UInt32), columns, [names[i] for i in keep], guarded="'" in text
    )
    return table, frame


# ----- CSV

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def decode_text(data: bytes) -> tuple[str, str]:
    """``(text, encoding)``: UTF-8 (BOM or not), UTF-16 with BOM, else GB18030. Refuses a file
    that is none of them, naming the row of the first bad byte."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise _decode_error(data, exc, encoding) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        # Valid multi-byte UTF-8 before the bad byte: a UTF-8 file with damage, not GBK.
        head = data[: exc.start]
        if any(b >= 0x80 for b in head):
            raise _decode_error(data, exc, "utf-8") from None
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise _decode_error(data, exc, "gb18030", E_ENCODING) from None


def _decode_error(data: bytes, exc: UnicodeDecodeError, encoding: str, message: str = "") -> TableError:
    row = data.count(b"\n", 0, exc.start) + 1
    text = message or (E_BAD_UTF8 if encoding.startswith("utf-8") else E_ENCODING)
    return TableError(f"{text} (byte {exc.start})", code="table_encoding", row=row, encoding=encoding)


def _csv_rows(data: bytes) -> tuple[Iterator[tuple[int, list[str]]], str]:
    text, encoding = decode_text(data)

    def rows():
        reader = csv.reader(
            io.StringIO(text, newline=""), strict=True
        )  # a stray quote is an error, not a guess
        last = 0
        try:
            for cells in reader:
                # a record starts on the line after the previous one ended (a quoted cell may span lines)
                yield last + 1, cells
                last = reader.line_num
        except csv.Error as exc:
            raise TableError(
                f"{E_MALFORMED_CSV}: {exc}", code="table_malformed", row=reader.line_num
            ) from None

    return rows(), encoding


# ----- XLSX


def check_zip(data: bytes, limits: Limits) -> None:
    """Refuses an XLSX whose zip directory declares too much, or whose parts unpack to more than
    they declare (every part is inflated in a bounded stream; nothing is kept)."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise TableError(f"{E_CORRUPT_XLSX}: {exc}", code="table_corrupt") from None
    declared = sum(i.file_size for i in infos)
    if declared > limits.max_uncompressed:
        raise TableTooLarge("uncompressed", limits.max_uncompressed, declared)
    for info in infos:
        if info.file_size > 1 * MB and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise TableTooLarge("ratio", limits.max_ratio, info.file_size // max(info.compress_size, 1))
    total = 0
    try:
        for info in infos:
            with zf.open(info) as part:
                while chunk := part.read(MB):
                    total += len(chunk)
                    if total > limits.max_uncompressed:
                        raise TableTooLarge("uncompressed", limits.max_uncompressed, total)
    except TableError:
        raise
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError) as exc:
        raise TableError(f"{E_CORRUPT_XLSX}: {exc}", code="table_corrupt") from None


def _xlsx_rows(data: bytes, limits: Limits) -> Iterator[tuple[int, list[str]]]:
    check_zip(data, limits)
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = book.get_sheet_by_index(0)
        start = sheet.start
        rows = sheet.iter_rows()
    except Exception as exc:  # calamine raises its own types for a corrupt workbook
        raise TableError(f"{E_CORRUPT_XLSX}: {exc}", code="table_corrupt") from None
    # iter_rows pads rows from the first, but columns only from the first used one
    pad = [""] * (start[1] if start else 0)

    def numbered():
        for n, row in enumerate(rows, start=1):
            yield n, pad + [cell_text(v) for v in row]

    return numbered()


def cell_text(value) -> str:
    """A spreadsheet value as the text a person sees: integers without '.0', dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)


# --------------------------------------------------------------------------------- writing

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


def guard(text: str) -> str:
    """The formula guard: a text cell a spreadsheet would evaluate gets a leading apostrophe."""
    if text.startswith(FORMULA_START) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def xlsx_workbook(buf):
    """An xlsxwriter workbook that never turns text into a formula, a link or a number."""
    import xlsxwriter

    return xlsxwriter.Workbook(
        buf,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )


def write_cell(ws, i: int, j: int, v, *, date_format=None, text_format=None) -> None:
    """One cell of an XLSX sheet: numbers as numbers, dates as dates, None empty, the rest text."""
    if v is None or v == "":
        ws.write_blank(i, j, None)
    elif isinstance(v, bool):
        ws.write_string(i, j, str(v), text_format)
    elif isinstance(v, int | float | Decimal) and math.isfinite(v):
        ws.write_number(i, j, float(v))
    elif isinstance(v, dt.datetime):
        ws.write_datetime(i, j, v.replace(tzinfo=None), date_format)
    elif isinstance(v, dt.date):
        ws.write_datetime(i, j, dt.datetime(v.year, v.month, v.day), date_format)
    else:
        ws.write_string(i, j, str(v), text_format)  # a text cell: never run, however it starts


def _csv_value(v) -> str:
    if v is None:
        return ""
    if isinstance(v, int | float | Decimal) and not isinstance(v, bool):
        return str(v)
    if isinstance(v, dt.date):
        return v.isoformat()
    return guard(str(v))


def write_table(header: Sequence[str], rows: Iterable[Sequence], fmt: str, *, sheet: str = "data") -> bytes:
    """``fmt`` 'csv' (UTF-8 with BOM) or 'xlsx' (bold, frozen header). Missing (None) stays empty."""
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow([guard(str(h)) for h in header])
        for r in rows:
            w.writerow([_csv_value(v) for v in r])
        return ("\ufeff" + buf.getvalue()).encode("utf-8")
    if fmt == "xlsx":
        out = io.BytesIO()
        book = xlsx_workbook(out)
        ws = book.add_worksheet(_sheet_name(sheet))
        bold = book.add_format({"bold": True, "bg_color": "#eef1f4"})
        date_format = book.add_format({"num_format": "yyyy-mm-dd"})
        for j, h in enumerate(header):
            ws.write_string(0, j, str(h), bold)
        for i, r in enumerate(rows, start=1):
            for j, v in enumerate(r):
                write_cell(ws, i, j, v, date_format=date_format)
        ws.freeze_panes(1, 0)
        book.close()
        return out.getvalue()
    raise TableError(f"{E_UNKNOWN_EXPORT}: {fmt}", code="table_format")


def write_records(
    columns: Sequence[tuple[str, str]], records: Iterable[dict], fmt: str, *, sheet: str = "data"
) -> bytes:
    """``columns``: (key, header) pairs; each record a dict by key."""
    keys = [k for k, _ in columns]
    return write_table([h for _, h in columns], ([r.get(k) for k in keys] for r in records), fmt, sheet=sheet)


def _sheet_name(name: str) -> str:
    cleaned = re.sub(r"[\[\]:*?/\\]", "-", name or "data")
    return cleaned[:31] or "data"


def content_type(fmt: str) -> str:
    return XLSX_TYPE if fmt == "xlsx" else CSV_TYPE


def file_response(data: bytes, fmt: str, filename: str):
    """An attachment response for exported bytes; ``filename`` without extension."""
    from urllib.parse import quote

    from django.http import HttpResponse

    resp = HttpResponse(data, content_type=content_type(fmt))
    name = f"{filename}.{fmt}"
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return resp


def table_response(header: Sequence[str], rows: Iterable[Sequence], fmt: str, filename: str):
    """Export a table as an attachment; any ``fmt`` other than 'xlsx' gives CSV."""
    fmt = "xlsx" if fmt == "xlsx" else "csv"
    return file_response(write_table(header, rows, fmt, sheet=filename), fmt, filename)
