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
    cols[0].metric(t("数据截至", "Data as of"), f"{b.as_of:%Y-%m-%d}")
    cols[1].metric(t("当前版本", "Current version"), s.version or "—")
    cols[2].metric(t("指纹", "Fingerprint"), b.fingerprint[:12], help=b.fingerprint)
    verdict = t(f"{len(b.errors)}个错误", f"{len(b.errors)} errors") if b.errors else term("valid")
    # the count goes in the small line: a long value is cut off in the tile
    warnings = (
        t(f"{len(b.warnings)}条{term('warning')}", f"{len(b.warnings)} warnings") if b.warnings else None
    )
    cols[3].metric(t("校验结果", "Validation"), verdict, delta=warnings, delta_color="off", delta_arrow="off")
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
                t("数据集", "Dataset"): t(ds.title, ds.title_en),
                t("名称", "Name"): name,
                t("文件", "File"): path.name if path else t("(无)", "(none)"),
                t("行数", "Rows"): len(b.frames[name]) if b.has(name) else None,
                t("最后修改", "Last change"): _mtime(path),
                t("必需", "Required"): t("是", "yes") if ds.required else "",
                t("问题数", "Problems"): int(counts.get(path.name, 0)) if path else 0,
            }
        )
    for extra in (MANIFEST_FILE, RULES_FILE, *GEO_FILES):
        path = Path(b.folder) / extra if b.folder else None
        if path and path.is_file():
            rows.append(
                {
                    t("数据集", "Dataset"): t("附加文件", "extra file"),
                    t("名称", "Name"): extra,
                    t("文件", "File"): extra,
                    t("行数", "Rows"): None,
                    t("最后修改", "Last change"): _mtime(path),
                    t("必需", "Required"): "",
                    t("问题数", "Problems"): int(counts.get(extra, 0)),
                }
            )
    frame = pd.DataFrame(rows)
    frame[t("行数", "Rows")] = frame[t("行数", "Rows")].astype("Int64")
    return frame


def datasets_frame_table(b: Bundle) -> None:
    show_table(datasets_frame(b), t("数据集状态", "datasets"), key="datasets")


def report(problems: tuple[Problem, ...] | list[Problem], *, key: str) -> None:
    """The validation report (as ``python -m lulong_data check`` prints it), filterable, as XLSX."""
    # Imported here: the loader pulls in pandera, which a server start reading a validated snapshot
    # otherwise never needs (lulong_data.snapshot).
    from lulong_data.loader import SEVERITY_LABELS, problems_frame

    frame = problems_frame(list(problems), lang())
    if frame.empty:
        st.success(t("没有发现问题。", "No problems found."))
        return
    sev_col, file_col = term("severity"), term("file")
    left, right = st.columns([1, 2])
    labels = SEVERITY_LABELS["en" if lang() == "en" else "zh"]  # the words the report itself uses
    # Stable keys as options, labels via format_func: the choice survives a language switch.
    severities = left.multiselect(
        t("级别", "Severity"),
        options=list(labels),
        format_func=labels.get,
        placeholder=placeholder(),
        key=f"{key}_severity",
    )
    files = right.multiselect(
        t("文件", "File"),
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
    show_table(frame, t("数据校验报告", "validation_report"), key=key)
