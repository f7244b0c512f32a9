"""County-level indicators (no ledger behind them) and the published figures the sample must reproduce.

``published_figures`` lists every figure of docs/published-figures.md (P01–P30) and one row per extra
indicator figure (P31–P43). Before returning, :func:`check_figures` recomputes P01–P30 from the frames
of this run by the definitions of that page and stops the generator if any figure does not match, so a
wrong sample is never written.
"""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd

from lulong_data.contract import DATASETS

SOURCE = "卢龙专场新闻发布会 2022-07-27"

# (figure_id, published wording, value, unit, metric) — docs/published-figures.md, verbatim.
FIGURES = (
    ("P01", "卢龙县下辖12乡镇", 12, "个", "township_count"),
    ("P02", "548个行政村", 548, "个", "village_count"),
    ("P03", "户籍人口40.8万人", 40.8, "万人", "registered_population"),
    ("P04", "现有脱贫人口5494户", 5494, "户", "poverty_households"),
    ("P05", "脱贫人口9236人", 9236, "人", "poverty_persons"),
    ("P06", "全县脱贫劳动力实现就业4019人", 4019, "人", "employment_placed:year=2022"),
    ("P07", "完成市下目标任务3946人", 3946, "人", "employment_target:year=2022"),
    ("P08", "完成市下目标任务的102%", 102, "%", "employment_rate:year=2022"),
    ("P09", "今年安置公益岗位2434人", 2434, "人", "welfare_post_persons:year=2022"),
    ("P10", "相比2021年增加了207人", 207, "人", "welfare_post_persons_change:year=2022"),
    ("P11", "2021年公益岗位2227人 (2434−207)", 2227, "人", "welfare_post_persons:year=2021"),
    ("P12", "公益岗签订期限今年10个月", 10, "个月", "welfare_post_months:year=2022"),
    ("P13", "2021年的9个月", 9, "个月", "welfare_post_months:year=2021"),
    ("P14", "月补贴今年650元/人", 650, "元/人·月", "welfare_post_subsidy:year=2022"),
    ("P15", "月补贴2021年600元/人", 600, "元/人·月", "welfare_post_subsidy:year=2021"),
    ("P16", "今年已开展12期实用技术培训", 12, "期", "training_sessions:year=2022"),
    ("P17", "645人实用技术培训", 645, "人", "training_participants:year=2022"),
    (
        "P18",
        "今年以来全县新增农村低保对象183人",
        183,
        "人",
        "assistance_new_persons:scheme=农村低保,year=2022",
    ),
    ("P19", "新增特困人员61人", 61, "人", "assistance_new_persons:scheme=特困供养,year=2022"),
    ("P20", "不再符合低保条件的脱贫户940户给予渐退期", 940, "户", "phaseout_flow_households:year=2022"),
    ("P21", "渐退期1721人", 1721, "人", "phaseout_flow_persons:year=2022"),
    ("P22", "全县农村低保覆盖率达到了3.1%", 3.1, "%", "dibao_coverage"),
    ("P23", "脱贫人口中农村低保和特困供养人员占73%", 73, "%", "poverty_assistance_share"),
    ("P24", "为6572名低收入家庭学生发放资助", 6572, "人", "student_aid_students:year=2022"),
    ("P25", "发放资助资金583.86万元", 583.86, "万元", "student_aid_amount:year=2022"),
    ("P26", "将37项政策制成“菜单”", 37, "项", "policy_menu_items"),
    ("P27", "组建家庭医生签约团队458个", 458, "个", "indicator:name=家庭医生签约团队数"),
    ("P28", "城乡居民医保参保率96.8%", 96.8, "%", "indicator:name=城乡居民医保参保率"),
    ("P29", "养老保险覆盖率99.5%", 99.5, "%", "indicator:name=养老保险覆盖率"),
    ("P30", "2022年安排衔接资金2700万元", 2700, "万元", "indicator:name=县本级衔接资金,period=2022"),
    # Extra figures of the press conference with no ledger behind them (end of published-figures.md).
    ("P31", "资产收益每人每年收入1016元", 1016, "元", "indicator:name=资产收益人均年收入"),
    ("P32", "公益性岗位提标扩面,人均增收1100元", 1100, "元", "indicator:name=公益岗人均增收"),
    ("P33", "全县4000余名干部作为帮扶责任人", 4000, "人", "indicator:name=帮扶责任人"),
    ("P34", "组建5个科技特派专家团", 5, "个", "indicator:name=科技特派专家团"),
    ("P35", "现有省级科技特派员11人", 11, "人", "indicator:name=省级科技特派员"),
    ("P36", "县级科技特派员52人", 52, "人", "indicator:name=县级科技特派员"),
    ("P37", "整合涉农资金1.5亿元", 15000, "万元", "indicator:name=整合涉农资金,period=2022"),
    ("P38", "在全县12个乡镇建立防贫工作站", 12, "个", "indicator:name=防贫工作站"),
    ("P39", "深入各乡镇开展宣讲15次", 15, "次", "indicator:name=巡回宣讲"),
    ("P40", "培训5106人次", 5106, "人次", "indicator:name=培训人次"),
    ("P41", "全县农村幼儿园覆盖率达到100%", 100, "%", "indicator:name=农村幼儿园覆盖率"),
    ("P42", "全县12个乡镇卫生院,全部实现了标准化建设", 12, "个", "indicator:name=乡镇卫生院"),
    ("P43", "548个村卫生室,全部实现了标准化建设", 548, "个", "indicator:name=村卫生室"),
)

