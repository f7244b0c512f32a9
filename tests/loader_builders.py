"""Tiny, consistent data folders written in code, for the loader's tests.

``tables()`` returns every dataset as a list of row dicts of text cells (canonical column names),
valid against the contract and each other. Tests change a cell or two and write the folder with
``write_folder``; row ``i`` of a list is spreadsheet row ``i + 2``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from lulong_data.contract import DATASETS

T1, T2 = "130324100", "130324101"
V1, V2 = "130324100201", "130324101202"

MANIFEST = 'county_code = "130324"\ndata_as_of = 2022-07-26\nprepared_by = "卢龙县防贫中心"\n'


def tables() -> dict[str, list[dict[str, str]]]:
    case = {
        "risk_2": "",
        "risk_3": "",
        "channel": "农户自主申报",
        "contact_assigned_on": "",
        "plan_on": "",
        "income_per_capita": "5200.5",
        "eliminated_on": "",
        "elimination_kind": "",
    }
    return {
        "townships": [
            _row("townships", T1, "130324", "卢龙镇", "镇", "118.87", "39.88", "70000", "50000"),
            _row("townships", T2, "130324", "潘庄镇", "镇", "", "", "", ""),
        ],
        "villages": [
            _row("villages", V1, T1, "东关村", "村委会", "118.88", "39.89"),
            _row("villages", V2, T2, "东关村", "村委会", "", ""),
        ],
        "households": [
            _row("households", "H001", V1, "脱贫户", "2016", "2", "张三"),
            _row("households", "H002", V2, "一般农户", "", "1", ""),
        ],
        "persons": [
            _row("persons", "P001", "H001", "男", "1970", "普通劳动力", "健康"),
            _row("persons", "P002", "H001", "女", "1972", "弱劳动力或半劳动力", "长期慢性病"),
            _row("persons", "P003", "H002", "男", "1950", "无劳动力", "残疾"),
        ],
        "monitoring_cases": [
            {
                **case,
                "case_id": "C001",
                "household_id": "H001",
                "category": "脱贫不稳定户",
                "risk_1": "因病",
                "found_on": "2022-03-01",
                "verified_on": "2022-03-03",
                "village_review_on": "2022-03-06",
                "township_audit_on": "2022-03-09",
                "approved_on": "2022-03-12",
                "contact_assigned_on": "2022-03-13",
                "plan_on": "2022-03-15",
            },
            {
                **case,
                "case_id": "C002",
                "household_id": "H002",
                "category": "边缘易致贫户",
                "risk_1": "因残",
                "found_on": "2022-07-01",
                "verified_on": "2022-07-04",
                "village_review_on": "",
                "township_audit_on": "",
                "approved_on": "",
            },
        ],
        "policy_menu": [_row("policy_menu", "Z01", "产业奖补", "县农业农村局", "产业")],
        "assistance_measures": [
            _row("assistance_measures", "M001", "C001", "Z01", "2022-03-20", "2022-03-22", "1000")
        ],
        "visits": [_row("visits", "V001", "C001", "2022-04-01", "帮扶责任人")],
        "employment": [
            _row("employment", "E001", "P001", "2022", "公益岗位", "县内", "2022-03-01"),
            _row("employment", "E002", "P002", "2022", "劳务输出", "省外", "2022-04-01"),
        ],
        "employment_targets": [
            _row("employment_targets", "2022", "", "3", ""),
            _row("employment_targets", "2022", T1, "2", ""),
            _row("employment_targets", "2022", T2, "1", ""),
        ],
        "welfare_jobs": [
            _row("welfare_jobs", "W001", "P001", "2022", "保洁员", V1, "12", "500", "2022-03-01")
        ],
        "trainings": [_row("trainings", "T001", "2022", "电商培训", T1, "2022-05-01", "30")],
        "environment_scores": [
            _row("environment_scores", "2022-06", V1, "2022-06-15", "20", "18", "12", "20", "12", "否", ""),
            _row(
                "environment_scores",
                "2022-06",
                V2,
                "2022-06-16",
                "10",
                "10",
                "5",
                "10",
                "5",
                "是",
                "黑臭水体",
            ),
        ],
        "social_assistance": [
            _row(
                "social_assistance",
                "S001",
                "H002",
                V2,
                "农村低保",
                "1",
                "3",
                "2",
                "是",
                "2021-01-01",
                "",
                "",
                "450",
            ),
            _row(
                "social_assistance",
                "S002",
                "",
                V1,
                "特困供养",
                "1",
                "",
                "",
                "否",
                "2020-05-01",
                "",
                "",
                "800",
            ),
        ],
        "student_aid": [
            _row("student_aid", "A001", V1, "H001", "2022", "义务教育", "营养餐", "500", "STU1", "")
        ],
        "indicators": [_row("indicators", "家庭医生签约团队数", "2022", "", "12", "个", "县卫健局", "")],
        "holidays": [
            _row("holidays", "2022-10-01", "休", "国庆节", "国务院办公厅关于2022年部分节假日安排的通知"),
            _row("holidays", "2022-10-08", "班", "国庆节", "国务院办公厅关于2022年部分节假日安排的通知"),
        ],
        "population": [
            _row("population", "2022", "", "", "户籍", "总人口", "120000", "公安户籍统计"),
            _row("population", "2022", T1, "", "户籍", "农村人口", "50000", "公安户籍统计"),
        ],
        "published_figures": [
            _row("published_figures", "F001", "全县监测对象 2 户", "2", "户", "2022-07-26", "发布会", "")
        ],
    }


def _row(dataset: str, *cells: str) -> dict[str, str]:
    """A row of text cells in contract order; optional columns at the end may be left out (empty)."""
    columns = DATASETS[dataset].columns
    assert len(cells) <= len(columns), (dataset, len(cells), len(columns))
    assert all(not c.required for c in columns[len(cells) :]), (dataset, len(cells))
    cells = cells + ("",) * (len(columns) - len(cells))
    return dict(zip([c.name for c in columns], cells, strict=True))


def header_for(dataset: str, name: str, style: str, position: int = 0) -> str:
    """canonical, alias (Chinese) or mixed (alternating)."""
    alias = {c.name: c.alias for c in DATASETS[dataset].columns}.get(name, name)
    if style == "alias" or (style == "mixed" and position % 2 == 0):
        return alias
    return name


def write_table(
    folder: Path,
    dataset: str,
    rows: list[dict[str, str]],
    *,
    fmt: str = "csv",
    encoding: str = "utf-8",
    headers: str = "canonical",
    columns: list[str] | None = None,
) -> Path:
    """Write one dataset; ``columns`` (canonical names, or raw headers) fixes the header row."""
    columns = columns or (list(rows[0]) if rows else [c.name for c in DATASETS[dataset].columns])
    header = [header_for(dataset, c, headers, i) for i, c in enumerate(columns)]
    body = [[r.get(c, "") for c in columns] for r in rows]
    path = folder / f"{dataset}.{fmt}"
    if fmt == "csv":
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\r\n").writerows([header, *body])
        path.write_bytes(buf.getvalue().encode(encoding))
    else:
        frame = pd.DataFrame(body, columns=header, dtype="str") if body else pd.DataFrame(columns=header)
        if fmt == "parquet":
            frame.to_parquet(path, index=False)
        else:
            frame.to_excel(path, index=False)
    return path


def write_folder(
    folder: Path,
    data: dict[str, list[dict[str, str]]] | None = None,
    *,
    fmt: str = "csv",
    encoding: str = "utf-8",
    headers: str = "canonical",
    manifest: str | None = MANIFEST,
    skip: tuple[str, ...] = (),
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    data = tables() if data is None else data
    for name, rows in data.items():
        if name not in skip:
            write_table(folder, name, rows, fmt=fmt, encoding=encoding, headers=headers)
    if manifest is not None:
        (folder / "manifest.toml").write_text(manifest, encoding="utf-8")
    return folder


def find(problems, code: str, file: str | None = None):
    """The problems of one code (and file), for assertions."""
    return [p for p in problems if p.code == code and (file is None or p.file == file)]
