"""人居环境红黑榜 page (issue #6): the month's red/black lists, township ranking, where points are lost,
and the notice (通报) as Word and Excel.

Thin by design: every figure comes from lulong_data.metrics.environment (cached through components.cache);
the tables shown are the same frames the notice prints (lulong_data.notice), so screen and paper agree.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import environment_charts as charts
from components import kpi, safe, viewport
from components.auth import audited, require_page
from components.cache import compute
from components.chart import show_chart
from components.context import as_of, bundle, lang, t, township
from components.table import show_table
from lulong_data import geo, notice
from lulong_data.metrics import environment as env

MONTH_KEY = "env_month"
# Badges, not colour alone: the word and the icon carry the meaning; the tint only helps the eye.
RED_BADGE = ":orange-background[▲ {}]"
BLACK_BADGE = ":gray-background[▼ {}]"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SOURCE = "县农业农村局"  # 数据来源 of every chart on this page


def _labels() -> dict[str, str]:
    return {
        "red": t("红榜", "red list"),
        "black": t("黑榜", "black list"),
        "none": t("未检查", "not inspected"),
        "score": t("平均分", "mean score"),
        "rank": t("排名", "rank"),
        "township": t("乡镇", "township"),
        "list": t("榜单", "list"),
        "month": t("月份", "month"),
        "lost": t("平均失分", "mean points lost"),
        "scope": t("范围", "scope"),
        "item": t("评分项", "item"),
    }


def _pick_month(months: list[str]) -> str:
    options = list(reversed(months))  # latest first: the default is the latest month up to as_of
    if st.session_state.get(MONTH_KEY) not in options:
        st.session_state.pop(MONTH_KEY, None)  # the as-of date moved and the month is gone
    return st.selectbox(
        t("检查月份", "Inspection month"),
        options,
        format_func=lambda p: notice.period_label(p, lang()),
        key=MONTH_KEY,
        help=t(
            "默认为截至日期前最近一个有检查记录的月份。",
            "Default: the latest month with inspections up to the as-of date.",
        ),
    )


def _kpis(lists: env.MonthLists, talks: int, mean: float | None, period: str) -> None:
    cols = viewport.columns(5, min_px=170)
    with cols[0]:
        kpi.tile(t("受检村数", "Villages inspected"), f"{lists.villages_ranked}")
    with cols[1]:
        kpi.tile("▲ " + t("红榜村", "Red list"), f"{len(lists.red)}")
    with cols[2]:
        note = (
            t(f"其中一票否决 {lists.vetoes} 个", f"of which {lists.vetoes} vetoed") if lists.vetoes else None
        )
        kpi.tile("▼ " + t("黑榜村", "Black list"), f"{len(lists.black)}", note=note)
    with cols[3]:
        kpi.tile(t("需约谈村", "Formal talks"), f"{talks}")
    with cols[4]:
        kpi.tile(t("全县村平均分", "Mean village score"), "—" if mean is None else f"{mean:.2f}")


def _movement_table(mv: pd.DataFrame, name: str) -> pd.DataFrame:
    rows = mv[mv["list"] == name]

    def change(r) -> str:
        if r.status == "new":
            return t("新上榜", "new")
        if r.status == "off":
            return t("退出", "off the list")
        if r.change == 0:
            return t("名次不变", "unchanged")
        return f"↑{r.change}" if r.change > 0 else f"↓{-r.change}"

    return pd.DataFrame(
        {
            t("变化", "Change"): [change(r) for r in rows.itertuples()],
            t("村", "Village"): rows["village"],
            t("乡镇", "Township"): rows["township"],
            t("本月序号", "Position"): _dash(rows["position"]),
            t("上月序号", "Last month"): _dash(rows["previous_position"]),
        }
    )


def _fit(df: pd.DataFrame) -> int:
    """A table height that shows every row (lists are short; scrolling would hide the last ones)."""
    return 36 * (len(df) + 1) + 6


def _dash(values: pd.Series) -> list[str]:
    return ["—" if pd.isna(v) else str(v) for v in values]


def _lists(lists: env.MonthLists, period: str) -> None:
    tw = township()
    if tw:
        mine = compute(env.month_lists, as_of=as_of(), period=period, township=tw)
        st.caption(
            t(
                f"榜单为全县统一排名;本乡镇上红榜 {len(mine.red)} 个村、上黑榜 {len(mine.black)} 个村。",
                f"The lists rank the whole county; this township has {len(mine.red)} red and {len(mine.black)} black.",
            )
        )
    left, right = viewport.columns(2, min_px=420)
    with left:
        st.subheader(
            RED_BADGE.format(t(f"红榜({len(lists.red)}个村)", f"Red list ({len(lists.red)} villages)"))
        )
        show_table(
            notice.red_table(lists, lang()),
            f"red_list_{period}",
            key="env_red",
            height=_fit(lists.red),
            priority=_list_priority(),
        )
    with right:
        st.subheader(
            BLACK_BADGE.format(
                t(f"黑榜({len(lists.black)}个村)", f"Black list ({len(lists.black)} villages)")
            )
        )
        show_table(
            notice.black_table(lists, lang()),
            f"black_list_{period}",
            key="env_black",
            height=_fit(lists.black),
            priority=_list_priority(),
        )


def _list_priority() -> list[str]:
    # In half the page: which village, its score and why come first; the rest one click away.
    return [t("村", "Village"), t("得分", "Score"), t("主要原因", "Reason"), t("乡镇", "Township")]


def _movement(lists: env.MonthLists, period: str) -> None:
    st.subheader(t("与上月相比", "Against last month"))
    if lists.previous is None:
        st.info(t("没有更早的检查月份可比较。", "No earlier inspection month to compare with."))
        return
    st.caption(
        t(f"上一检查月:{notice.period_label(lists.previous)}", f"Previous list month: {lists.previous}")
    )
    mv = compute(env.movement, as_of=as_of(), period=period)
    left, right = viewport.columns(2, min_px=420)
    with left:
        st.markdown(RED_BADGE.format(t("红榜变化", "Red list changes")))
        red = _movement_table(mv, "red")
        show_table(red, f"red_movement_{period}", key="env_mv_red", download=False, height=_fit(red))
    with right:
        st.markdown(BLACK_BADGE.format(t("黑榜变化", "Black list changes")))
        black = _movement_table(mv, "black")
        show_table(black, f"black_movement_{period}", key="env_mv_black", download=False, height=_fit(black))


def _talks(talks: pd.DataFrame, period: str) -> None:
    n = bundle().rules.ranking.talk_after_months
    st.subheader(t("约谈", "Formal talks"))
    if talks.empty:
        st.success(t(f"本月无连续{n}个月上黑榜的村。", f"No village on the black list {n} months running."))
        return
    st.warning(
        t(
            f"{len(talks)} 个村连续{n}个检查月及以上上黑榜,应予约谈。",
            f"{len(talks)} villages on the black list {n} or more months running: formal talk.",
        ),
        icon=":material/warning:",
    )
    show_table(notice.talk_table(talks, lang()), f"talks_{period}", key="env_talks", height=_fit(talks))


def _townships(period: str) -> None:
    b = bundle()
    st.subheader(t("乡镇排名", "Township ranking"))
    ranking = compute(env.township_ranking, as_of=as_of(), period=period)
    unranked = ranking.loc[~ranking["inspected"], "township"].tolist()
    if unranked:
        st.info(
            t(
                f"{'、'.join(unranked)}本月无受检村,不参加排名。",
                f"{', '.join(unranked)}: no village inspected this month, not ranked.",
            )
        )
    left, right = viewport.columns([5, 6], min_px=380)
    with left:
        show_table(
            notice.township_table(ranking, lang()),
            f"township_ranking_{period}",
            key="env_townships",
            height=_fit(ranking),
        )
    with right:
        boundaries = b.geo.get("township_boundaries")
        if not boundaries:
            st.info(
                t(
                    "数据文件夹中没有乡镇边界,无法绘制地图。",
                    "No township boundaries in the data folder: no map.",
                )
            )
        else:
            schematic = geo.has_schematic(boundaries)
            caption = t(geo.SCHEMATIC_NOTICE_ZH, geo.SCHEMATIC_NOTICE_EN) if schematic else None
            chart = charts.township_map(
                boundaries,
                ranking,
                labels=_labels(),
                title=t(f"{notice.period_label(period)} 乡镇村平均分", f"Mean village score, {period}"),
                notice=caption,
            )
            # Schematic polygons: the export carries the notice and show_chart's caption repeats it.
            show_chart(
                chart,
                key="env_map",
                title=t(
                    f"{notice.period_label(period)} 乡镇村平均分", f"Mean village score by township, {period}"
                ),
                unit=t("分", "points"),
                source=SOURCE,
                schematic=schematic,
            )
    st.markdown(
        "**" + t("近12个检查月乡镇排名走势(1 = 第一名)", "Township rank, last 12 months (1 = best)") + "**"
    )
    history = compute(env.township_rank_history, as_of=as_of(), period=period, months=12)
    show_chart(
        charts.rank_trend(history, labels=_labels(), selected=township()),
        key="env_trend",
        title=t("近12个检查月乡镇排名走势", "Township rank, last 12 months"),
        unit=t("名次(1 = 第一名)", "rank (1 = best)"),
        source=SOURCE,
        width=None,
    )


def _why(period: str) -> None:
    st.subheader(t("失分在哪里", "Where points are lost"))
    st.caption(
        t(
            "失分 = 该项满分 − 得分,按受检村平均。",
            "Points lost = item maximum − score, averaged over the villages inspected.",
        )
    )
    month = compute(env.ranked_villages, as_of=as_of(), period=period)
    towns = dict(month[["township_code", "township"]].drop_duplicates().itertuples(index=False, name=None))
    codes = sorted(towns)
    default = codes.index(township()) if township() in codes else 0
    c1, c2 = st.columns(2)
    with c1:
        tw = st.selectbox(
            t("乡镇", "Township"), codes, index=default, format_func=towns.get, key="env_why_township"
        )
    in_town = month[month["township_code"] == tw].sort_values("rank")
    names = dict(in_town[["village_code", "village"]].itertuples(index=False, name=None))
    with c2:
        village = st.selectbox(
            t("村(可选)", "Village (optional)"),
            [None, *names],
            format_func=lambda c: t("— 全乡镇 —", "— whole township —") if c is None else names[c],
            key="env_why_village",
        )
    frames = {t("全县", "County"): compute(env.item_losses, as_of=as_of(), period=period)}
    frames[towns[tw]] = compute(env.item_losses, as_of=as_of(), period=period, township=tw)
    if village:
        frames[names[village]] = compute(env.item_losses, as_of=as_of(), period=period, village=village)
    show_chart(
        charts.losses_chart(frames, labels=_labels(), lang=lang()),
        key="env_losses",
        title=t(f"{notice.period_label(period)} 失分在哪里", f"Where points are lost, {period}"),
        unit=t("分(受检村平均失分)", "points lost (mean per village inspected)"),
        source=SOURCE,
    )
    if village:
        history = compute(env.village_history, as_of=as_of(), village=village)
        name = safe.text(names[village])
        st.markdown("**" + t(f"{name} 逐月得分", f"{name}: monthly score") + "**")
        show_chart(
            charts.village_history_chart(history, labels=_labels()),
            key="env_vhist",
            title=t(f"{names[village]} 逐月得分", f"{names[village]}: monthly score"),
            unit=t("分", "points"),
            source=SOURCE,
        )
        show_table(_history_table(history), f"village_history_{village}", key="env_vhist")


def _history_table(history: pd.DataFrame) -> pd.DataFrame:
    labels = _labels()
    out = pd.DataFrame({t("月份", "Month"): history["period"], t("总分", "Total"): history["total"]})
    for item in env.ITEMS:
        out[t(item.zh, item.en)] = history[item.column]
    out[t("全县排名", "County rank")] = history["rank"]
    out[t("榜单", "List")] = history["list"].map(lambda v: labels.get(v, "") if v else "")
    out[t("问题描述", "Note")] = history["note"]
    return out


def _exports(period: str) -> None:
    st.subheader(t("导出通报", "Export the notice"))
    st.caption(
        t(
            "通报为全县红黑榜(A4,仿宋),内容与本页表格一致。",
            "The notice (in Chinese, A4) carries the same tables as this page.",
        )
    )
    day, stem = as_of(), f"红黑榜通报_{period}"
    c1, c2 = st.columns(2)
    with c1:
        st.download_button(
            t("下载 Word 通报", "Download Word notice"),
            data=audited(lambda: notice.notice_docx(bundle(), as_of=day, period=period), f"{stem}.docx"),
            file_name=f"{stem}.docx",
            mime=DOCX_MIME,
            on_click="ignore",
            key="env_notice_docx",
        )
    with c2:
        st.download_button(
            t("下载 Excel 表格", "Download Excel"),
            data=audited(lambda: notice.notice_xlsx(bundle(), as_of=day, period=period), f"{stem}.xlsx"),
            file_name=f"{stem}.xlsx",
            mime=XLSX_MIME,
            on_click="ignore",
            key="env_notice_xlsx",
        )


def render() -> None:
    require_page("environment")  # re-checked here: a deep link or page switch bypasses the menu
    b = bundle()
    st.title(t("人居环境红黑榜", "Living-environment red/black list"))
    with st.expander(t("排名规则", "How the lists are made")):
        st.markdown(notice.rule_text(b.rules, lang()))
    months = compute(env.list_months, as_of=as_of())
    if not months:
        st.info(
            t("截至所选日期尚无人居环境检查记录。", "No living-environment inspection up to the chosen date.")
        )
        return
    period = _pick_month(months)
    lists = compute(env.month_lists, as_of=as_of(), period=period)
    talks = compute(env.talk_flags, as_of=as_of(), period=period)
    mean = compute(env.env_mean_score, as_of=as_of(), period=period).value
    _kpis(lists, len(talks), mean, period)
    _lists(lists, period)
    _movement(lists, period)
    _talks(talks, period)
    _townships(period)
    _why(period)
    _exports(period)


if __name__ == "__main__":
    st.switch_page("app.py", query_params=st.query_params.to_dict())  # keep ?township=…&as_of=…
