"""Households and their members: the 5494 脱贫户 (9236 persons) and the 一般农户 ever monitored.

What the sample must look like, and why:
- P04/P05: exactly 5494 脱贫户 with exactly 9236 members (1.68 per household). Lulong's remaining
  脱贫人口 are mostly old people living alone or as couples, so 1–2 person households dominate.
- The welfare module covers 73% of 脱贫 persons with 低保/特困 (P23), so many households have nobody
  who can work; the jobs module places 4019 persons in work (2434 on 公益岗, mostly 弱劳动力 and 60+),
  so about 4,500 members of these households must have some labour ability.
- 一般农户 appear only because they were monitoring objects (边缘易致贫户/突发严重困难户); they are
  younger, larger families hit by illness, disability, school costs or an accident, which is what
  monitoring.py reads from the members to choose each case's risk.
Ages are as of 2022 (birth_year = 2022 − age).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lulong_data.generator.context import Context

POOR_HOUSEHOLDS = 5494  # P04
POOR_PERSONS = 9236  # P05
# 一般农户 that have ever been monitoring objects (every one of them gets a case in monitoring.py).
MONITORED_NONPOOR_HOUSEHOLDS = 352
YEAR = 2022

# Household size shares. 脱贫户: mean ≈ 1.68, the exact total is forced afterwards.
POOR_SIZE_P = {1: 0.53, 2: 0.33, 3: 0.08, 4: 0.045, 5: 0.015}
NONPOOR_SIZE_P = {1: 0.08, 2: 0.25, 3: 0.26, 4: 0.26, 5: 0.12, 6: 0.03}
# Year the household was lifted out of poverty; Lulong's main push was 2016–2019.
EXIT_YEAR_P = {2014: 0.04, 2015: 0.08, 2016: 0.22, 2017: 0.24, 2018: 0.20, 2019: 0.17, 2020: 0.05}
# Northern hill townships (潘庄, 燕河营, 刘家营) had more poor households per head.
HILL_TOWNSHIPS = {"130324101": 1.35, "130324102": 1.25, "130324201": 1.5}
TOWN_STREET_SUFFIXES = ("街村", "关村")

# Surnames common in eastern Hebei, with rough weights.
SURNAMES = {
    "王": 9, "李": 8, "张": 8, "刘": 7, "赵": 4, "杨": 3.5, "高": 2.8, "孙": 2.7, "于": 2.2, "马": 2,
    "郭": 2, "陈": 2, "董": 1.8, "徐": 1.5, "田": 1.5, "韩": 1.5, "周": 1.3, "冯": 1.2, "崔": 1.2,
    "曹": 1.1, "吴": 1, "魏": 1, "宋": 1, "贾": 0.9, "朱": 0.9, "邢": 0.8, "付": 0.8, "闫": 0.8,
    "石": 0.8, "梁": 0.8, "胡": 0.8, "史": 0.7, "齐": 0.7, "侯": 0.7, "白": 0.7, "姜": 0.7, "孟": 0.7,
    "常": 0.6, "黄": 0.6, "郑": 0.6, "范": 0.6, "毕": 0.5, "潘": 0.5, "谷": 0.5, "段": 0.5, "安": 0.5,
    "鲍": 0.4, "庞": 0.4, "邵": 0.4, "芦": 0.3,
}  # fmt: skip
GIVEN_NAMES = {
    # (sex, generation) -> pool; generation by birth year: old < 1960 <= middle < 1986 <= young
    ("男", "old"): "德山 宝林 长海 振江 玉田 文财 树林 凤祥 福来 广才 贵平 春生 连福 万山 永和 国华 "
    "庆丰 金堂 占山 秀峰 凤山 洪亮 学文 玉林 景春 殿臣 树森 福顺",
    ("女", "old"): "桂兰 秀英 淑珍 玉兰 凤英 秀兰 桂芝 淑芬 玉珍 翠兰 春花 秀云 凤琴 素梅 桂荣 玉芬 "
    "淑英 秀芝 金凤 桂珍 玉梅 凤兰 淑兰 秀珍",
    ("男", "middle"): "建军 立新 海军 志强 红军 卫东 建华 永生 立国 春雷 海涛 宏伟 国强 军 勇 伟 刚 "
    "磊 亮 东升 学军 海峰 占军 宝军 建民 振国 立军 文明",
    ("女", "middle"): "丽娟 红霞 秀丽 艳华 丽华 春燕 桂香 海燕 晓红 玉霞 艳玲 凤霞 丽萍 红梅 淑华 "
    "立红 艳红 秀红 小燕 会芳 素娟 立华",
    ("男", "young"): "浩 磊 鹏 宇 帅 超 阳 杰 明轩 子豪 宇航 晓东 佳豪 文博 天宇 浩然 鑫 旭",
    ("女", "young"): "静 婷 娜 佳 欣悦 雨涵 思雨 梦瑶 晓雪 佳琪 丹 莹 爽 楠 颖 雪 悦",
}


@dataclass
class Member:
    sex: str
    age: int  # in 2022
    health: str = "健康"
    at_school: bool = False


def make(ctx: Context, frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    villages = frames["villages"]
    weights = village_weights(ctx, frames["townships"], villages)
    codes = villages["village_code"].to_numpy()

    poor_sizes = household_sizes(ctx.rng("people.poor_sizes"), POOR_SIZE_P, POOR_HOUSEHOLDS, POOR_PERSONS)
    nonpoor_sizes = household_sizes(
        ctx.rng("people.nonpoor_sizes"), NONPOOR_SIZE_P, MONITORED_NONPOOR_HOUSEHOLDS, None
    )

    place_rng = ctx.rng("people.placement")
    poor_villages = place_rng.choice(codes, size=POOR_HOUSEHOLDS, p=weights)
    # Monitored 一般农户 live mostly where poverty was: same weights, a little flatter.
    flat = np.sqrt(weights)
    nonpoor_villages = place_rng.choice(codes, size=MONITORED_NONPOOR_HOUSEHOLDS, p=flat / flat.sum())

    exit_rng = ctx.rng("people.exit_year")
    exit_years = exit_rng.choice(list(EXIT_YEAR_P), size=POOR_HOUSEHOLDS, p=list(EXIT_YEAR_P.values()))

    member_rng = ctx.rng("people.members")
    drafts = []
    for size, village, exit_year in zip(poor_sizes, poor_villages, exit_years, strict=True):
        drafts.append((village, "脱贫户", int(exit_year), compose_poor(member_rng, int(size))))
    for size, village in zip(nonpoor_sizes, nonpoor_villages, strict=True):
        drafts.append((village, "一般农户", None, compose_nonpoor(member_rng, int(size))))

    return build_frames(ctx, drafts, villages)


# ---------------------------------------------------------------- where and how big


def village_weights(ctx: Context, townships: pd.DataFrame, villages: pd.DataFrame) -> np.ndarray:
    """Probability that a household lives in each village.

    Township rural population per village, times village-level variation (lognormal), times 3 for the
    former 贫困村 (about one in six villages); the town streets and communities of a seat have few farm
    households.
    """
    rng = ctx.rng("people.village_weights")
    rural = townships.set_index("township_code")["rural_population"]
    per_village = rural / villages.groupby("township_code").size()
    w = np.array(villages["township_code"].map(per_village), dtype=float)
    w *= villages["township_code"].map(HILL_TOWNSHIPS).fillna(1.0).to_numpy()
    w *= rng.lognormal(0.0, 0.55, len(villages))
    w *= np.where(rng.uniform(size=len(villages)) < 0.17, 3.0, 1.0)
    town = (villages["kind"] != "村委会") | villages["name"].str.endswith(TOWN_STREET_SUFFIXES)
    w *= np.where(town.to_numpy(), 0.25, 1.0)
    return w / w.sum()


def household_sizes(
    rng: np.random.Generator, shares: dict[int, float], n: int, total: int | None
) -> np.ndarray:
    """Draw ``n`` sizes; if ``total`` is given, nudge random households by ±1 until they sum to it."""
    sizes = rng.choice(list(shares), size=n, p=list(shares.values()))
    if total is None:
        return sizes
    top = max(shares)
    while (diff := total - int(sizes.sum())) != 0:
        can = np.flatnonzero(sizes < top) if diff > 0 else np.flatnonzero(sizes > 1)
        sizes[rng.choice(can)] += 1 if diff > 0 else -1
    return sizes


# ---------------------------------------------------------------- who lives there


def _age(rng: np.random.Generator, lo: int, mode: float, hi: int) -> int:
    return int(round(rng.triangular(lo, mode, hi)))


def _other_sex(sex: str) -> str:
    return "女" if sex == "男" else "男"


def _children(rng: np.random.Generator, n: int, parent_age: int) -> list[Member]:
    """``n`` children of a parent aged ``parent_age`` (first child born at 22–30)."""
    first = max(0, parent_age - int(rng.integers(22, 31)))
    out = []
    for i in range(n):
        age = max(0, first - i * int(rng.integers(2, 5)))
        sex = "男" if rng.uniform() < 0.52 else "女"
        out.append(Member(sex, age, at_school=6 <= age <= 21 and rng.uniform() < 0.85))
    return out


def _couple(rng: np.random.Generator, husband_age: int) -> list[Member]:
    wife = max(18, husband_age - int(round(rng.normal(2, 3))))
    return [Member("男", husband_age), Member("女", wife)]


def compose_poor(rng: np.random.Generator, size: int) -> list[Member]:
    """Members of a 脱贫户, head first."""
    if size == 1:
        if rng.uniform() < 0.72:  # old people living alone, more often widows
            members = [Member("女" if rng.uniform() < 0.56 else "男", _age(rng, 62, 75, 96))]
        else:  # single middle-aged adults, often disabled or ill (bachelors of the hill villages)
            members = [Member("男" if rng.uniform() < 0.65 else "女", _age(rng, 38, 56, 64))]
            members[0].health = _pick(rng, {"残疾": 0.4, "患有大病": 0.2, "长期慢性病": 0.25, "健康": 0.15})
    elif size == 2:
        u = rng.uniform()
        if u < 0.62:  # old couple
            members = _couple(rng, _age(rng, 58, 72, 92))
        elif u < 0.82:  # old parent and an adult child who cannot work
            parent = Member("女" if rng.uniform() < 0.6 else "男", _age(rng, 58, 76, 92))
            child = Member(
                "男" if rng.uniform() < 0.6 else "女", max(18, parent.age - int(rng.integers(22, 34)))
            )
            child.health = _pick(rng, {"残疾": 0.55, "患有大病": 0.2, "长期慢性病": 0.15, "健康": 0.10})
            members = [parent, child]
        else:  # single parent or grandparent with a child at school
            adult = Member("女" if rng.uniform() < 0.6 else "男", _age(rng, 30, 48, 75))
            members = [adult, *_children(rng, 1, min(adult.age, 50))]
    elif size == 3 and rng.uniform() < 0.35:  # old couple with an adult child who is disabled or ill
        members = _couple(rng, _age(rng, 58, 70, 88))
        child = Member(
            "男" if rng.uniform() < 0.6 else "女", max(18, members[0].age - int(rng.integers(22, 34)))
        )
        child.health = _pick(rng, {"残疾": 0.5, "患有大病": 0.15, "长期慢性病": 0.15, "健康": 0.2})
        members.append(child)
    else:  # working-age couple with children, and a grandparent in bigger households
        members = _couple(rng, _age(rng, 30, 44, 58))
        elders = 1 if size >= 4 and rng.uniform() < 0.55 else 0
        members += _children(rng, size - 2 - elders, members[0].age)
        members += [
            Member("女" if rng.uniform() < 0.65 else "男", _age(rng, 62, 76, 92)) for _ in range(elders)
        ]
    _fill_health(rng, members, sick=1.0)
    return members


def compose_nonpoor(rng: np.random.Generator, size: int) -> list[Member]:
    """Members of a monitored 一般农户: a younger family with one hardship (illness, disability, school)."""
    if size == 1:
        members = [Member("男" if rng.uniform() < 0.55 else "女", _age(rng, 45, 66, 90))]
    elif size == 2:
        members = _couple(rng, _age(rng, 45, 62, 85))
    else:
        members = _couple(rng, _age(rng, 32, 45, 60))
        elders = 1 if size >= 5 or (size == 4 and rng.uniform() < 0.3) else 0
        members += _children(rng, size - 2 - elders, members[0].age)
        members += [
            Member("女" if rng.uniform() < 0.6 else "男", _age(rng, 62, 74, 90)) for _ in range(elders)
        ]
    _fill_health(rng, members, sick=0.6)
    # The hardship that made them a monitoring object: one member falls seriously ill (most often),
    # is disabled, or a child's schooling (high school / college) costs more than the family earns.
    hardship = _pick(rng, {"患有大病": 0.52, "残疾": 0.2, "school": 0.1, "none": 0.18})
    adults = [m for m in members if m.age >= 18]
    if hardship == "school":
        kids = [m for m in members if m.age < 18]
        if kids:
            kids[0].age, kids[0].at_school = int(rng.integers(16, 22)), True
    elif hardship != "none":
        adults[int(rng.integers(len(adults)))].health = hardship
    return members


def _pick(rng: np.random.Generator, shares: dict[str, float]) -> str:
    keys = list(shares)
    return keys[int(rng.choice(len(keys), p=np.array(list(shares.values())) / sum(shares.values())))]


def _fill_health(rng: np.random.Generator, members: list[Member], sick: float) -> None:
    """Health by age for members not yet given one; ``sick`` scales the chance of being unwell."""
    for m in members:
        if m.health != "健康":
            continue
        if m.age < 18:
            p = {"残疾": 0.02, "患有大病": 0.01, "长期慢性病": 0.01}
        elif m.age < 45:
            p = {"残疾": 0.06, "患有大病": 0.04, "长期慢性病": 0.08}
        elif m.age < 60:
            p = {"残疾": 0.10, "患有大病": 0.08, "长期慢性病": 0.22}
        elif m.age < 70:
            p = {"残疾": 0.10, "患有大病": 0.10, "长期慢性病": 0.38}
        else:
            p = {"残疾": 0.10, "患有大病": 0.12, "长期慢性病": 0.48}
        p = {k: v * sick for k, v in p.items()}
        p["健康"] = 1.0 - sum(p.values())
        m.health = _pick(rng, p)


def labour_ability(rng: np.random.Generator, m: Member) -> str:
    """Labour ability as the poverty-alleviation ledger records it, consistent with age and health."""
    if m.age < 16 or m.at_school or m.age >= 80:
        return "无劳动力"
    if m.health in ("患有大病", "残疾"):
        return "丧失劳动力" if rng.uniform() < 0.72 else "弱劳动力或半劳动力"
    if m.health == "长期慢性病":
        if m.age < 60:
            return _pick(rng, {"普通劳动力": 0.5, "弱劳动力或半劳动力": 0.5})
        if m.age < 70:
            return _pick(rng, {"普通劳动力": 0.1, "弱劳动力或半劳动力": 0.75, "丧失劳动力": 0.15})
        return _pick(rng, {"弱劳动力或半劳动力": 0.45, "丧失劳动力": 0.25, "无劳动力": 0.30})
    if m.age < 60:
        return _pick(rng, {"普通劳动力": 0.78, "技能劳动力": 0.18, "弱劳动力或半劳动力": 0.04})
    if m.age < 65:
        return _pick(rng, {"普通劳动力": 0.45, "弱劳动力或半劳动力": 0.55})
    if m.age < 70:
        return _pick(rng, {"普通劳动力": 0.2, "弱劳动力或半劳动力": 0.8})
    if m.age < 75:
        return _pick(rng, {"弱劳动力或半劳动力": 0.75, "无劳动力": 0.25})
    return _pick(rng, {"弱劳动力或半劳动力": 0.45, "无劳动力": 0.55})


# ---------------------------------------------------------------- names and ids


def _village_surnames(rng: np.random.Generator, village_name: str) -> list[str]:
    """Two or three surnames dominate a village; a name like 张家沟 says which one."""
    names, w = list(SURNAMES), np.array(list(SURNAMES.values()))
    picked = [str(s) for s in rng.choice(names, size=3, replace=False, p=w / w.sum())]
    if village_name[0] in SURNAMES and village_name[0] not in picked:
        picked = [village_name[0], *picked[:2]]
    return picked


def _head_name(rng: np.random.Generator, head: Member, local: list[str]) -> str:
    if rng.uniform() < 0.5:
        surname = local[int(rng.choice(len(local), p=[0.5, 0.3, 0.2]))]
    else:
        names, w = list(SURNAMES), np.array(list(SURNAMES.values()))
        surname = str(rng.choice(names, p=w / w.sum()))
    born = YEAR - head.age
    generation = "old" if born < 1960 else "middle" if born < 1986 else "young"
    pool = GIVEN_NAMES[(head.sex, generation)].split()
    return surname + pool[int(rng.integers(len(pool)))]


def build_frames(ctx: Context, drafts: list, villages: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Number households within each village and turn the drafts into the two contract tables.

    Household numbers inside a village are shuffled so that the id does not tell 脱贫户 from 一般农户.
    """
    id_rng = ctx.rng("people.ids")
    name_rng = ctx.rng("people.names")
    labour_rng = ctx.rng("people.labour")
    village_names = dict(zip(villages["village_code"], villages["name"], strict=True))

    by_village: dict[str, list[int]] = {}
    for i, (village, *_rest) in enumerate(drafts):
        by_village.setdefault(village, []).append(i)

    households, persons = [], []
    for village in sorted(by_village):
        idx = by_village[village]
        order = id_rng.permutation(len(idx))
        local = _village_surnames(name_rng, village_names[village])
        for seq, k in enumerate(order, start=1):
            _, kind, exit_year, members = drafts[idx[k]]
            hid = f"H{village}{seq:03d}"
            households.append(
                {
                    "household_id": hid,
                    "village_code": village,
                    "household_type": kind,
                    "exit_year": exit_year,
                    "persons": len(members),
                    "head_name": _head_name(name_rng, members[0], local),
                }
            )
            for j, m in enumerate(members, start=1):
                persons.append(
                    {
                        "person_id": f"P{village}{seq:03d}{j:02d}",
                        "household_id": hid,
                        "sex": m.sex,
                        "birth_year": YEAR - m.age,
                        "labour_ability": labour_ability(labour_rng, m),
                        "health": m.health,
                    }
                )

    hh = pd.DataFrame(households).sort_values("household_id", ignore_index=True)
    hh["exit_year"] = hh["exit_year"].astype("Int64")
    pp = pd.DataFrame(persons).sort_values("person_id", ignore_index=True)
    return {"households": hh, "persons": pp}