# County-level indicators: (name, unit, department, [(period, value), ...]). The published value is the
# latest period <= as_of (or the period the figure names); earlier periods give the trend.
INDICATORS = (
    ("家庭医生签约团队数", "个", "卢龙县卫生健康局", [("2021-12-31", 452), ("2022-06-30", 458)]),
    ("城乡居民医保参保率", "%", "卢龙县医疗保障局", [("2021-12-31", 96.5), ("2022-06-30", 96.8)]),
    ("养老保险覆盖率", "%", "卢龙县人力资源和社会保障局", [("2021-12-31", 99.3), ("2022-06-30", 99.5)]),
    ("县本级衔接资金", "万元", "卢龙县财政局", [("2021", 2200), ("2022", 2700)]),
    ("资产收益人均年收入", "元", "卢龙县农业农村局", [("2021-12-31", 960), ("2022-06-30", 1016)]),
    ("公益岗人均增收", "元", "卢龙县人力资源和社会保障局", [("2022-06-30", 1100)]),
    ("帮扶责任人", "人", "卢龙县防贫中心", [("2021-12-31", 3960), ("2022-06-30", 4000)]),
    ("科技特派专家团", "个", "卢龙县科技局", [("2021-12-31", 4), ("2022-06-30", 5)]),
    ("省级科技特派员", "人", "卢龙县科技局", [("2021-12-31", 9), ("2022-06-30", 11)]),
    ("县级科技特派员", "人", "卢龙县科技局", [("2021-12-31", 46), ("2022-06-30", 52)]),
    ("整合涉农资金", "万元", "卢龙县财政局", [("2021", 13800), ("2022", 15000)]),
    ("防贫工作站", "个", "卢龙县防贫中心", [("2021-12-31", 12), ("2022-06-30", 12)]),
    ("巡回宣讲", "次", "卢龙县防贫中心", [("2022-07-20", 15)]),
    ("培训人次", "人次", "卢龙县防贫中心", [("2022-07-20", 5106)]),
    ("农村幼儿园覆盖率", "%", "卢龙县教育局", [("2021-12-31", 100), ("2022-06-30", 100)]),
    ("乡镇卫生院", "个", "卢龙县卫生健康局", [("2021-12-31", 12), ("2022-06-30", 12)]),
    ("村卫生室", "个", "卢龙县卫生健康局", [("2021-12-31", 548), ("2022-06-30", 548)]),
)
# Indicators also given per township (their township rows sum to the county row of the same period).
TOWNSHIP_PERIOD = "2022-06-30"


