"""Read an export as it comes — XLSX, old XLS, CSV in UTF-8 or GB18030 — and find its header.

Exports carry title rows above the header ("卢龙县防返贫监测对象信息表", "导出时间:…"), sometimes a
two-level header (a merged group row such as 帮扶措施 over 产业帮扶 | 就业帮扶 | …), and footers. The header
row is found, not assumed: in the first ``SCAN_ROWS`` rows, the row (or pair of rows) holding the most
column names of a profile's table wins, if it holds at least that table's ``min_matches``.

Only the columns a profile maps are converted to text; unknown columns are named in a warning and never
read further, so a column of phone numbers nobody asked for is not even held in memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from lulong_data.contract import Problem
from lulong_data.imports import report
from lulong_data.imports.profiles import Profile, Table, norm
from lulong_data.reading import _xlsx_text, clean_header

SCAN_ROWS = 30
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv", ".txt")
_EXPORT_DATE = re.compile(
    r"(?:导出|打印|统计|截至)(?:时间|日期)[::\s]*(\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?)"
)
_FOOTER = re.compile(r"^(?:合计|总计|小计|备注|说明|注[::]|制表|填表|审核人|负责人)")


@dataclass
class Grid:
    """One sheet: its first rows (for the header) and an iterator over the rest."""

    file: str  # what messages call it: "name.xlsx[Sheet1]" or "name.csv"
    head: list[list[str]]
    rest: Iterator[list[object]]  # raw rows after ``head`` (cells not yet text)
    to_text: object = _xlsx_text
    csv_bytes: bytes | memoryview | None = None  # UTF-8 text of a CSV, for the Arrow reader
    csv_offsets: list[int] = field(default_factory=list)  # byte offset of each head row's end
    reread: Callable[[], Grid] | None = None  # the sheet by the old reader (see ``_excel``)


@dataclass
class Header:
    table: str
    rows: tuple[int, ...]  # spreadsheet rows of the header (1-based)
    names: list[str]  # column name per position (combined for two-level headers)
    targets: dict[int, str]  # position -> target
    matches: int


@dataclass
class Read:
    """What was recognised in one sheet, and its rows by target."""

    file: str
    kind: str
    table: str
    header_rows: tuple[int, ...]
    mapped: dict[str, list[str]]  # target -> column names as in the file
    unknown: list[str]
    dropped: list[str]  # known personal or unused columns, not read
    frame: pd.DataFrame  # one text column per single target, "_row" = spreadsheet row; multi targets
    # as columns "<target>#<position>"
    export_date: str | None = None
    problems: list[Problem] = field(default_factory=list)
    column_names: dict[str, str] = field(default_factory=dict)  # frame column -> header in the file


class ReadError(Exception):
    """A file or sheet that cannot be imported at all."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message_en)
        self.problem = problem


# -- opening files ------------------------------------------------------------------------------


def grids(source: Path | tuple[str, bytes], display: str | None = None) -> list[Grid]:
    """Every sheet of the file, or raise :class:`ReadError` naming what is wrong. ``source`` is a path or
    (file name, bytes) of an upload, read in memory so that no copy of it is written anywhere."""
    if isinstance(source, tuple):
        name, data = source
        name = display or name
    else:
        path = Path(source)
        name = display or path.name
        try:
            data = _read(path, Path(name).suffix.lower() in CSV_SUFFIXES)
        except OSError as exc:
            raise ReadError(report.problem("file_missing", name, reason=exc.strerror or str(exc))) from None
    suffix = Path(name).suffix.lower()
    if not data:
        raise ReadError(report.problem("file_empty", name))
    if suffix in EXCEL_SUFFIXES or suffix == ".xls":
        return _excel(data, name, "XLS" if suffix == ".xls" else "XLSX")
    if suffix in CSV_SUFFIXES:
        return [_csv(data, name)]
    raise ReadError(report.problem("file_format", name, suffix=suffix or "(无)"))


