"""新闻发布: the press office's kit — figures with 口径, a draft text to edit, the consistency checks,
charts for print and the whole briefing as Word.

Aggregates only: county and township figures. No village list and no household row is shown or exported
here (the press role never sees them), whatever the sidebar's township says.
"""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd
import streamlit as st

from components import theme
from components.auth import audited, require_page
from components.cache import compute
from components.chart import Prepared, cached, show_chart
from components.context import as_of, bundle, lang, t
from components.streamlit_css import placeholder
from components.table import show_table
from lulong_data import briefing, images
from lulong_data.briefing_doc import Picture, briefing_docx
from lulong_data.metrics.published import DIFFERS, MATCH, check_published


def render() -> None:
    require_page("press")  # re-checked here: a deep link or page switch bypasses the menu
    day = as_of()
    st.title(t("新闻发布", "Press office"))
    st.caption(
        t(
            f"所有数字按 {day.isoformat()} 计算,取自口径登记表;本页只含全县和乡镇汇总,不含农户明细。",
            f"Every figure is computed as of {day.isoformat()} from the metric registry; county and township "
            "totals only, no household rows.",
        )
    )
    d = compute(briefing.draft, as_of=day)
    texts_tab, figures_tab, published_tab, charts_tab = st.tabs(
        [
            t("稿件与核对", "Draft and check"),
            t("数据口径", "Figures"),
            t("已发布数字核对", "Published figures"),
            t("图表", "Charts"),
        ]
    )
    with texts_tab:
        texts = _editor(d)
        _text_check(d, texts)
    with figures_tab:
        _figures(d)
    with published_tab:
        _published()
    with charts_tab:
        charts = _charts(day)
    st.divider()
    _word(d, texts, charts)


# --- draft text ---------------------------------------------------------------------------------------
def _key(d: briefing.Draft, theme_key: str) -> str:
    # The date is part of the key: another as-of date is another draft, not an edit of this one.
    return f"press_text_{d.as_of.isoformat()}_{theme_key}"


def _editor(d: briefing.Draft) -> list[str]:
    st.subheader(t("新闻稿草稿", "Draft text"))
    st.caption(
        t(
            "数字由系统按口径自动填入;可在下方修改文字,改动后的数字会在下面核对。",
            "Numbers are filled in from the registry; edit the wording below and the numbers are re-checked.",
        )
    )
    if st.button(t("恢复原稿", "Reset to the generated text"), key="press_reset"):
        for p in d.paragraphs:
            st.session_state.pop(_key(d, p.theme), None)
    texts = []
    for p in d.paragraphs:
        label = t(p.title_zh, p.title_en)
        if p.omitted:
            label += t(
                f"(缺数据,省略{len(p.omitted)}句)", f" ({len(p.omitted)} sentence(s) left out: no data)"
            )
        texts.append(st.text_area(label, value=p.text, height=150, key=_key(d, p.theme)))
    return texts


def _status_text(status: str) -> str:
    return t(*briefing.CHECK_LABELS[status])


def _text_check(d: briefing.Draft, texts: list[str]) -> None:
    st.subheader(t("文稿数字核对", "Numbers in the text"))
    check = briefing.check_draft(bundle(), d, texts)
    bad = check[check["status"].isin(["edited", "published", "untracked"])]
    if bad.empty:
        st.success(
            t(
                "文中每个数字都与数据和已发布口径一致。",
                "Every number in the text matches the data and what was published.",
            ),
            icon="✅",
        )
    else:
        st.warning(t(f"{len(bad)} 个数字需要核实。", f"{len(bad)} numbers need a look."), icon="⚠️")
    table = pd.DataFrame(
        {
            t("段落", "Paragraph"): check["theme"],
            t("指标", "Figure"): [briefing.spec_title(s, lang()) if s else "" for s in check["spec"]],
            t("文中数字", "In the text"): check["in_text"].fillna(""),
            t("数据", "Data"): check["computed"],
            t("已发布", "Published"): check["published"],
            t("状态", "Status"): check["status"].map(_status_text),
            t("说明", "Note"): check["note"],
        }
    )
    show_table(table, t("文稿数字核对", "text_check"), key="press_text_check")


# --- figures with their 口径 ------------------------------------------------------------------------------
def _figures(d: briefing.Draft) -> None:
    st.subheader(t("稿件数字及口径", "Figures of the draft and their definitions"))
    table = briefing.figures_table(bundle(), d, lang())
    show_table(table, t("数据口径", "figures"), key="press_figures")


# --- published figures --------------------------------------------------------------------------------
def _published() -> None:
    st.subheader(t("已发布数字与当前数据核对", "Published figures against the data"))
    df = compute(check_published)
    if df.empty:
        st.info(
            t("数据文件夹中没有已发布口径表(published_figures)。", "The folder has no published_figures.")
        )
        return
    n_match, n_diff = int((df["status"] == MATCH).sum()), int((df["status"] == DIFFERS).sum())
    n_other = len(df) - n_match - n_diff
    a, b_, c = st.columns(3)
    a.metric(t("✅ 一致", "✅ match"), n_match)
    b_.metric(t("⚠️ 不一致", "⚠️ differ"), n_diff)
    c.metric(t("❔ 无法计算", "❔ not computable"), n_other)
    table = pd.DataFrame(
        {
            t("编号", "ID"): df["figure_id"],
            t("发布表述", "Published wording"): df["statement"],
            t("发布数值", "Published"): df["value"],
            t("单位", "Unit"): df["unit"],
            t("截至", "As of"): df["as_of"].astype(str),
            t("当前计算", "Computed"): df["computed"],
            t("状态", "Status"): [briefing.published_label(r, lang()) for r in df.to_dict("records")],
            t("出处", "Source"): df["source"],
            t("对应指标", "Metric"): df["metric"],
        }
    )
    show_table(table, t("已发布数字核对", "published_check"), key="press_published")