def make(ctx, frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    rng = ctx.rng("figures")
    indicators = make_indicators(rng, frames)
    published = pd.DataFrame(
        [
            (fid, text, float(value), unit, ctx.as_of, SOURCE, metric)
            for fid, text, value, unit, metric in FIGURES
        ],
        columns=[c.name for c in DATASETS["published_figures"].columns],
    )
    frames = {**frames, "indicators": indicators, "published_figures": published}
    check_figures(frames, ctx.as_of)
    return {"indicators": indicators, "published_figures": published}


def make_indicators(rng, frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    rows = []
    for name, unit, department, values in INDICATORS:
        rows += [(name, period, None, float(v), unit, department) for period, v in values]

    townships = frames["townships"].sort_values("township_code")
    villages = frames["villages"]
    committees = villages[villages["kind"] == "村委会"].groupby("township_code").size()
    codes = townships["township_code"].tolist()
    # One 卫生院 and one 防贫工作站 per township; one 村卫生室 per village committee.
    for code in codes:
        rows.append(("乡镇卫生院", TOWNSHIP_PERIOD, code, 1.0, "个", "卢龙县卫生健康局"))
        rows.append(("防贫工作站", TOWNSHIP_PERIOD, code, 1.0, "个", "卢龙县防贫中心"))
        rows.append(
            ("村卫生室", TOWNSHIP_PERIOD, code, float(committees.get(code, 0)), "个", "卢龙县卫生健康局")
        )
    # Family-doctor teams: about one per village clinic plus the township hospital's own, summing to 458.
    weights = np.array([committees.get(c, 0) for c in codes], dtype=float) * rng.uniform(
        0.75, 0.9, len(codes)
    )
    teams = _largest_remainder(458 - len(codes), weights) + 1
    rows += [
        ("家庭医生签约团队数", TOWNSHIP_PERIOD, c, float(t), "个", "卢龙县卫生健康局")
        for c, t in zip(codes, teams, strict=True)
    ]
    # county_code (multi-county extension) stays out of the single-county sample
    return pd.DataFrame(
        rows, columns=[c.name for c in DATASETS["indicators"].columns if c.name != "county_code"]
    )


def _largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    exact = total * weights / weights.sum()
    base = np.floor(exact).astype(np.int64)
    order = np.argsort(-(exact - base), kind="stable")
    base[order[: total - int(base.sum())]] += 1
    return base


# ---------------------------------------------------------------- recompute the figures


def _dates(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s, errors="coerce")


def _missing(s: pd.Series) -> pd.Series:
    return s.isna() | (s.astype(str).str.strip() == "")


def _params(metric: str) -> tuple[str, dict[str, str]]:
    name, _, rest = metric.partition(":")
    params = dict(kv.split("=", 1) for kv in rest.split(",")) if rest else {}
    return name, params


def compute(frames: dict[str, pd.DataFrame], metric: str, as_of: date) -> float:
    """One figure of docs/published-figures.md computed from the frames, by its written definition."""
    name, p = _params(metric)
    day = pd.Timestamp(as_of)
    year = int(p["year"]) if "year" in p else None
    hh = frames.get("households")
    if name == "township_count":
        return len(frames["townships"])
    if name == "village_count":
        return int((frames["villages"]["kind"] == "村委会").sum())
    if name == "registered_population":
        pop = frames["population"]
        county = pop[_missing(pop["township_code"]) & (pop["basis"] == "户籍") & (pop["scope"] == "总人口")]
        return float(county.loc[county["year"] == day.year, "persons"].iloc[0]) / 10000
    if name == "poverty_households":
        return int((hh["household_type"] == "脱贫户").sum())
    if name == "poverty_persons":
        return int(hh.loc[hh["household_type"] == "脱贫户", "persons"].sum())
    if name == "employment_placed":
        # persons of 脱贫户 and of monitoring objects (a case approved by the day, or by 31 December of a year
        # that is over) in work in the year: a row of the year, or a row without a year that started by
        # 31 December and had not ended by 1 January
        day = min(day, pd.Timestamp(year, 12, 31))
        e, mc = frames["employment"], frames["monitoring_cases"]
        started, ended = _dates(e["started_on"]), _dates(e["ended_on"])
        overlaps = (started <= pd.Timestamp(year, 12, 31)) & (
            ended.isna() | (ended >= pd.Timestamp(year, 1, 1))
        )
        in_year = (e["year"] == year).fillna(False).astype(bool) | (e["year"].isna() & overlaps)
        objects = set(mc.loc[_dates(mc["approved_on"]) <= day, "household_id"])
        roll = set(hh.loc[hh["household_type"] == "脱贫户", "household_id"]) | objects
        people = frames["persons"].loc[frames["persons"]["household_id"].isin(roll), "person_id"]
        sel = in_year & (started <= day) & e["person_id"].isin(people)
        return e.loc[sel, "person_id"].nunique()
    if name == "employment_target":
        t = frames["employment_targets"]
        t = t[t["year"] == year]
        county = t[_missing(t["township_code"])]
        return int(county["target"].iloc[0]) if len(county) else int(t["target"].sum())
    if name == "employment_rate":
        return (
            compute(frames, metric.replace("employment_rate", "employment_placed"), as_of)
            / compute(frames, metric.replace("employment_rate", "employment_target"), as_of)
            * 100
        )
    if name == "welfare_post_persons":
        w = frames["welfare_jobs"]
        return w.loc[(w["year"] == year) & (_dates(w["started_on"]) <= day), "person_id"].nunique()
    if name == "welfare_post_persons_change":
        this = compute(frames, f"welfare_post_persons:year={year}", as_of)
        return this - compute(frames, f"welfare_post_persons:year={year - 1}", as_of)
    if name in ("welfare_post_months", "welfare_post_subsidy"):
        w = frames["welfare_jobs"]
        col = "months" if name == "welfare_post_months" else "monthly_subsidy"
        return float(w.loc[w["year"] == year, col].median())
    if name in ("training_sessions", "training_participants"):
        t = frames["trainings"]
        t = t[(t["year"] == year) & (_dates(t["started_on"]) <= day)]
        return len(t) if name == "training_sessions" else int(t["participants"].sum())
    if name in (
        "assistance_new_persons",
        "phaseout_flow_households",
        "phaseout_flow_persons",
        "dibao_coverage",
        "poverty_assistance_share",
    ):
        return _assistance(frames, name, p, day)
    if name == "student_aid_students":
        s = frames["student_aid"]
        s = s[s["year"] == year]
        return s["student_id"].nunique() if "student_id" in s else len(s)
    if name == "student_aid_amount":
        s = frames["student_aid"]
        return round(float(s.loc[s["year"] == year, "amount"].sum()), 2) / 10000
    if name == "policy_menu_items":
        return len(frames["policy_menu"])
    if name == "indicator":
        ind = frames["indicators"]
        ind = ind[(ind["indicator"] == p["name"]) & _missing(ind["township_code"])]
        if "period" in p:
            return float(ind.loc[ind["period"] == p["period"], "value"].iloc[0])
        periods = _dates(ind["period"].where(ind["period"].str.len() > 4, ind["period"] + "-12-31"))
        ind = ind[periods <= day].assign(_p=periods[periods <= day]).sort_values("_p")
        return float(ind["value"].iloc[-1])
    raise KeyError(metric)


def _assistance(frames: dict[str, pd.DataFrame], name: str, p: dict[str, str], day: pd.Timestamp) -> float:
    sa = frames["social_assistance"]
    hh = frames["households"]
    started, ended = _dates(sa["started_on"]), _dates(sa["ended_on"])
    active = (started <= day) & (ended.isna() | (ended > day))
    poor = sa["household_id"].isin(hh.loc[hh["household_type"] == "脱贫户", "household_id"])
    dibao = sa["scheme"] == "农村低保"
    if name == "assistance_new_persons":
        year = int(p["year"])
        sel = (sa["scheme"] == p["scheme"]) & (started.dt.year == year) & (started <= day)
        return int(sa.loc[sel, "persons"].sum())
    if name in ("phaseout_flow_households", "phaseout_flow_persons"):
        # 脱贫户 whose 低保 phase-out began in the year, by the day (households that stopped qualifying)
        began = _dates(sa["phaseout_from"])
        year = int(p["year"])
        sel = dibao & poor & (began >= pd.Timestamp(year, 1, 1)) & (began <= day)
        return (
            sa.loc[sel, "household_id"].nunique()
            if name == "phaseout_flow_households"
            else int(sa.loc[sel, "persons"].sum())
        )
    if name == "dibao_coverage":
        return sa.loc[dibao & active, "persons"].sum() / frames["townships"]["rural_population"].sum() * 100
    poor_persons = hh.loc[hh["household_type"] == "脱贫户", "persons"].sum()
    return sa.loc[active & poor, "persons"].sum() / poor_persons * 100


def _decimals(value: float) -> int:
    text = repr(float(value))
    return 0 if text.endswith(".0") else len(text.split(".")[1])


def check_figures(frames: dict[str, pd.DataFrame], as_of: date) -> dict[str, float]:
    """Recompute every published figure whose datasets are present; raise if one does not match."""
    needs = {
        "township_count": "townships", "village_count": "villages", "registered_population": "population",
        "poverty_households": "households", "poverty_persons": "households", "employment_placed": "employment",
        "employment_target": "employment_targets", "employment_rate": "employment_targets",
        "welfare_post_persons": "welfare_jobs", "welfare_post_persons_change": "welfare_jobs",
        "welfare_post_months": "welfare_jobs", "welfare_post_subsidy": "welfare_jobs",
        "training_sessions": "trainings", "training_participants": "trainings",
        "assistance_new_persons": "social_assistance", "phaseout_flow_households": "social_assistance",
        "phaseout_flow_persons": "social_assistance", "dibao_coverage": "social_assistance",
        "poverty_assistance_share": "social_assistance", "student_aid_students": "student_aid",
        "student_aid_amount": "student_aid", "policy_menu_items": "policy_menu", "indicator": "indicators",
    }  # fmt: skip
    results, wrong = {}, []
    for fid, _text, value, _unit, metric in FIGURES:
        if needs[_params(metric)[0]] not in frames:
            continue
        got = float(compute(frames, metric, as_of))
        results[fid] = got
        d = _decimals(value)
        if not math.isclose(round(got + 1e-9, d), float(value), abs_tol=10 ** -(d + 3)):
            wrong.append(f"{fid} {metric}: computed {got!r}, published {value}")
    if wrong:
        raise AssertionError("published figures not reproduced:\n" + "\n".join(wrong))
    return results
