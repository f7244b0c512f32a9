"""就业帮扶 (issue #5): placements against the city's target, channels and places of work, public-welfare
posts, skills training, and the data office's reconciliation of the employment ledgers."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from components import kpi, theme
from components.auth import require_page
from components.cache import compute
from components.chart import show_chart
from components.context import as_of, can_see_households, t, township
from components.employment_charts import bullet_chart, cumulative_chart, simple_bars, year_bars
from components.help import definitions
from components.table import labelled, show_table
from lulong_data.formatting import RATE_DIGITS, fmt_count, fmt_delta, fmt_int, fmt_pct, fmt_rate
from lulong_data.metrics import employment as em
from lulong_data.metrics import reconciliation as rc

SOURCE = "县人社局"  # 数据来源 of every chart on this page
GROUP_LABELS = {
    "weak": ("弱劳动力或半劳动力", "weak or half labour"),
    "none": ("丧失劳动力/无劳动力", "lost or no labour"),
    "elderly": ("60岁及以上(其他劳动能力)", "aged 60+ (other abilities)"),
    "other": ("其他", "others"),
}


def _targets(year: int, d: dt.date, tw: str | None) -> None:
    st.subheader(t("目标任务与序时进度", "Target and pace"))
    by_t = compute(em.employment_by_township, as_of=d, year=year, township=tw)
    if by_t["target"].notna().any() or by_t["placed"].sum():
        show_chart(
            bullet_chart(by_t, year=year),
            key="emp_bullet",
            title=t(f"{year}年各乡镇就业目标完成情况", f"Placements against target by township, {year}"),
            unit=t("人", "persons"),
            source=SOURCE,
        )
        st.caption(
            t(
                "灰色宽条 = 目标任务;蓝色窄条 = 已就业人数;黑色竖线 = 截至当日的序时进度。"
                "条后文字:已就业 / 目标 · 完成率 · 距目标差额,√ 超序时进度 / × 落后序时进度。",
                "Grey wide bar = target; blue narrow bar = placed; black tick = pace to date. "
                "Text: placed / target · rate · still to go; √ ahead of pace / × behind pace.",
            )
        )
    target = compute(em.employment_target, as_of=d, year=year, township=tw)
    cum = compute(em.employment_cumulative, as_of=d, year=year, township=tw)
    show_chart(
        cumulative_chart(cum, year=year, target=target),
        key="emp_cumulative",
        title=t(f"{year}年累计就业人数与序时进度", f"Persons in work and pace, {year}"),
        unit=t("人", "persons"),
        source=SOURCE,
    )

    behind = compute(em.townships_behind_pace, as_of=d, year=year, township=tw)
    st.markdown(t("**落后序时进度的乡镇**", "**Townships behind pace**"))
    if behind.empty:
        ok = theme.STATUS["good"]["icon"]
        st.success(
            t(f"{ok} 没有乡镇落后于序时进度。", f"{ok} No township is behind pace."),
        )
    else:
        st.warning(
            t(
                f"{theme.STATUS['behind']['icon']} {len(behind)} 个乡镇落后于序时进度,合计差 "
                f"{fmt_int(behind['short'].sum())} 人。",
                f"{theme.STATUS['behind']['icon']} {len(behind)} townships behind pace, "
                f"{fmt_int(behind['short'].sum())} persons short in all.",
            )
        )
        show_table(
            labelled(
                behind,
                {
                    "township": ("乡镇", "Township"),
                    "placed": ("已就业(人)", "Placed"),
                    "target": ("目标任务(人)", "Target"),
                    "pace": ("序时进度(人)", "Pace to date"),
                    "short": ("落后(人)", "Short (persons)"),
                },
            ),
            f"employment_behind_pace_{year}",
            key="emp_behind",
            column_config={t("序时进度(人)", "Pace to date"): st.column_config.NumberColumn(format="%.0f")},
        )
    with st.expander(t("各乡镇明细表", "Table by township")):
        show_table(
            labelled(
                by_t,
                {
                    "township": ("乡镇", "Township"),
                    "placed": ("已就业(人)", "Placed"),
                    "target": ("目标任务(人)", "Target"),
                    "gap": ("距目标差(人)", "To target"),
                    "rate": ("完成率(%)", "Rate (%)"),
                    "pace": ("序时进度(人)", "Pace to date"),
                    "short": ("落后序时进度(人)", "Short of pace"),
                },
            ),
            f"employment_by_township_{year}",
            key="emp_by_township",
            column_config={
                t("完成率(%)", "Rate (%)"): st.column_config.NumberColumn(format=f"%.{RATE_DIGITS}f"),
                t("序时进度(人)", "Pace to date"): st.column_config.NumberColumn(format="%.0f"),
            },
        )
    definitions(
        "employment_placed",
        "employment_target",
        "employment_rate",
        "employment_pace",
        extra=(
            "序时进度:目标 × 截至日期是当年第几天 ÷ 当年天数(如 7月26日为第207天,207/365 = 56.7%)。"
            "市里只下达全年目标,没有分月计划,故按全年均匀推进衡量快慢;落后人数 = ⌈序时进度 − 已就业⌉。"
            "无乡镇目标的乡镇不判断快慢。",
            "Pace: target × day of the year of the as-of date ÷ days in the year (26 July is day 207: 56.7%). "
            "The city sets a yearly target only, so an even pace is the yardstick; short = ⌈pace − placed⌉. "
            "A township with no target of its own is not judged.",
        ),
    )


def _channels(year: int, d: dt.date, tw: str | None) -> None:
    st.subheader(t("就业渠道与务工地点", "Channels and places of work"))
    before = em.same_day_year_before(d)
    st.caption(
        t(
            f"与上年同期比较:{year}年截至 {d:%m月%d日} 对比 {year - 1}年截至 {before:%m月%d日}"
            "(上年同月同日;2月29日按2月28日)。一人多条记录只计一次,计入其当年第一条记录的渠道和地点。",
            f"Compared with the same date a year earlier: {year} to {d:%d %b} vs {year - 1} to {before:%d %b} "
            "(29 Feb → 28 Feb). A person with several rows counts once, in the channel and place of their "
            "first row of the year.",
        )
    )
    left, right = st.columns(2)
    for col, fn, key, title in (
        (
            left,
            em.employment_by_channel,
            "channel",
            (f"{year}年按就业渠道(人)", f"By channel, {year} (persons)"),
        ),
        (
            right,
            em.employment_by_location,
            "location",
            (f"{year}年按务工地点(人)", f"By place, {year} (persons)"),
        ),
    ):
        df = compute(fn, as_of=d, year=year, township=tw)
        key_title = t("就业渠道", "Channel") if key == "channel" else t("务工地点", "Place of work")
        with col:
            show_chart(
                year_bars(df, key, title=t(*title), year=year, key_title=key_title),
                key=f"emp_by_{key}",
                title=t(*title),
                unit=t("人", "persons"),
                source=SOURCE,
            )
            shown = df.assign(
                change=df["change"].map(fmt_delta), share=df["share"].map(lambda x: fmt_pct(x, 1))
            )
            show_table(
                labelled(
                    shown,
                    {
                        key: ("就业渠道", "Channel") if key == "channel" else ("务工地点", "Place of work"),
                        "persons": (f"{year}年(人)", f"{year}"),
                        "persons_prev": (f"{year - 1}年同期(人)", f"{year - 1} same date"),
                        "change": ("增减(人)", "Change"),
                        "share": ("占比", "Share"),
                    },
                ),
                f"employment_by_{key}_{year}",
                key=f"emp_{key}",
            )


def _posts(year: int, d: dt.date, tw: str | None) -> None:
    st.subheader(t("乡村公益性岗位", "Public-welfare posts"))
    persons = compute(em.welfare_post_persons, as_of=d, year=year, township=tw)
    prev = compute(em.welfare_post_persons, as_of=d, year=year - 1, township=tw)
    months = compute(em.welfare_post_months, as_of=d, year=year, township=tw)
    months_prev = compute(em.welfare_post_months, as_of=d, year=year - 1, township=tw)
    subsidy = compute(em.welfare_post_subsidy, as_of=d, year=year, township=tw)
    subsidy_prev = compute(em.welfare_post_subsidy, as_of=d, year=year - 1, township=tw)
    weak = compute(em.welfare_post_weak_share, as_of=d, year=year, township=tw)
    py = year - 1
    c = st.columns(4)
    with c[0]:
        kpi.tile(
            t(f"{year}年安置公益岗位", f"Persons on posts, {year}"),
            fmt_count(persons, t("人", "")),
            note=t(
                f"{py}年 {fmt_count(prev, '人')}({fmt_delta(persons - prev)}人)",
                f"{py}: {fmt_int(prev)}; change {fmt_delta(persons - prev)}",
            ),
        )
    with c[1]:
        kpi.tile(
            t("聘期(中位数)", "Term (median)"),
            t(f"{fmt_int(months)}个月", f"{fmt_int(months)} months"),
            note=t(f"{py}年 {fmt_int(months_prev)}个月", f"{py}: {fmt_int(months_prev)} months"),
        )
    with c[2]:
        kpi.tile(
            t("月补贴(中位数)", "Monthly subsidy (median)"),
            t(f"{fmt_int(subsidy)}元/人", f"{fmt_int(subsidy)} yuan"),
            note=t(f"{py}年 {fmt_int(subsidy_prev)}元/人", f"{py}: {fmt_int(subsidy_prev)} yuan"),
        )
    with c[3]:
        kpi.tile(
            t("弱半劳力、无劳力或60岁以上占比", "Weak/no labour or 60+"),
            fmt_pct(weak, 1),
            note=t("公益岗托底安置的对象", "the people posts exist for"),
        )
    st.caption(
        t(
            f"上一年度按全年计({py}年已完整),与发布会“相比{py}年增加”口径一致。",
            f"The year before is counted in full ({py} is complete), as in the published comparison.",
        )
    )
    left, right = st.columns(2)
    by_type = compute(em.welfare_posts_by_type, as_of=d, year=year, township=tw)
    with left:
        chart = year_bars(
            by_type,
            "post_type",
            title=t(f"按岗位类型:{year}年与{py}年(人)", f"By post type, {year} and {py} (persons)"),
            year=year,
            key_title=t("岗位类型", "Post type"),
            prev_label=t(f"{py}年全年", f"{py}, whole year"),
        )
        show_chart(
            chart,
            key="emp_posts_type",
            title=t(f"公益岗位按岗位类型:{year}年与{py}年", f"Welfare posts by type, {year} and {py}"),
            unit=t("人", "persons"),
            source=SOURCE,
        )
    holders = compute(em.welfare_post_holders, as_of=d, year=year, township=tw)
    with right:
        holders = holders.assign(group=[t(*GROUP_LABELS[g]) for g in holders["group"]])
        show_chart(
            simple_bars(
                holders,
                "group",
                "persons",
                title=t(
                    f"{year}年在岗人员劳动能力与年龄(人)", f"Post holders by labour ability and age, {year}"
                ),
                key_title=None,
                value_title=t("人数(人)", "persons"),
            ),
            key="emp_post_holders",
            title=t(
                f"{year}年公益岗位在岗人员劳动能力与年龄", f"Post holders by labour ability and age, {year}"
            ),
            unit=t("人", "persons"),
            source=SOURCE,
        )
        st.caption(
            t("每人只计一组;年龄 = 年度 − 出生年份。", "Each person in one group; age = year − birth year.")
        )
    by_tw = compute(em.welfare_posts_by_township, as_of=d, year=year, township=tw)
    show_table(
        labelled(
            by_tw.assign(change=by_tw["change"].map(fmt_delta)),
            {
                "township": ("乡镇(岗位所在村)", "Township (of the post's village)"),
                "persons": (f"{year}年(人)", f"{year}"),
                "persons_prev": (f"{py}年(人)", f"{py}"),
                "change": ("增减(人)", "Change"),
                "months": ("聘期中位数(月)", "Median term (months)"),
                "subsidy": ("月补贴中位数(元)", "Median subsidy (yuan)"),
            },
        ),
        f"welfare_posts_by_township_{year}",
        key="emp_posts_township",
    )
    definitions(
        "welfare_post_persons",
        "welfare_post_persons_change",
        "welfare_post_months",
        "welfare_post_subsidy",
        "welfare_post_weak_share",
    )


def _training(year: int, d: dt.date, tw: str | None) -> None:
    st.subheader(t("实用技术培训", "Skills training"))
    sessions = compute(em.training_sessions, as_of=d, year=year, township=tw)
    people = compute(em.training_participants, as_of=d, year=year, township=tw)
    c = st.columns(2)
    with c[0]:
        kpi.tile(t(f"{year}年培训期数", f"Sessions, {year}"), fmt_count(sessions, t("期", "")))
    with c[1]:
        kpi.tile(t(f"{year}年参训人数", f"Participants, {year}"), fmt_count(people, t("人", "")))
    by_year = compute(em.trainings_by_year, as_of=d, township=tw)
    left, right = st.columns(2)
    with left:
        if not by_year.empty:
            shown = by_year.assign(year=by_year["year"].astype(str) + t("年", ""))
            show_chart(
                simple_bars(
                    shown,
                    "year",
                    "participants",
                    title=t("历年参训人数(人)", "Participants by year (persons)"),
                    key_title=t("年度", "Year"),
                    value_title=t("参训人数(人)", "participants"),
                ),
                key="emp_train_by_year",
                title=t("实用技术培训历年参训人数", "Skills training participants by year"),
                unit=t("人", "persons"),
                source=SOURCE,
            )
            show_table(
                labelled(
                    by_year,
                    {
                        "year": ("年度", "Year"),
                        "sessions": ("期数", "Sessions"),
                        "participants": ("参训人数", "Participants"),
                    },
                ),
                "trainings_by_year",
                key="emp_train_year",
            )
    with right:
        by_tw = compute(em.trainings_by_township, as_of=d, year=year, township=tw)
        show_table(
            labelled(
                by_tw,
                {
                    "township": ("乡镇", "Township"),
                    "sessions": (f"{year}年期数", f"Sessions {year}"),
                    "participants": (f"{year}年参训人数", f"Participants {year}"),
                },
            ),
            f"trainings_by_township_{year}",
            key="emp_train_township",
        )
    with st.expander(t(f"{year}年培训清单", f"Sessions of {year}")):
        show_table(
            labelled(
                compute(em.training_list, as_of=d, year=year, township=tw),
                {
                    "started_on": ("开班日期", "Start"),
                    "title": ("培训名称", "Title"),
                    "township": ("乡镇", "Township"),
                    "participants": ("参训人数", "Participants"),
                },
            ),
            f"trainings_{year}",
            key="emp_train_list",
        )
    definitions("training_sessions", "training_participants")


RECON_COLUMNS = {
    "year": ("年度", "Year"),
    "job_id": ("岗位编号", "Post id"),
    "record_id": ("记录编号", "Record id"),
    "person_id": ("人编号", "Person id"),
    "household_id": ("户编号", "Household id"),
    "head_masked": ("户主", "Head"),
    "township": ("乡镇", "Township"),
    "village": ("村", "Village"),
    "post_type": ("岗位类型", "Post type"),
    "labour_ability": ("劳动能力", "Labour ability"),
    "location": ("务工地点", "Place"),
    "rows": ("记录条数", "Rows"),
    "channels": ("就业渠道", "Channels"),
    "record_ids": ("记录编号", "Record ids"),
    "started_on": ("日期", "Date"),
}


def _reconciliation(year: int, d: dt.date, tw: str | None) -> None:
    st.subheader(t("台账核对(数据办公室)", "Ledger reconciliation (data office)"))
    st.caption(
        t(
            "以下为数据质量提示,不影响上面数字的计算;请县人社局据此核实更正台账。",
            "Data-quality findings: the figures above are still computed; 县人社局 should check these rows.",
        )
    )
    summary = compute(rc.summary, as_of=d, year=year, township=tw)
    cols = st.columns(len(summary))
    for col, row in zip(cols, summary.itertuples(index=False), strict=True):
        with col:
            n = int(row.findings)
            cue = theme.STATUS["good" if n == 0 else "watch"]
            kpi.tile(
                t(row.title_zh, row.title_en), f"{cue['icon']} {fmt_int(n)}", note=t(cue["zh"], cue["en"])
            )
    see = can_see_households(tw)
    for row in summary.itertuples(index=False):
        label = t(f"{row.title_zh}({row.findings})", f"{row.title_en} ({row.findings})")
        with st.expander(label, expanded=False):
            st.caption(t(row.action_zh, row.action_en))
            if not see:
                st.info(t("本角色不显示到户明细。", "Household rows are not shown to this role."))
                continue
            df = compute(rc.FUNCTIONS[row.check], as_of=d, year=year, township=tw)
            show_table(
                labelled(df, {k: v for k, v in RECON_COLUMNS.items() if k in df.columns}),
                f"reconciliation_{row.check}_{year}",
                key=f"emp_recon_{row.check}",
            )


def render() -> None:
    require_page("employment")  # re-checked here: a deep link or page switch bypasses the menu
    st.title(t("就业帮扶", "Employment assistance"))
    d, tw = as_of(), township()
    years = compute(em.employment_years, as_of=d)
    with st.columns([1, 4])[0]:
        year = st.selectbox(t("年度", "Year"), years, index=0, key="employment_year")
    if year != d.year:
        st.caption(
            t(
                f"{year}年截至 {min(d, dt.date(year, 12, 31)):%Y-%m-%d} 的数字。",
                f"Figures of {year} as of {min(d, dt.date(year, 12, 31)):%Y-%m-%d}.",
            )
        )

    placed = compute(em.employment_placed, as_of=d, year=year, township=tw)
    week = compute(em.employment_placed, as_of=d - dt.timedelta(days=7), year=year, township=tw)
    target = compute(em.employment_target, as_of=d, year=year, township=tw)
    rate = compute(em.employment_rate, as_of=d, year=year, township=tw)
    pace = compute(em.employment_pace, as_of=d, year=year, township=tw)
    c = st.columns(4)
    with c[0]:
        kpi.tile(
            t("脱贫劳动力就业", "Persons in work"),
            fmt_count(placed, t("人", "")),
            placed - week,
            better="up",
        )
    with c[1]:
        kpi.tile(
            t("市下目标任务", "City's target"),
            fmt_count(target, t("人", "")) if target is not None else t("未下达", "none set"),
        )
    with c[2]:
        done = rate is not None and rate >= 100
        cue = theme.STATUS["good" if done else "watch"]
        kpi.tile(
            t("目标完成率", "Target reached"),
            fmt_rate(rate),
            note=f"{cue['icon']} "
            + (t("已完成全年目标", "yearly target met") if done else t("未完成", "not yet met")),
        )
    with c[3]:
        if pace is None:
            kpi.tile(t("序时进度", "Pace to date"), "—", note=t("无目标,不判断", "no target"))
        else:
            ahead = placed >= pace
            cue = theme.STATUS["good" if ahead else "behind"]
            diff = placed - pace
            kpi.tile(
                t("序时进度", "Pace to date"),
                fmt_count(pace, t("人", "")),
                note=f"{cue['icon']} "
                + (
                    t(f"超出 {fmt_int(diff)} 人", f"{fmt_int(diff)} ahead")
                    if ahead
                    else t(f"落后 {fmt_int(-diff)} 人", f"{fmt_int(-diff)} behind")
                ),
            )

    tabs = st.tabs(
        [
            t("目标进度", "Target"),
            t("渠道与地点", "Channels"),
            t("公益岗位", "Welfare posts"),
            t("技能培训", "Training"),
            t("台账核对", "Reconciliation"),
        ]
    )
    with tabs[0]:
        _targets(year, d, tw)
    with tabs[1]:
        _channels(year, d, tw)
    with tabs[2]:
        _posts(year, d, tw)
    with tabs[3]:
        _training(year, d, tw)
    with tabs[4]:
        _reconciliation(year, d, tw)


if __name__ == "__main__":
    st.switch_page("app.py", query_params=st.query_params.to_dict())  # keep ?township=…&as_of=…
