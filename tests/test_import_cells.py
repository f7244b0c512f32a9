"""Issue 16: exports are read by python-calamine, and the grid the import sees is the one openpyxl (XLSX)
and xlrd (XLS) gave: the same text for every kind of cell, the same rows, the same row numbers in messages.

Each test writes its workbook itself (openpyxl for XLSX, xlwt for XLS) and reads it both ways: through
calamine, and through the old reader (``_xlsx_has_errors``/``_xls_has_errors`` made to say yes, which is
what sends a file there).
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from paths import SAMPLE_DIR

from lulong_data.generator import exports
from lulong_data.imports import profiles, secret, sheets
from lulong_data.imports.run import run_import

# (value as written, number format or None, the text the import sees)
CELLS = [
    (5, None, "5"),  # a whole number stored as a number: calamine gives 5.0, openpyxl gave 5
    (-7, None, "-7"),
    (2.5, None, "2.5"),
    (0.1, None, "0.1"),
    (123456789012345, None, "123456789012345"),  # a 15-digit code stored as a number
    (dt.date(2022, 7, 26), None, "2022-07-26"),
    (dt.datetime(2022, 7, 26, 9, 30, 12), None, "2022-07-26 09:30:12"),
    (dt.datetime(2022, 7, 26), None, "2022-07-26"),
    (dt.time(9, 30), None, "09:30:00"),
    (44768, "yyyy年m月d日", "2022-07-26"),  # a date by its number format
    (44768.5, "yyyy/m/d h:mm", "2022-07-26 12:00:00"),
    (1.25, "[h]:mm:ss", "1 day, 6:00:00"),  # a duration
    (0.25, "0%", "0.25"),
    (True, None, "true"),
    (False, None, "false"),
    ("130324199001011234", None, "130324199001011234"),  # an ID number stored as text, every digit kept
    ("0012", None, "0012"),
    ("  卢龙镇 ", None, "  卢龙镇 "),  # stripped later, per column
    (None, None, ""),
]


def _xlsx(build) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    build(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _text(grids: list[sheets.Grid]) -> list[tuple[str, list[list[str]]]]:
    """Each grid's label and every row as text (head and rest), trailing empty cells dropped."""
    out = []
    for g in grids:
        rows = [list(r) for r in g.head] + [[g.to_text(v) for v in r] for r in g.rest]
        rows = [r[: max((i + 1 for i, c in enumerate(r) if c != ""), default=0)] for r in rows]
        while rows and not rows[-1]:
            rows.pop()
        out.append((g.file, rows))
    return out


def _old_reader(monkeypatch) -> None:
    monkeypatch.setattr(sheets, "_xlsx_has_errors", lambda data: True)
    monkeypatch.setattr(sheets, "_xls_has_errors", lambda data: True)


def _types_workbook(wb) -> None:
    ws = wb.active
    ws.title = "监测"
    ws.append([])  # an empty first row
    ws.append([None, "卢龙县防返贫监测对象信息表"])  # a title row, in an empty first column's right
    ws.append([None, "类型", "值"])
    for i, (value, fmt, _) in enumerate(CELLS):
        ws.append([None, f"c{i}", value])
        if fmt:
            ws.cell(ws.max_row, 3).number_format = fmt
    other = wb.create_sheet("另一页")
    other.append(["序号", "姓名"])
    other.append([1, "张三"])


def test_xlsx_cells_read_by_calamine_as_openpyxl_read_them(monkeypatch):
    data = _xlsx(_types_workbook)
    grids = sheets.grids(("导出.xlsx", data))
    assert all(g.to_text is sheets._xlsx_cell_text for g in grids)  # calamine's
    text = _text(grids)
    assert [label for label, _ in text] == ["导出.xlsx[监测]", "导出.xlsx[另一页]"]
    rows = text[0][1]
    assert rows[0] == [] and rows[1] == ["", "卢龙县防返贫监测对象信息表"]  # rows from the sheet's first
    assert rows[2] == ["", "类型", "值"]  # and from its first column: B3 is the header's first cell
    for i, (_, _, want) in enumerate(CELLS):
        assert rows[3 + i] == (["", f"c{i}", want] if want else ["", f"c{i}"]), CELLS[i]
    assert text[1][1] == [["序号", "姓名"], ["1", "张三"]]
    _old_reader(monkeypatch)
    old = sheets.grids(("导出.xlsx", data))
    assert all(g.to_text is not sheets._xlsx_cell_text for g in old)  # openpyxl's
    assert _text(old) == text


