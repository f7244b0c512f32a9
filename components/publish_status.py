"""The data status tables: what the current version holds and the full validation report."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import streamlit as st

from components.context import lang, t, term
from components.streamlit_css import placeholder
from components.table import show_table
from lulong_data.bundle import Bundle
from lulong_data.contract import DATASETS, GEO_FILES, MANIFEST_FILE, RULES_FILE, Problem
from lulong_data.lastgood import Served


def _mtime(path: Path | None) -> dt.datetime | None:
    try:
        return dt.datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0) if path else None
    except OSError:
        return None


def summary(s: Served) -> None:
    """As-of date, version, fingerprint and verdict of the data being served."""
    b = s.bundle
    cols = st.columns(4)
    cols[0].metric(term("data_as_of"), f"{b.as_of:%Y-%m-%d}")
    cols[1].metric(term("current_version"), s.version or "—")
    cols[2].metric(term("fingerprint"), b.fingerprint[:12], help=b.fingerprint)
    verdict = t(f"{len(b.errors)}个错误", f"{len(b.errors)} errors") if b.errors else term("valid")
    # the count goes in the small line: a long value is cut off in the tile
    warnings = (
        t(f"{len(b.warnings)}条{term('warning')}", f"{len(b.warnings)} warnings") if b.warnings else None
    )
    cols[3].metric(term("validation_result"), verdict, delta=warnings, delta_color="off", delta_arrow="off")
    st.caption(t(f"数据文件夹:`{b.folder}`", f"Data folder: `{b.folder}`"))


def datasets_frame(b: Bundle) -> pd.DataFrame:
    """One row per contract dataset (and the other contract files) with file, rows and last change."""
    files = dict(b.files) if isinstance(b.files, dict) else {}
    counts = pd.Series([p.file for p in b.problems], dtype="str").value_counts()
    rows = []
    for name, ds in DATASETS.items():
        path = files.get(name)
        rows.append(
            {
                term("dataset"): t(ds.title, ds.title_en),
                term("dataset_name"): name,
                term("file"): path.name if path else t("(无)", "(none)"),
                term("row_count"): len(b.frames[name]) if b.has(name) else None,
                term("last_change"): _mtime(path),
                term("required"): t("是", "yes") if ds.required else "",
                term("problem_count"): int(counts.get(path.name, 0)) if path else 0,
            }
        )
    for extra in (MANIFEST_FILE, RULES_FILE, *GEO_FILES):
        path = Path(b.folder) / extra if b.folder else None
        if path and path.is_file():
            rows.append(
                {
                    term("dataset"): term("extra_file"),
                    term("dataset_name"): extra,
                    term("file"): extra,
                    term("row_count"): None,
                    term("last_change"): _mtime(path),
                    term("required"): "",
                    term("problem_count"): int(counts.get(extra, 0)),
                }
            )
    frame = pd.DataFrame(rows)
    frame[term("row_count")] = frame[term("row_count")].astype("Int64")
    return frame


def datasets_frame_table(b: Bundle) -> None:
    show_table(datasets_frame(b), t("数据集状态", "datasets"), key="datasets")


def report(problems: tuple[Problem, ...] | list[Problem], *, key: str) -> None:
    """The validation report (as ``python -m lulong_data check`` prints it), filterable, as XLSX."""
    # Imported here: the loader pulls in pandera, which a server start reading a validated snapshot
    # otherwise never needs (lulong_data.snapshot).
    from lulong_data.loader import REPORT_COLUMNS, SEVERITY_LABELS, problems_frame

    frame = problems_frame(list(problems), lang())
    if frame.empty:
        st.success(t("没有发现问题。", "No problems found."))
        return
    sev_col, file_col = term("severity"), term("file")
    left, right = st.columns([1, 2])
    labels = SEVERITY_LABELS["en" if lang() == "en" else "zh"]  # the words the report itself uses
    # Stable keys as options, labels via format_func: the choice survives a language switch.
    severities = left.multiselect(
        term("severity"),
        options=list(labels),
        format_func=labels.get,
        placeholder=placeholder(),
        key=f"{key}_severity",
    )
    files = right.multiselect(
        term("file"),
        options=sorted(frame[file_col].unique()),
        placeholder=placeholder(),
        key=f"{key}_files",
    )
    if severities:
        frame = frame[frame[sev_col].isin([labels[s] for s in severities])]
    if files:
        frame = frame[frame[file_col].isin(files)]
    errors = int((frame[sev_col] == labels["error"]).sum())
    st.caption(t(f"共{len(frame)}条,其中错误{errors}条", f"{len(frame)} problems, {errors} errors"))
    # The problem's text is what the data office acts on: on a narrow screen it stays, with the file and
    # the severity, before row, column and value. An empty cell reads as empty, not as Streamlit's "None".
    file, row, column, value, message, severity = REPORT_COLUMNS["en" if lang() == "en" else "zh"]
    shown = frame.astype({row: "str"}).fillna("").replace({row: {"<NA>": ""}})
    show_table(
        shown,
        t("数据校验报告", "validation_report"),
        key=key,
        priority=[file, message, severity, row, column, value],
    )
