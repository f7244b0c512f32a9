"""Household-level tables of the monitoring page, with the privacy check on every row.

Each row is shown only if ``can_see_households(row.township_code)``: leaders and the data office see all,
a township sees its own households, the press office none. Codes and household ids are dropped; a row
shows the case number, township, village and the masked head name only.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from components.context import can_see_households, t
from components.table import show_table
from lulong_data.formatting import fmt_int
from lulong_data.metrics.monitoring import CHECK_LABELS, STAGE_LABELS

# Column code -> (中文, English). The order here is the order on screen.
COLUMNS = {
    "check": ("事项", "Item"),
    "case_id": ("监测编号", "Case"),
    "township_name": ("乡镇", "Township"),
    "village_name": ("村", "Village"),
    "head_masked": ("户主", "Head"),
    "household_type": ("户类型", "Household type"),
    "category": ("监测类别", "Category"),
    "risk_1": ("主要风险", "Main risk"),
    "stage": ("所处环节", "Stage"),
    "persons": ("家庭人口", "Persons"),
    "start_on": ("起算日期", "Clock starts"),
    "due_on": ("应办结日期", "Due"),
    "days_over": ("超期天数", "Days over"),
    "approved_on": ("纳入日期", "Approved"),
    "eliminated_on": ("消除日期", "Eliminated"),
    "elimination_kind": ("消除方式", "How eliminated"),
    "days_monitored": ("监测天数", "Days monitored"),
    "measures": ("帮扶措施数", "Measures"),
    "income_per_capita": ("人均纯收入(元)", "Income per head (yuan)"),
    "income_latest": ("最新人均纯收入(元)", "Latest income per head (yuan)"),
    "income_year": ("收入年度", "Income year"),
    "income_at_elimination": ("消除时人均纯收入(元)", "Income per head at elimination (yuan)"),
    "income_line": ("监测标准(元)", "Monitoring line (yuan)"),
    "reason": ("问题", "Problem"),
}


def rows_height(n: int, most: int = 20) -> int:
    """Pixel height showing up to ``most`` rows without an inner scroll bar (a projector shows no scrolling)."""
    return 35 * (min(n, most) + 2)  # header + rows + a little slack for the bottom border


def visible_rows(df: pd.DataFrame) -> pd.DataFrame:
    """The rows the current user may see (decided per row by its township)."""
    if df.empty:
        return df
    allowed = df["township_code"].map(lambda code: can_see_households(code)).astype(bool)
    return df[allowed]


def screen_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The frame as shown and exported: labelled columns, translated codes, dates as YYYY-MM-DD."""
    return _screen_frame(df, t("zh", "en"))


@st.cache_data(max_entries=256, show_spinner=False)
def _screen_frame(df: pd.DataFrame, language: str) -> pd.DataFrame:
    # Cached by the rows and the language (t() below reads it): a rerun does not reshape the same rows.
    pick = 1 if language == "en" else 0
    if "too_soon" in df:  # premature eliminations: say which rule was broken
        why = [
            (t("帮扶消除监测期不足", "assisted: monitored too briefly"), "too_soon"),
            (t("消除前无帮扶措施", "no measure before"), "no_measure"),
            (t("消除时收入低于当年监测标准", "income at elimination below the year's line"), "below_line"),
            (t("整户无劳动能力,应兜底保障", "no one can work: 兜底, not assisted elimination"), "no_labour"),
            (t("三保障或饮水安全未保障", "education, housing or water not secured"), "guarantee_gap"),
        ]
        df = df.assign(reason=[
            "、".join(text for text, col in why if col in row and row[col]) for _, row in df.iterrows()
        ])  # fmt: skip
    elif "below_line" in df:  # 应纳未纳: why the household should be monitored
        why = [
            (t("最新收入低于当年监测标准", "latest income below the year's line"), "below_line"),
            (t("三保障或饮水安全未保障", "education, housing or water not secured"), "guarantee_gap"),
        ]
        df = df.assign(reason=["、".join(text for text, col in why if row[col]) for _, row in df.iterrows()])
    out = df[[c for c in COLUMNS if c in df.columns]].copy()
    if "check" in out:
        out["check"] = out["check"].map(lambda c: CHECK_LABELS[c][pick])
    if "stage" in out:
        out["stage"] = out["stage"].map(lambda c: STAGE_LABELS[c][pick])
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d").fillna("")
    return out.rename(columns={c: t(*COLUMNS[c]) for c in out.columns})


def household_table(
    df: pd.DataFrame, file_stem: str, *, key: str, total_label: str, notes: Sequence[str] = ()
) -> pd.DataFrame:
    """Count line, then the rows this user may see (with an XLSX download carrying ``notes``); returns what
    was shown."""
    shown = visible_rows(df)
    st.markdown(t(f"**{total_label}:{fmt_int(len(df))}**", f"**{total_label}: {fmt_int(len(df))}**"))
    if len(shown) < len(df):
        st.caption(
            t(
                f"户级明细仅对县领导和本乡镇开放;已隐藏 {len(df) - len(shown)} 行。",
                f"Household rows are open to county leaders and the household's own township; "
                f"{len(df) - len(shown)} rows hidden.",
            )
        )
    frame = screen_frame(shown)
    if not shown.empty or df.empty:
        show_table(frame, file_stem, key=key, height=rows_height(len(frame)), notes=notes)
    return frame