def test_xlsx_error_cells_and_long_numbers_keep_openpyxl_text():
    """calamine gives an error cell as empty and a 16-digit number as a float: such a workbook is read by
    openpyxl, so #N/A stays #N/A and the number keeps its digits."""

    def errors(wb):
        wb.active.append(["序号", "收入"])
        wb.active.append([1, "#N/A"])  # openpyxl writes it as an error cell

    def long_number(wb):
        wb.active.append(["序号", "户编号"])
        wb.active.append([1, 1302240123456789])

    for build, text in ((errors, "#N/A"), (long_number, "1302240123456789")):
        (grid,) = sheets.grids(("x.xlsx", _xlsx(build)))
        assert grid.to_text is not sheets._xlsx_cell_text and grid.head[1] == ["1", text]


@pytest.fixture(scope="module")
def key_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("state") / "pseudonym.key"
    secret.init(path)
    return path


@pytest.fixture(scope="module")
def table():
    header, rows = exports.national_table(SAMPLE_DIR)
    hid = header.index("户编号")
    keep = list(dict.fromkeys(r[hid] for r in rows))[:12]
    return header, [list(r) for r in rows if r[hid] in set(keep)]


def test_long_number_below_the_first_rows_is_read_again_by_openpyxl(table):
    """A 16-digit number under the first 30 rows (past the rows the header is looked for in): the sheet's
    rows are read again by openpyxl when calamine meets it."""
    header, rows = table
    hid = header.index("户编号")
    rows = [list(r) for r in rows] * 3
    assert len(rows) > sheets.SCAN_ROWS + 5

    def build(wb):
        wb.active.append(header)
        for r in rows:
            wb.active.append(r)
        wb.active.cell(len(rows) + 1, hid + 1).value = 1302240123456789  # the last row, as a number

    (grid,) = sheets.grids(("n.xlsx", _xlsx(build)))
    assert grid.to_text is sheets._xlsx_cell_text  # calamine's: the head holds no such number
    profile = profiles.load_all(profiles.profile_folders(SAMPLE_DIR))["national"]
    header_found = sheets.find_header(grid.head, profile)
    frame = sheets.read(grid, profile, header_found).frame
    assert frame["household"].iloc[-1] == "1302240123456789" and frame["_row"].iloc[-1] == len(rows) + 1


def _shifted_export(header, rows, *, bad_row: int | None = None) -> bytes:
    """The national export as some county systems write it: an empty first row and column, the title and
    export-time rows, a two-level header with merged group cells (rows 4–5), then the data."""
    from openpyxl.utils import range_boundaries

    head, merges = exports.two_level_header(header)
    rows = [list(r) for r in rows]
    if bad_row is not None:
        rows[bad_row][header.index("劳动技能")] = "半劳力(待核)"

    def build(wb):
        ws = wb.active
        ws.append([])
        ws.append([None, "卢龙县防返贫监测对象信息表"])
        ws.append([None, "导出时间:2022-07-26 09:30:12"])
        for r in head + rows:
            ws.append([None, *r])
        for m in merges:  # the generator's ranges are for a header on rows 3–4 from column A
            c1, r1, c2, r2 = range_boundaries(m)
            ws.merge_cells(start_row=r1 + 1, start_column=c1 + 1, end_row=r2 + 1, end_column=c2 + 1)

    return _xlsx(build)


def test_two_level_header_under_title_rows_past_an_empty_column(table, tmp_path, key_file, monkeypatch):
    header, rows = table
    data = _shifted_export(header, rows)
    bad = _shifted_export(header, rows, bad_row=3)
    outcomes = {}
    for reader in ("calamine", "openpyxl"):
        if reader == "openpyxl":
            _old_reader(monkeypatch)
        out = tmp_path / reader
        ok = run_import([("auto", ("监测.xlsx", data))], base=SAMPLE_DIR, out=out, secret_file=key_file)
        failed = run_import(
            [("auto", ("监测.xlsx", bad))], base=SAMPLE_DIR, out=tmp_path / "x", secret_file=key_file
        )
        assert ok.status == 0, [p.message_en for p in ok.errors]
        sheet = ok.sheets[0]
        assert (sheet.kind, sheet.header_rows, sheet.export_date, sheet.unknown) == (
            "national",
            (4, 5),
            "2022-07-26",
            [],
        )
        found = [p for p in failed.problems if p.code == "import_unmapped_value"]
        assert found and (found[0].row, found[0].column) == (5 + 3 + 1, "劳动技能")  # data from row 6
        files = {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}
        outcomes[reader] = (
            files,
            [(p.code, p.row, p.column, p.message_zh) for p in ok.problems + failed.problems],
        )
    assert outcomes["calamine"] == outcomes["openpyxl"]