def _read(path: Path, csv_file: bool) -> bytes | memoryview:
    """The file's bytes. A CSV is mapped rather than copied into a Python bytes object (Arrow reads it
    where it lies: a county's 37 MB export costs no copy and few page faults)."""
    if not csv_file:
        return path.read_bytes()
    import pyarrow as pa

    with open(path, "rb"):
        pass  # a missing or unreadable file raises the usual OSError (its reason in words)
    try:
        return memoryview(pa.memory_map(str(path)).read_buffer())
    except (pa.ArrowException, ValueError) as exc:
        raise OSError(str(exc)) from None


# An OLE2 compound document (an old .xls) and a ZIP archive (an .xlsx), by their first bytes.
_CFB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"


class _Inexact(Exception):
    """A cell whose text calamine cannot give as the old reader did (see :func:`_xlsx_cell_text`)."""


def _excel(data: bytes, name: str, fmt: str) -> list[Grid]:
    """Every worksheet of an XLSX/XLSM or XLS, read by calamine (Rust; a county's 27 MB export in seconds
    where openpyxl took 45 CPU-s). What the file holds decides how it is read, not its suffix: an XLSX
    named .xls, or an XLS named .xlsx, is read as what it is. The old readers (openpyxl, xlrd) stay for
    exactly the cells calamine cannot give as they did: error cells (#N/A of a formula — calamine gives
    them as empty cells) and, in an XLSX, whole numbers of 16 or more digits (calamine gives a float, which
    may have lost the digits an ID number stored as a number holds)."""
    if data[:8] == _CFB:
        if _xls_has_errors(data):
            return _xls(data, name, fmt)
        to_text = _xls_cell_text
    elif data[:4] == _ZIP:
        if _xlsx_has_errors(data):
            return _xlsx(data, name, fmt)
        to_text = _xlsx_cell_text
    else:
        raise ReadError(_not_excel(data, name, fmt))
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        titles = [m.name for m in book.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
        sheets = [book.get_sheet_by_name(t) for t in titles]
    except Exception as exc:  # noqa: BLE001 - any reader failure on a damaged file becomes a message
        if data[:8] == _CFB:
            return _xls(data, name, fmt)  # BIFF2–4 (before Excel 5), which only xlrd reads
        reason = type(exc).__name__  # ZipError, XmlError …; the generic one says what it met
        if reason == "CalamineError":
            reason = f"{reason}: {str(exc)[:60]}"
        raise ReadError(report.problem("file_corrupt", name, fmt=fmt, reason=reason)) from None
    out = []
    for title, sheet in zip(titles, sheets, strict=True):
        rows = _calamine_rows(sheet)
        head = []
        try:
            for row in rows:
                head.append([to_text(v) for v in row])
                if len(head) >= SCAN_ROWS:
                    break
        except _Inexact:
            return _xlsx(data, name, fmt)
        label = name if len(titles) == 1 else f"{name}[{title}]"
        grid = Grid(label, head, rows, to_text=to_text)
        grid.reread = functools.partial(_xlsx_sheet, data, name, fmt, title)
        out.append(grid)
    return out


def _calamine_rows(sheet: object) -> Iterator[list[object]]:
    """The sheet's rows from its first row and first column (spreadsheet row n is the n-th row): 0.9's
    ``iter_rows`` starts at the first row but at the first column holding a value."""
    rows = sheet.iter_rows()
    left = sheet.start[1] if sheet.start else 0
    if not left:
        return rows
    pad = [""] * left
    return (pad + row for row in rows)


def _xlsx_cell_text(value: object) -> str:
    """A calamine cell of an XLSX as the text openpyxl's value gave. calamine gives every number as a
    float; openpyxl gave a whole number written without a point as an int, so from 10^15 on (where the
    text of a float and of an int differ) the cell may say digits a float does not hold: such a sheet is
    read by openpyxl (``_Inexact``)."""
    if value.__class__ is float and (value >= 1e15 or value <= -1e15) and value.is_integer():
        raise _Inexact
    return _xlsx_text(value)


_XLS_EPOCH = dt.datetime(1899, 12, 31)


def _xls_cell_text(value: object) -> str:
    """A calamine cell of an XLS as the text xlrd's gave: a time of day (a date cell under 1) and a
    duration ([h]:mm) were dates of 1899/1900 to xlrd."""
    if value.__class__ is dt.time:
        value = dt.datetime.combine(_XLS_EPOCH, value)
    elif value.__class__ is dt.timedelta:
        # xlrd counts from 1899-12-31 below day 60 and from 1899-12-30 after Excel's 1900-02-29
        value = (_XLS_EPOCH if value < dt.timedelta(days=60) else _XLS_EPOCH - dt.timedelta(days=1)) + value
    return _xlsx_text(value)


def _xlsx_has_errors(data: bytes) -> bool:
    """Whether a worksheet of the XLSX holds an error cell (``t="e"``: #N/A, #DIV/0! …). The sheets' XML
    is inflated once and searched (≈ 0.8 CPU-s for a county's 330 MB of sheet XML)."""
    import zipfile

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        # the worksheets (xl/worksheets/ by convention, wherever a writer put them), not the shared strings:
        # text may read t="e" (in a sheet, such text only sends the file to openpyxl)
        infos = [
            i for i in archive.infolist() if i.filename.endswith(".xml") and "sharedStrings" not in i.filename
        ]
        for info in infos:
            with archive.open(info) as fh:
                tail = b""
                while chunk := fh.read(1 << 22):
                    for part in (chunk, tail + chunk[:8]):  # and what spans two chunks
                        if b't="e"' in part or b"t='e'" in part:
                            return True
                    tail = chunk[-8:]
    except Exception:  # noqa: BLE001 - a damaged archive is calamine's to report
        return False
    return False


# An error cell of an XLS (BIFF5/8): a BOOLERR record (0x0205, 8 bytes) whose last byte says "error", or a
# FORMULA record (0x0006) whose cached result is an error (first byte 2, last two 0xFFFF). Found by pattern
# in the workbook stream; a pattern that is no record only sends the file to xlrd.
_XLS_ERROR = re.compile(rb"\x05\x02\x08\x00.{7}\x01|\x06\x00...{6}\x02.{5}\xff\xff", re.DOTALL)


def _xls_has_errors(data: bytes) -> bool:
    try:
        from xlrd import compdoc
    except ImportError:
        return False  # no old reader to send it to
    try:
        doc = compdoc.CompDoc(data, logfile=io.StringIO())
        for stream in ("Workbook", "Book"):
            mem, base, size = doc.locate_named_stream(stream)
            if mem is not None:
                return _XLS_ERROR.search(memoryview(mem)[base : base + size]) is not None
    except Exception:  # noqa: BLE001 - a damaged file is the readers' to report
        return False
    return False


def _not_excel(data: bytes, name: str, fmt: str) -> Problem:
    """The problem of a file that is neither an XLSX nor an XLS: a web page or text saved under an Excel
    name (as some systems' 导出Excel do) is named as such."""
    start = data[:2048].lstrip(b"\xef\xbb\xbf\xff\xfe\xfe\xff \t\r\n\x00").lower()
    if start.startswith(b"<") and any(
        t in start.replace(b"\x00", b"") for t in (b"<html", b"<table", b"<!doctype")
    ):
        what = ("网页(HTML)", "a web page (HTML)")
    elif start.startswith(b"<?xml") or b"urn:schemas-microsoft-com:office:spreadsheet" in start.replace(
        b"\x00", b""
    ):
        what = ("XML 表格", "an XML spreadsheet")
    elif _is_text(data[:65536]):
        what = ("文本(CSV 或 TXT)", "text (CSV or TXT)")
    else:
        return report.problem("file_corrupt", name, fmt=fmt, reason="no XLSX/XLS content")
    return report.problem("file_not_excel", name, fmt=fmt, what_zh=what[0], what_en=what[1])


def _is_text(data: bytes) -> bool:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    if b"\x00" in data:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            data.decode(encoding)
            return True
        except UnicodeDecodeError as exc:
            if exc.start >= len(data) - 4:  # a character cut at the end of the sample
                return True
    return False


def _xlsx(data: bytes, name: str, fmt: str = "XLSX") -> list[Grid]:
    """An XLSX read by openpyxl (read only, values only): the old reader, kept for what calamine cannot
    give (see :func:`_excel`)."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheets = list(wb.worksheets)
    except Exception as exc:  # noqa: BLE001 - any reader failure on a damaged file becomes a message
        raise ReadError(
            report.problem("file_corrupt", name, fmt=fmt, reason=f"{type(exc).__name__}")
        ) from None
    out = []
    for ws in sheets:
        rows = ws.iter_rows(values_only=True)
        head = []
        for row in rows:
            head.append([_xlsx_text(v) for v in row])
            if len(head) >= SCAN_ROWS:
                break
        label = name if len(sheets) == 1 else f"{name}[{ws.title}]"
        out.append(Grid(label, head, rows))
    return out


def _xlsx_sheet(data: bytes, name: str, fmt: str, title: str) -> Grid:
    """One sheet read again by openpyxl (when calamine met a cell it cannot give as openpyxl did)."""
    grids = _xlsx(data, name, fmt)
    wanted = name if len(grids) == 1 else f"{name}[{title}]"
    return next(g for g in grids if g.file == wanted)


def _xls_text(book: object) -> object:
    import xlrd

    def text(cell: object) -> str:
        ctype, value = cell.ctype, cell.value
        if ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
            return ""
        if ctype == xlrd.XL_CELL_DATE:
            try:
                return _xlsx_text(xlrd.xldate.xldate_as_datetime(value, book.datemode))
            except (ValueError, OverflowError):
                return _xlsx_text(value)
        if ctype == xlrd.XL_CELL_BOOLEAN:
            return "true" if value else "false"
        return _xlsx_text(value)

    return text


def _xls(data: bytes, name: str, fmt: str = "XLS") -> list[Grid]:
    """An XLS read by xlrd: the old reader, kept for what calamine cannot give (see :func:`_excel`)."""
    try:
        import xlrd
    except ImportError:
        raise ReadError(report.problem("xls_no_reader", name)) from None
    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
        sheets = [book.sheet_by_index(i) for i in range(book.nsheets)]
    except Exception as exc:  # noqa: BLE001
        raise ReadError(report.problem("file_corrupt", name, fmt=fmt, reason=type(exc).__name__)) from None
    text = _xls_text(book)
    out = []
    for sh in sheets:
        head = [[text(c) for c in sh.row(r)] for r in range(min(SCAN_ROWS, sh.nrows))]
        rest = map(sh.row, range(len(head), sh.nrows))  # this sheet's rows (not the loop's last)
        label = name if len(sheets) == 1 else f"{name}[{sh.name}]"
        out.append(Grid(label, head, rest, to_text=text))
    return out


def _decode(data: bytes, name: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise ReadError(report.problem("csv_encoding", name)) from None


def _csv(data: bytes | memoryview, name: str) -> Grid:
    start = bytes(data[:3])
    if not start.startswith((b"\xff\xfe", b"\xfe\xff")):
        body = memoryview(data)[3:] if start == b"\xef\xbb\xbf" else memoryview(data)  # no copy
        if _is_utf8(body):
            grid = _utf8_csv(body, name)
            if grid is not None:
                return grid
    text = _decode(bytes(data), name)
    head, offsets, reader, sep = _head(text, name)
    data = text.encode("utf-8")
    # character offsets -> byte offsets of the UTF-8 text (what Arrow reads)
    byte_offsets = [len(text[:o].encode("utf-8")) for o in offsets]
    return Grid(name, head, reader, to_text=str, csv_bytes=data, csv_offsets=byte_offsets)


def _is_utf8(data: memoryview) -> bool:
    """Whether the bytes are UTF-8 text: checked by Arrow on the bytes where they are (one binary value
    over the whole buffer, cast to text), without copying them or making a Python string of them."""
    import numpy as np
    import pyarrow as pa

    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int64))
    one = pa.LargeBinaryArray.from_buffers(pa.large_binary(), 1, [None, offsets, pa.py_buffer(data)])
    try:
        one.cast(pa.large_string())
    except pa.ArrowInvalid:
        return False
    return True


def _utf8_csv(data: memoryview, name: str) -> Grid | None:
    """A UTF-8 CSV without decoding all of it: the head from its first 64 KB (or megabyte; None when 30
    rows do not fit in that), the body read by Arrow from the bytes as they are."""
    for size in (1 << 16, 1 << 20):
        prefix = bytes(data[:size])
        if len(prefix) < len(data):
            prefix = prefix[: prefix.rfind(b"\n") + 1]
        text = prefix.decode("utf-8")
        head, offsets, _, sep = _head(text, name)
        if len(prefix) == len(data) or (len(head) >= SCAN_ROWS and offsets[-1] < len(text)):
            break
    else:
        return None
    byte_offsets = [len(text[:o].encode("utf-8")) for o in offsets]

    def rest() -> Iterator[list[str]]:
        # the rows after the head as Python lists: only when Arrow cannot read the body (ragged rows)
        reader = csv.reader(io.StringIO(bytes(data).decode("utf-8")), delimiter=sep)
        for i, row in enumerate(reader):
            if i >= len(head):
                yield row

    return Grid(name, head, rest(), to_text=str, csv_bytes=data, csv_offsets=byte_offsets)


def _head(text: str, name: str) -> tuple[list[list[str]], list[int], Iterator[list[str]], str]:
    """The first ``SCAN_ROWS`` rows of CSV text, the character offset of each one's end, the reader (at
    the next row) and the separator."""
    first = text[: text.find("\n")] if "\n" in text else text
    sep = "\t" if first.count("\t") > first.count(",") else ","
    stream = io.StringIO(text)
    reader = csv.reader(stream, delimiter=sep)
    head, offsets = [], []
    try:
        for row in reader:
            head.append(row)
            offsets.append(stream.tell())
            if len(head) >= SCAN_ROWS:
                break
    except csv.Error as exc:
        raise ReadError(report.problem("file_corrupt", name, fmt="CSV", reason=str(exc)[:100])) from None
    return head, offsets, reader, sep


# -- the header ---------------------------------------------------------------------------------


def _ffill(row: list[str]) -> list[str]:
    out, last = [], ""
    for cell in row:
        last = cell if cell else last
        out.append(last)
    return out


def _names_for(top: list[str] | None, bottom: list[str], table: Table) -> tuple[list[str], dict[int, str]]:
    """Column names of a one- or two-row header, and the target of each known column."""
    width = max(len(bottom), len(top or []))
    bottom = [clean_header(c) for c in bottom] + [""] * (width - len(bottom))
    targets: dict[int, str] = {}
    names: list[str] = []
    if top is None:
        for i, cell in enumerate(bottom):
            names.append(cell)
            t = table.target_of(cell) if cell else None
            if t:
                targets[i] = t
        return names, targets
    top = [clean_header(c) for c in top] + [""] * (width - len(top))
    group = _ffill(top)
    grouped: set[int] = set()
    for i in range(width):
        # under a group, the group's own name with the leaf comes first (帮扶责任人 + 联系电话)
        options = [group[i] + bottom[i], bottom[i], top[i]] if bottom[i] else [top[i]]
        chosen = next((o for o in options if o and table.target_of(o)), None)
        if bottom[i] and group[i]:
            grouped.add(i)
        if chosen is None:
            chosen = f"{group[i]}/{bottom[i]}" if bottom[i] and group[i] else bottom[i] or top[i]
        else:
            targets[i] = table.target_of(chosen)
        names.append(chosen)
    # A leaf such as 姓名 under 帮扶责任人 is not the person's 姓名 when a column of its own has that name:
    # the grouped one is then named group/leaf and left to the known/unknown lists.
    single = {t for i, t in targets.items() if i not in grouped}
    for i in sorted(grouped):
        t = targets.get(i)
        if t is not None and t in single and t not in table.multi and names[i] == bottom[i]:
            del targets[i]
            names[i] = f"{group[i]}/{bottom[i]}"
    return names, targets


def _score(targets: dict[int, str]) -> int:
    return len(set(targets.values()))


def find_header(head: list[list[str]], profile: Profile) -> Header | None:
    """The best header of any table of the profile in ``head``, or None."""
    best: Header | None = None
    for tname, table in profile.tables.items():
        for r, row in enumerate(head):
            if not any(row):
                continue
            candidates = [(None, r)]
            if r + 1 < len(head):
                candidates.append((r, r + 1))
            for top, bottom in candidates:
                names, targets = _names_for(head[top] if top is not None else None, head[bottom], table)
                score = _score(targets)
                if score < table.min_matches:
                    continue
                rows = (bottom + 1,) if top is None else (top + 1, bottom + 1)
                if (
                    best is None
                    or score > best.matches
                    or (score == best.matches and len(rows) < len(best.rows))
                ):
                    best = Header(tname, rows, names, targets, score)
    return best


def best_matches(head: list[list[str]], profile: Profile) -> int:
    """The most targets of the profile any one row of ``head`` names (for 'which kind is this?')."""
    out = 0
    for table in profile.tables.values():
        for row in head:
            _, targets = _names_for(None, row, table)
            out = max(out, _score(targets))
    return out


def export_date(head: list[list[str]], before: int) -> str | None:
    """导出时间 from the title rows, as written (shown to the data office; the as-of date stays the
    manifest's)."""
    for row in head[: max(0, before - 1)]:
        for cell in row:
            m = _EXPORT_DATE.search(str(cell))
            if m:
                return m.group(1)
    return None


# -- the rows -----------------------------------------------------------------------------------


def read(grid: Grid, profile: Profile, header: Header) -> Read:
    """The rows under ``header`` as text columns by target (problems: unknown columns, two columns for one
    target)."""
    table = profile.tables[header.table]
    problems: list[Problem] = []
    by_target: dict[str, list[int]] = {}
    for pos, target in sorted(header.targets.items()):
        by_target.setdefault(target, []).append(pos)
    multi = set(table.multi)
    for target, positions in by_target.items():
        if target not in multi and len(positions) > 1:
            first, second = (header.names[p] for p in positions[:2])
            problems.append(
                report.problem(
                    "two_columns_one_target",
                    grid.file,
                    row=header.rows[-1],
                    column=second,
                    first=first,
                    second=second,
                    target=profile_target_zh(profile, header.table, target),
                )
            )
    unknown, dropped = [], []
    for pos, name in enumerate(header.names):
        if pos in header.targets or not name:
            continue
        if any(norm(n) in table.known for n in (name, name.replace("/", ""), name.rsplit("/", 1)[-1])):
            dropped.append(name)
        else:
            unknown.append(name)
            problems.append(report.problem("unknown_column", grid.file, severity="warning", column=name))
    start = header.rows[-1]  # rows before data (1-based row number of the last header row)
    keep = sorted(header.targets)
    columns = [
        header.targets[p] if header.targets[p] not in multi else f"{header.targets[p]}#{p}" for p in keep
    ]
    frame = _body(grid, start, keep, columns, [header.names[p] for p in keep])
    mapped: dict[str, list[str]] = {}
    for p in keep:
        mapped.setdefault(header.targets[p], []).append(header.names[p])
    return Read(
        file=grid.file,
        kind=profile.kind,
        table=header.table,
        header_rows=header.rows,
        mapped=mapped,
        unknown=unknown,
        dropped=dropped,
        frame=frame,
        export_date=export_date(grid.head, header.rows[0]),
        problems=problems,
        column_names={c: header.names[p] for c, p in zip(columns, keep, strict=True)},
    )


def profile_target_zh(profile: Profile, table: str, target: str) -> str:
    from lulong_data.imports.profiles import TARGETS

    return TARGETS[profile.kind][table][target].zh


def _body(grid: Grid, start: int, keep: list[int], columns: list[str], names: list[str]) -> pd.DataFrame:
    """Rows after the header: only the kept positions, as stripped text; blank rows, footers (合计, 制表
    …) and repeated header rows dropped. ``_row`` is the spreadsheet row."""
    body = None
    if grid.csv_bytes is not None and start <= len(grid.csv_offsets):
        body = _arrow_body(memoryview(grid.csv_bytes)[grid.csv_offsets[start - 1] :], keep, start)
    if body is None:
        try:
            body = _python_body(grid, start, keep)
        except _Inexact:
            body = _python_body(grid.reread(), start, keep)
    cells, rows = body
    if len(rows):
        keep_rows = _data_rows(cells, [clean_header(n).rsplit("/", 1)[-1] for n in names])
        if keep_rows is not None:
            cells = [c.filter(keep_rows) for c in cells]
            rows = rows[keep_rows.to_numpy(zero_copy_only=False)]
    frame = pd.DataFrame({c: pd.Series(a, dtype="str") for c, a in zip(columns, cells, strict=True)})
    frame["_row"] = np.asarray(rows, dtype="int64")
    return frame


def _data_rows(cells: list, names: list[str]):
    """Which rows are data (an Arrow boolean array), or None when all are: a row with a cell filled, not
    a footer (合计 … in the first column, at most two cells filled), not the header repeated."""
    import functools

    import pyarrow as pa
    import pyarrow.compute as pc

    if not cells:
        return None
    filled = [pc.greater(pc.binary_length(c), 0) for c in cells]
    equal = [pc.equal(c, pa.scalar(n, c.type)) for c, n in zip(cells, names, strict=True)]
    footer_text = pc.match_substring_regex(cells[0], _FOOTER.pattern)
    # The usual export: no first cell reads as a footer, and at most half the columns hold their own header
    # anywhere (a measure column 社会帮扶 may list 社会帮扶), so no row repeats the header: a row is data when
    # a cell is filled (the counts below would say the same).
    matching = sum(bool(pc.any(e).as_py()) for e in equal)
    if (
        not any(c.null_count for c in cells)
        and not pc.any(footer_text).as_py()
        and 2 * matching <= len(cells)
    ):
        keep = functools.reduce(pc.or_, filled)
        return None if pc.all(keep).as_py() else keep
    n_filled = functools.reduce(pc.add, [pc.cast(f, pa.int32()) for f in filled])
    same = functools.reduce(pc.add, [pc.cast(e, pa.int32()) for e in equal])
    footer = pc.and_(footer_text, pc.less_equal(n_filled, 2))
    # a header repeated under the data (exports made of several pages) is not a row
    repeated = pc.greater(pc.multiply(same, 2), len(cells))
    keep = pc.and_(pc.greater(n_filled, 0), pc.invert(pc.or_(footer, repeated)))
    keep = pc.fill_null(keep, False)
    return None if pc.all(keep).as_py() else keep


def _python_body(grid: Grid, start: int, keep: list[int]) -> tuple[list, np.ndarray]:
    import pyarrow as pa

    to_text = grid.to_text
    data: list[list[str]] = [[] for _ in keep]
    rows: list[int] = []
    n = start
    width = max(keep) + 1 if keep else 0

    def add(row: list, textual: bool) -> None:
        nonlocal n
        n += 1
        if len(row) < width:
            row = list(row) + [""] * (width - len(row))
        for j, p in enumerate(keep):
            v = row[p]
            data[j].append((v if textual else to_text(v)).strip() if v is not None else "")
        rows.append(n)

    for row in grid.head[start:]:
        add(row, True)
    for row in grid.rest:
        add(row, False)
    cells = [pa.chunked_array([pa.array(col, type=pa.large_string())]) for col in data]
    return cells, np.asarray(rows, dtype="int64")


def _arrow_body(data: bytes | memoryview, keep: list[int], start: int) -> tuple[list, np.ndarray] | None:
    """The body of a CSV read by Arrow (the fast path): the kept columns, trimmed, and the spreadsheet
    rows; None for files it cannot read (ragged rows)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    start_bytes = bytes(data[: 1 << 16])
    if not start_bytes.strip() and not bytes(data).strip():
        return [pa.chunked_array([], type=pa.large_string()) for _ in keep], np.array([], dtype="int64")
    first = start_bytes.split(b"\n", 1)[0]
    sep = "\t" if first.count(b"\t") > first.count(b",") else ","
    try:
        table = pacsv.read_csv(
            pa.BufferReader(data),
            # one thread: on a busy machine Arrow's thread pool costs more CPU than it saves time
            read_options=pacsv.ReadOptions(
                autogenerate_column_names=True, block_size=1 << 22, use_threads=False
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=sep, ignore_empty_lines=False, newlines_in_values=True
            ),
            convert_options=pacsv.ConvertOptions(
                include_columns=[f"f{p}" for p in keep],
                column_types={f"f{p}": pa.large_string() for p in keep},  # pandas' own text type
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowException, ValueError):
        return None
    from lulong_data.reading import _may_need_trim  # the loader's look at first and last bytes

    cells = [table.column(f"f{p}") for p in keep]
    cells = [pc.utf8_trim_whitespace(c) if _may_need_trim(c) else c for c in cells]
    return cells, np.arange(start + 1, start + 1 + table.num_rows, dtype="int64")


def today() -> dt.date:
    return dt.date.today()