# --- charts ------------------------------------------------------------------------------------------
@cached
def _bars(df: pd.DataFrame, y: str, fields: dict[str, str], *, y_title: str, colors: list[str]) -> alt.Chart:
    """Grouped horizontal bars: one row per ``y``, one bar per field (labels carry the numbers)."""
    long = df.melt(id_vars=[y], value_vars=list(fields), var_name="key", value_name="value")
    long["series"] = long["key"].map(fields)
    order = list(df[y])
    base = alt.Chart(long).encode(
        y=alt.Y(f"{y}:N", sort=order, title=y_title),
        yOffset=alt.YOffset("series:N", sort=list(fields.values())),
        x=alt.X("value:Q", title=None),
    )
    bars = base.mark_bar().encode(
        color=alt.Color(
            "series:N",
            sort=list(fields.values()),
            scale=alt.Scale(range=colors),
            legend=alt.Legend(title=None, orient="top"),
        ),
        tooltip=[
            alt.Tooltip(f"{y}:N"),
            alt.Tooltip("series:N", title=""),
            alt.Tooltip("value:Q", format=","),
        ],
    )
    labels = base.mark_text(align="left", dx=3, fontSize=12).encode(text=alt.Text("value:Q", format=","))
    return alt.layer(bars, labels).properties(height=max(220, 46 * len(order)))


def _charts(day: dt.date) -> list[tuple[str, Prepared, str, str]]:
    """Draw the charts; return (title, chart, unit, source) for the Word briefing."""
    out: list[tuple[str, Prepared, str, str]] = []

    emp = compute(briefing.employment_by_township, as_of=day)
    if not emp.empty:
        title = t(
            f"{day.year}年各乡镇脱贫劳动力就业人数与目标任务",
            f"Employment and target by township, {day.year}",
        )
        chart = _bars(
            emp,
            "township",
            {"placed": t("已就业", "placed"), "target": t("目标任务", "target")},
            y_title=None,
            colors=[theme.BLUE, theme.GREY],
        )
        out.append((title, chart, t("人", "persons"), t("县人社局", "County HR bureau")))

    mon = compute(briefing.monitoring_by_category, as_of=day)
    if not mon.empty:
        title = t("防返贫监测对象(按类别)", "Monitoring households by category")
        chart = _bars(
            mon,
            "category",
            {
                "monitored_households": t("监测帮扶中", "monitored"),
                "eliminated_households": t("风险已消除", "eliminated"),
            },
            y_title=None,
            colors=[theme.ORANGE, theme.GREEN],
        )
        out.append((title, chart, t("户", "households"), t("县防贫中心", "County poverty-prevention centre")))

    period, env = compute(briefing.env_lists_by_township, as_of=day)
    if period is not None:
        title = t(f"{period} 人居环境红黑榜村数(按乡镇)", f"Red/black-list villages by township, {period}")
        chart = _bars(
            env,
            "township",
            {"red": t("红榜", "red list"), "black": t("黑榜", "black list")},
            y_title=None,
            colors=[theme.VERMILLION, "#000000"],
        )
        out.append((title, chart, t("个村", "villages"), t("县农业农村局", "County agriculture bureau")))

    for i, (title, chart, unit, source) in enumerate(out):
        st.subheader(title)
        show_chart(chart, key=f"press_chart_{i}", title=title, unit=unit, source=source)
    if not out:
        st.info(t("暂无可绘制的数据", "Nothing to chart"))
    return out


# --- Word -----------------------------------------------------------------------------------------------
def _word(d: briefing.Draft, texts: list[str], charts: list[tuple[str, Prepared, str, str]]) -> None:
    st.subheader(t("下载新闻稿(Word)", "Briefing as Word"))
    titles = [c[0] for c in charts]
    chosen = st.multiselect(
        t("附图", "Charts to include"),
        titles,
        default=titles,
        placeholder=placeholder(),
        key="press_word_charts",
    )
    if not images.cjk_font_available():
        st.warning(
            t(
                "服务器未安装中文字体,Word 中的图片无法显示汉字。",
                "No Chinese font: pictures would show boxes.",
            )
        )
    day = d.as_of

    def build() -> bytes:
        pictures = [
            Picture(title, images.chart_image(chart.chart, title=title, unit=unit, source=source, as_of=day))
            for title, chart, unit, source in charts
            if title in chosen
        ]
        figures = briefing.figures_table(bundle(), d, "zh").drop(columns=["指标代码", "更新频次"])
        return briefing_docx(
            title=briefing.title(bundle()),
            as_of=day,
            paragraphs=[(p.title_zh, text) for p, text in zip(d.paragraphs, texts, strict=True)],
            figures=figures,
            pictures=pictures,
            prepared_by=str(bundle().manifest.get("prepared_by", "")),
        )

    st.download_button(
        t("下载 Word 新闻稿", "Download the Word briefing"),
        data=audited(build, f"新闻稿_{day.isoformat()}.docx"),
        file_name=f"新闻稿_{day.isoformat()}.docx",
        mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        on_click="ignore",
        type="primary",
        key="press_word",
    )


if __name__ == "__main__":
    st.switch_page("app.py", query_params=st.query_params.to_dict())  # keep ?township=…&as_of=…