# -- XLS ----------------------------------------------------------------------------------------


def _xls(build) -> bytes:
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook(encoding="utf-8")
    build(book, xlwt)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def test_xls_cells_and_sheets_read_by_calamine_as_xlrd_read_them(monkeypatch):
    def build(book, xlwt):
        first = book.add_sheet("低保")
        first.write(0, 1, "卢龙县农村低保查询")
        cells = [
            (5, None),
            (2.5, None),
            (dt.date(2022, 7, 26), "yyyy-mm-dd"),
            (dt.datetime(2022, 7, 26, 9, 30, 12), "yyyy-mm-dd hh:mm:ss"),
            (dt.time(9, 30), "hh:mm"),
            (True, None),
            ("130324199001011234", None),
        ]
        for i, (value, fmt) in enumerate(cells, start=1):
            first.write(i, 1, f"c{i}")
            first.write(i, 2, value, xlwt.easyxf(num_format_str=fmt) if fmt else xlwt.Style.default_style)
        for r in range(len(cells) + 1, 45):  # past the 30 rows of the head
            first.write(r, 1, f"低保{r}")
        second = book.add_sheet("特困")
        for r in range(3):
            second.write(r, 0, f"特困{r}")

    data = _xls(build)
    grids = sheets.grids(("名册.xls", data))
    assert all(g.to_text is sheets._xls_cell_text for g in grids)  # calamine's
    text = _text(grids)
    (label, rows), (label2, rows2) = text
    assert (label, label2) == ("名册.xls[低保]", "名册.xls[特困]")
    assert [r[2] for r in rows[1:8]] == [
        "5",
        "2.5",
        "2022-07-26",
        "2022-07-26 09:30:12",
        "1899-12-31 09:30:00",  # a time of day, as xlrd gave it
        "true",
        "130324199001011234",
    ]
    assert rows[-1] == ["", "低保44"] and rows2 == [["特困0"], ["特困1"], ["特困2"]]
    _old_reader(monkeypatch)
    old = sheets.grids(("名册.xls", data))
    assert all(g.to_text is not sheets._xls_cell_text for g in old)  # xlrd's
    # xlrd's rows past the head come from their own sheet (they came from the last sheet read)
    assert _text(old) == text


def test_xls_error_cell_keeps_xlrd_text():
    def build(book, xlwt):
        sheet = book.add_sheet("S")
        sheet.write(0, 0, "序号")
        sheet.write(1, 0, 1)
        sheet.row(1).set_cell_error(1, 0x2A)  # #N/A

    (grid,) = sheets.grids(("x.xls", _xls(build)))
    assert grid.to_text is not sheets._xls_cell_text and grid.head[1] == ["1", "42"]  # xlrd's code, as before


# -- files that are not what their name says --------------------------------------------------------


def _problem(name: str, data: bytes):
    with pytest.raises(sheets.ReadError) as err:
        sheets.grids((name, data))
    return err.value.problem


def test_files_that_are_not_what_their_name_says():
    xlsx = _xlsx(lambda wb: wb.active.append(["序号", "姓名"]))
    assert _text(sheets.grids(("旧版.xls", xlsx))) == [("旧版.xls", [["序号", "姓名"]])]  # read as what it is
    html = "<html><body><table><tr><td>序号</td></tr></table></body></html>".encode()
    p = _problem("导出.xls", html)
    assert p.code == "import_file_not_excel" and "网页" in p.message_zh and "XLS" in p.message_zh
    p = _problem("导出.xlsx", "序号,姓名\n1,张三\n".encode("gb18030"))
    assert p.code == "import_file_not_excel" and "文本" in p.message_zh
    p = _problem("坏.xlsx", xlsx[: len(xlsx) // 2])
    assert p.code == "import_file_corrupt" and "XLSX" in p.message_zh
    assert _problem("空.xlsx", b"").code == "import_file_empty"
