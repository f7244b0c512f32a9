"""Export files in the real layouts, made from a contract folder (the bundled sample by default).

    python -m lulong_data.generator.exports [--folder lulong_data/sample] [--out var/exports] [--persons N]

What a county's data office holds instead of contract files (../shared/reference/REAL-EXPORTS.md): the
national monitoring system's person export (title rows, header on row 3, one row per person, places by
name, ``YYYYMM`` dates, 18- and old 15-digit ID numbers, phones, joined multi-select measures), the 务工
sheet, the 民政 农村低保 and 特困人员 rosters, the 乡村公益性岗位 roster (layout assumed) and the county's own
procedure ledger. The tests import these files and compare the figures with the folder they were made
from; the benchmark times the import of a large one. Every ID number and phone number here is synthetic (a valid check character on made-up
digits) and derived from the contract's pseudonymous ids, so the files are the same on every run.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import pandas as pd

from lulong_data.imports.secret import check_char

SAMPLE = Path(__file__).resolve().parent.parent / "sample"
COUNTY = "130324"

# Contract values written the way the national system spells them (the import profile maps them back).
RISK_SPELLING = {
    "饮水安全问题": "因安全饮水",
    "住房安全问题": "因安全住房",
    "因灾": "因自然灾害",
    "因务工就业不稳": "务工就业不稳",
    "因产业项目失败": "产业项目失败",
}
KIND_SPELLING = {"帮扶后稳定消除": "帮扶消除", "风险自然消除": "自然消除"}
MEASURE_COLUMN = {
    "产业": "产业帮扶",
    "就业": "就业帮扶",
    "金融": "金融帮扶",
    "教育": "教育帮扶",
    "健康": "健康帮扶",
    "住房": "住房安全帮扶",
    "饮水": "饮水安全帮扶",
    "兜底": "综合保障",
    "综合": "社会帮扶",
}
# National spellings of a few menu items (the rest are written with the menu's own name).
MEASURE_SPELLING = {
    "CD29": "低保",
    "CD30": "特困供养",
    "CD32": "残疾人补贴",
    "CD33": "小额信贷",
    "CD07": "公益岗位",
}
TIERS = {1: "一档", 2: "二档", 3: "三档", 4: "四档"}
CLASSES = {i: f"第{n}类" for i, n in enumerate("一二三四五六七八九", start=1)} | {
    10: "第十类",
    11: "第十一类",
    12: "第十二类",
}

NATIONAL_COLUMNS = [
    "序号", "省", "市", "县(市、区、旗)", "乡(镇)", "行政村", "户编号", "姓名", "证件号码", "与户主关系", "性别",
    "民族", "在校生状况", "劳动技能", "务工状况", "健康状况", "是否参加城乡居民基本医疗保险", "户类型", "脱贫年度",
    "家庭人口数", "监测对象类别", "整户无劳动能力兜底保障户", "致贫/返贫风险1", "致贫/返贫风险2", "致贫/返贫风险3",
    "致贫/返贫风险4", "致贫/返贫风险5", "识别监测时间", "风险是否已消除", "风险消除方式", "消除监测时间",
    "人均纯收入（元）", "工资性收入", "转移性收入", "义务教育保障", "住房安全保障", "饮水安全保障",
    "产业帮扶", "就业帮扶", "金融帮扶", "公益岗位帮扶", "健康帮扶", "教育帮扶", "住房安全帮扶", "饮水安全帮扶",
    "综合保障", "社会帮扶", "联系电话", "信息采集人", "信息采集人联系电话", "帮扶责任人", "帮扶责任人联系电话",
]  # fmt: skip
# The two-level form: a merged group cell over these leaves (the other columns span both rows).
GROUPS = {
    "致贫返贫风险": [
        "致贫/返贫风险1",
        "致贫/返贫风险2",
        "致贫/返贫风险3",
        "致贫/返贫风险4",
        "致贫/返贫风险5",
    ],
    "收入情况": ["人均纯收入（元）", "工资性收入", "转移性收入"],
    "帮扶措施": [
        "产业帮扶",
        "就业帮扶",
        "金融帮扶",
        "公益岗位帮扶",
        "健康帮扶",
        "教育帮扶",
        "住房安全帮扶",
        "饮水安全帮扶",
        "综合保障",
        "社会帮扶",
    ],  # fmt: skip
}


def _h(*parts: object) -> int:
    return int.from_bytes(hashlib.sha256("|".join(map(str, parts)).encode()).digest()[:8], "big")


def id_number(key: str, birth_year: int, sex: str) -> str:
    """A synthetic 18-digit ID number: county area code, a birth date in ``birth_year``, a sequence whose last
    digit is odd for 男, and the GB 11643 check character."""
    h = _h("id", key)
    month, day = 1 + h % 12, 1 + (h // 12) % 28
    seq = (h // 400) % 100 * 10 + (2 * ((h // 40000) % 5) + (1 if sex == "男" else 0))
    body = f"{COUNTY}{birth_year:04d}{month:02d}{day:02d}{seq:03d}"
    return body + check_char(body)


def as15(number18: str) -> str:
    """The old 15-digit form of an 18-digit number of someone born in the 1900s."""
    return number18[:6] + number18[8:17]


def phone(key: str) -> str:
    h = _h("phone", key)
    return f"1{3 + h % 7}{h // 7 % 10**9:09d}"


@dataclass
class Built:
    """The files written and the personal numbers in them (for the tests that prove none is kept)."""

    files: dict[str, Path] = field(default_factory=dict)
    id_numbers: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)


def _frames(folder: Path) -> dict[str, pd.DataFrame]:
    names = ("townships", "villages", "households", "persons", "monitoring_cases", "assistance_measures",
             "policy_menu", "visits", "employment", "social_assistance")  # fmt: skip
    return {n: pd.read_csv(folder / f"{n}.csv", dtype=str, keep_default_na=False) for n in names}


def _as_of(folder: Path) -> dt.date:
    import tomllib

    return tomllib.loads((folder / "manifest.toml").read_text(encoding="utf-8"))["data_as_of"]


def _ym(text: str) -> str:
    return text[:4] + text[5:7] if text else ""


class People:
    """ID numbers of the folder's persons: 18 digits, or 15 for some born before 1960 (old cards)."""

    def __init__(self, persons: pd.DataFrame, old_share: int = 6) -> None:
        self.id18: dict[str, str] = {}
        self.written: dict[str, str] = {}
        used: set[str] = set()
        for pid, by, sex in zip(persons["person_id"], persons["birth_year"], persons["sex"], strict=True):
            n, k = id_number(pid, int(by), sex), 0
            while n in used:  # two made-up numbers may meet: the next one, as a registry would give
                k += 1
                n = id_number(f"{pid}#{k}", int(by), sex)
            used.add(n)
            self.id18[pid] = n
            old = int(by) < 1960 and _h("old", pid) % old_share == 0
            self.written[pid] = as15(n) if old else n
        self.taken = used


def national_rows(
    f: dict[str, pd.DataFrame], as_of: dt.date, people: People, built: Built
) -> list[list[str]]:
    """One row per person, household fields repeated on every member's row."""
    t_names = dict(zip(f["townships"]["township_code"], f["townships"]["name"], strict=True))
    villages = f["villages"].set_index("village_code")[["township_code", "name"]].to_dict("index")
    menu = f["policy_menu"].set_index("policy_code")
    cases = f["monitoring_cases"]
    cases = cases[(cases["approved_on"] != "") & (cases["approved_on"] <= as_of.isoformat())]
    latest = cases.sort_values(["approved_on", "case_id"]).drop_duplicates("household_id", keep="last")
    latest = latest.set_index("household_id").to_dict("index")  # plain dicts: rows are read one by one
    measures = f["assistance_measures"]
    measures = measures[measures["started_on"] <= as_of.isoformat()]
    by_case: dict[str, dict[str, list[str]]] = {}
    for cid, code in zip(measures["case_id"], measures["policy_code"], strict=True):
        column = "公益岗位帮扶" if code == "CD07" else MEASURE_COLUMN[menu.at[code, "category"]]
        by_case.setdefault(cid, {}).setdefault(column, []).append(
            MEASURE_SPELLING.get(code, menu.at[code, "name"])
        )
    persons = f["persons"]
    members: dict[str, list[SimpleNamespace]] = {}
    for p in persons.to_dict("records"):
        members.setdefault(p["household_id"], []).append(SimpleNamespace(**p))
    rows: list[list[str]] = []
    n = 0
    for hh in f["households"].itertuples(index=False):
        v = villages[hh.village_code]
        tname = t_names[v["township_code"]]
        h = _h("hh", hh.household_id)
        if tname == "印庄镇" and h % 3 == 0:
            tname = "印庄乡"  # an export made before the township was renamed
        vname = v["name"]
        if vname.endswith("村"):  # with or without the 村/村委会 suffix, as exports vary
            vname = {0: vname, 1: vname + "委会", 2: vname.removesuffix("村")}[h % 3]
        case = latest.get(hh.household_id)
        group = members[hh.household_id]
        no_labour = all(p.labour_ability in ("丧失劳动力", "无劳动力") for p in group)
        for k, p in enumerate(group):
            n += 1
            written = people.written[p.person_id]
            built.id_numbers.add(written)
            built.id_numbers.add(people.id18[p.person_id])
            tel, col_tel, helper_tel = (
                phone(p.person_id),
                phone("c" + hh.household_id),
                phone("b" + hh.household_id),
            )
            built.phones.update((tel, col_tel, helper_tel))
            health = p.health
            if health == "残疾" and _h("multi", p.person_id) % 4 == 0:
                health = "残疾,患有大病"
            labour = (
                {"弱劳动力或半劳动力": "弱劳动力"}.get(p.labour_ability, p.labour_ability)
                if h % 2
                else p.labour_ability
            )
            relation = "户主" if k == 0 else ("配偶" if k == 1 else "子女")
            name = hh.head_name if k == 0 else (hh.head_name[:1] + "某" + "二三四五六七"[k % 6])
            row = {
                "序号": str(n), "省": "河北省", "市": "秦皇岛市", "县(市、区、旗)": "卢龙县", "乡(镇)": tname,
                "行政村": vname, "户编号": hh.household_id, "姓名": name, "证件号码": written,
                "与户主关系": relation, "性别": p.sex, "民族": "汉族", "在校生状况": "", "劳动技能": labour,
                "务工状况": "", "健康状况": health, "是否参加城乡居民基本医疗保险": "是",
                "户类型": hh.household_type, "脱贫年度": hh.exit_year, "家庭人口数": hh.persons,
                "整户无劳动能力兜底保障户": "是" if no_labour else "否",
                "联系电话": tel, "信息采集人": "王某", "信息采集人联系电话": col_tel, "帮扶责任人": "李某",
                "帮扶责任人联系电话": helper_tel, "义务教育保障": "有保障", "住房安全保障": "有保障",
                "饮水安全保障": "有保障",
            }  # fmt: skip
            if case is not None:
                done = case["eliminated_on"] != "" and case["eliminated_on"] <= as_of.isoformat()
                row.update(
                    {
                        "监测对象类别": case["category"],
                        "致贫/返贫风险1": RISK_SPELLING.get(case["risk_1"], case["risk_1"]),
                        "致贫/返贫风险2": RISK_SPELLING.get(case["risk_2"], case["risk_2"]),
                        "致贫/返贫风险3": RISK_SPELLING.get(case["risk_3"], case["risk_3"]),
                        "识别监测时间": _ym(case["approved_on"]),
                        "风险是否已消除": "是" if done else "否",
                        "风险消除方式": KIND_SPELLING.get(case["elimination_kind"], "") if done else "",
                        "消除监测时间": _ym(case["eliminated_on"]) if done else "",
                        "人均纯收入（元）": case["income_per_capita"],
                    }
                )
                sep = "," if h % 2 else "、"
                for column, items in by_case.get(case["case_id"], {}).items():
                    row[column] = sep.join(items)
            rows.append([str(row.get(c, "")) for c in NATIONAL_COLUMNS])
    return rows


def _xlsx(
    path: Path, title: str, header_rows: list[list[str]], rows: list[list[str]], merges: list[str] = ()
) -> None:
    """Title and export-time rows, then the header (one or two rows), then the data; cells are text, as
    the national system writes them."""
    from openpyxl import Workbook

    if merges:
        wb = Workbook()
        ws = wb.active
        ws.title = "Sheet1"
        ws.append([title])
        ws.append(["导出时间:2022-07-26 09:30:12    导出单位:卢龙县乡村振兴局"])
        for r in header_rows + rows:
            ws.append(r)
        for m in merges:
            ws.merge_cells(m)
        wb.save(path)
        return
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Sheet1")
    ws.append([title])
    ws.append(["导出时间:2022-07-26 09:30:12    导出单位:卢龙县乡村振兴局"])
    for r in header_rows:
        ws.append(r)
    for r in rows:
        ws.append(r)
    wb.save(path)


def _letter(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(i + 1)


# Columns written under a group with a shorter name of their own in the two-level form.
RENAMED_LEAVES = {"帮扶责任人": ("帮扶责任人", "姓名"), "帮扶责任人联系电话": ("帮扶责任人", "联系电话")}


def two_level_header(columns: list[str]) -> tuple[list[list[str]], list[str]]:
    """The header as two rows with merged group cells, and the ranges to merge (rows 3 and 4). The 帮扶责任人
    columns become 帮扶责任人 over 姓名 | 联系电话, as some system versions write them."""
    top, bottom, merges = [], [], []
    leaf_group = {leaf: g for g, leaves in GROUPS.items() for leaf in leaves}
    spans: dict[str, list[int]] = {}
    for i, c in enumerate(columns):
        if c in RENAMED_LEAVES:
            g, leaf = RENAMED_LEAVES[c]
            top.append(g if g not in spans else "")
            bottom.append(leaf)
            spans.setdefault(g, []).append(i)
            continue
        g = leaf_group.get(c)
        if g is None:
            top.append(c)
            bottom.append("")
            merges.append(f"{_letter(i)}3:{_letter(i)}4")
        else:
            top.append(g if g not in spans else "")
            bottom.append(c)
            spans.setdefault(g, []).append(i)
    for pos in spans.values():
        merges.append(f"{_letter(min(pos))}3:{_letter(max(pos))}3")
    return [top, bottom], merges


def write_table(
    path: Path,
    title: str,
    header: list[list[str]],
    rows: list[list[str]],
    *,
    merges: list[str] = (),
    title_rows: bool = True,
) -> Path:
    """One table in the format the suffix names: .xlsx, .xls (needs xlwt, a test requirement), .csv (UTF-8
    with BOM) or .gbk.csv (GB18030, as Excel on a Chinese Windows saves it)."""
    suffix = "".join(path.suffixes[-2:]) if path.name.endswith(".gbk.csv") else path.suffix
    if suffix == ".xlsx":
        if title_rows:
            _xlsx(path, title, header, rows, list(merges))
        else:
            from openpyxl import Workbook

            wb = Workbook(write_only=True)
            ws = wb.create_sheet("Sheet1")
            for r in header + rows:
                ws.append(r)
            wb.save(path)
    elif suffix == ".xls":
        import xlwt

        book = xlwt.Workbook(encoding="utf-8")
        sheet = book.add_sheet("Sheet1")
        lines = ([[title], ["导出时间:2022-07-26"]] if title_rows else []) + header + rows
        for i, r in enumerate(lines):
            for j, v in enumerate(r):
                sheet.write(i, j, v)
        book.save(str(path))
    elif suffix in (".csv", ".gbk.csv"):
        enc = "gb18030" if suffix == ".gbk.csv" else "utf-8-sig"
        with path.open("w", encoding=enc, newline="") as fh:
            w = csv.writer(fh, lineterminator="\r\n")
            if title_rows:
                w.writerow([title])
                w.writerow(["导出时间:2022-07-26"])
            w.writerows(header)
            w.writerows(rows)
    else:
        raise ValueError(f"unknown format {path.name}")
    return path


def national_table(folder: Path = SAMPLE, built: Built | None = None) -> tuple[list[str], list[list[str]]]:
    """The national export of ``folder`` as (header, rows), for tests that write their own variants."""
    built = built or Built()
    f = _frames(folder)
    return list(NATIONAL_COLUMNS), national_rows(f, _as_of(folder), People(f["persons"]), built)


def write_national(
    folder: Path, path: Path, built: Built | None = None, *, two_level: bool = False, fmt: str = "xlsx"
) -> Built:
    built = built or Built()
    f = _frames(folder)
    rows = national_rows(f, _as_of(folder), People(f["persons"]), built)
    title = "卢龙县防返贫监测对象及脱贫人口信息表"
    if fmt == "xlsx":
        if two_level:
            header, merges = two_level_header(NATIONAL_COLUMNS)
            _xlsx(path, title, header, rows, merges)
        else:
            _xlsx(path, title, [NATIONAL_COLUMNS], rows)
    else:
        _csv(path, title, [NATIONAL_COLUMNS], rows, encoding="gb18030" if fmt == "csv-gbk" else "utf-8-sig")
    built.files["national"] = path
    return built


def _csv(path: Path, title: str, header: list[list[str]], rows: list[list[str]], encoding: str) -> None:
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow([title])
        w.writerow(["导出时间:2022-07-26"])
        w.writerows(header)
        w.writerows(rows)


def write_wugong(folder: Path, path: Path, built: Built | None = None) -> Built:
    """One row per person and job: a job held in both years is one row started last year and not ended; a
    contract row without a year (v2: in work from its start to its end) is one row as it is."""
    built = built or Built()
    f = _frames(folder)
    people = People(f["persons"])
    e = f["employment"].copy()
    if "ended_on" not in e:
        e["ended_on"] = ""
    e["no_year"] = e["year"] == ""
    e.loc[e["no_year"], "year"] = e.loc[e["no_year"], "started_on"].str[:4]
    e = e.sort_values(["person_id", "year", "started_on"])
    household_of = dict(zip(f["persons"]["person_id"], f["persons"]["household_id"], strict=True))
    village_of = dict(zip(f["households"]["household_id"], f["households"]["village_code"], strict=True))
    villages = f["villages"].set_index("village_code")[["township_code", "name"]].to_dict("index")
    t_names = dict(zip(f["townships"]["township_code"], f["townships"]["name"], strict=True))
    as_of = _as_of(folder)
    rows = []
    by_person: dict[str, list[SimpleNamespace]] = {}  # plain rows: a pandas group per person is slow
    for r in e.to_dict("records"):
        by_person.setdefault(r["person_id"], []).append(SimpleNamespace(**r))
    for pid, recs in by_person.items():
        merged = []
        for r in recs:
            prev = merged[-1] if merged else None
            if r.no_year:  # already one job from its start to its end (or still running)
                merged.append(
                    {
                        "start": r.started_on,
                        "last": r.year,
                        "channel": r.channel,
                        "location": r.location,
                        "end": r.ended_on,
                    }  # fmt: skip
                )
                continue
            if (
                prev
                and prev.get("end") is None
                and int(r.year) == int(prev["last"]) + 1
                and r.channel == prev["channel"]
                and r.location == prev["location"]
            ):
                prev["last"] = r.year
                continue
            merged.append(
                {"start": r.started_on, "last": r.year, "channel": r.channel, "location": r.location}
            )
        hid = household_of[pid]
        v = villages[village_of[hid]]
        for m in merged:
            end = m.get("end")
            if end is None:
                end = "" if int(m["last"]) >= as_of.year else f"{m['last']}-12-31"
            province = {"省外": "北京市", "省内县外": "河北省", "县内": "河北省"}[m["location"]]
            county = {"省外": "朝阳区", "省内县外": "昌黎县", "县内": "卢龙县"}[m["location"]]
            number = people.written[pid]
            built.id_numbers.update((number, people.id18[pid]))
            tel = phone("w" + pid)
            built.phones.add(tel)
            start = m["start"] if _h("m", pid) % 4 else _ym(m["start"])  # some sheets give months only
            if start != m["start"] and start[:4] != m["start"][:4]:
                start = m["start"]
            rows.append(
                [
                    str(len(rows) + 1),
                    t_names[v["township_code"]],
                    v["name"],
                    hid,
                    "某某",
                    number,
                    tel,
                    m["channel"],
                    province,
                    county,
                    start,
                    end,
                    "6",
                    "500",
                ]  # fmt: skip
            )
    header = ["序号", "乡(镇)", "行政村", "户编号", "姓名", "证件号码", "联系电话", "就业渠道", "务工所在省", "务工所在县",
              "开始时间", "结束时间", "务工时间（月）", "年度交通费补助"]  # fmt: skip
    _xlsx(path, "卢龙县脱贫劳动力务工就业监测表", [header], rows)
    built.files["wugong"] = path
    return built


def write_rosters(folder: Path, dibao: Path, tekun: Path, built: Built | None = None) -> Built:
    """The 民政 rosters: 农村低保 one row per household (户主's number), 特困 one row per person."""
    built = built or Built()
    f = _frames(folder)
    people = People(f["persons"])
    heads = f["persons"].drop_duplicates("household_id").set_index("household_id")["person_id"]
    sizes = f["households"].set_index("household_id")["persons"]
    villages = f["villages"].set_index("village_code")
    t_names = dict(zip(f["townships"]["township_code"], f["townships"]["name"], strict=True))
    d_rows, t_rows = [], []
    for r in f["social_assistance"].itertuples(index=False):
        if r.household_id:
            pid = heads[r.household_id]
            number = people.written[pid]
            built.id_numbers.add(people.id18[pid])
        else:  # someone not on the households roll
            h, k = _h("mz", r.record_id), 0
            number = id_number(r.record_id, 1940 + h % 60, "男" if h % 2 else "女")
            while number in people.taken:
                k += 1
                number = id_number(f"{r.record_id}#{k}", 1940 + h % 60, "男" if h % 2 else "女")
        built.id_numbers.add(number)
        tel = phone("mz" + r.record_id)
        built.phones.add(tel)
        v = villages.loc[r.village_code]
        tname = t_names[v["township_code"]]
        status = "停保" if r.ended_on else "在保"
        family = _family_size(r, sizes)
        if r.scheme == "农村低保":
            persons = int(r.persons)
            d_rows.append(
                [
                    str(len(d_rows) + 1),
                    "卢龙县",
                    tname,
                    v["name"],
                    "某某",
                    number,
                    str(persons),
                    str(family),
                    r.monthly_amount,
                    CLASSES.get(int(r.dibao_class), "") if r.dibao_class else "",
                    TIERS.get(int(r.tier), "") if r.tier else "",
                    _ym(r.started_on),
                    status,
                    r.ended_on,
                    r.phaseout_until,
                    tel,
                ]  # fmt: skip
            )
        else:
            t_rows.append(
                [
                    str(len(t_rows) + 1),
                    "卢龙县",
                    tname,
                    v["name"],
                    "某某",
                    number,
                    "分散供养",
                    str(family),
                    r.monthly_amount,
                    _ym(r.started_on),
                    status,
                    r.ended_on,
                    tel,
                ]  # fmt: skip
            )
    d_head = ["序号", "县(市、区)", "乡镇(街道)", "村(社区)", "户主姓名", "户主身份证号", "保障人口数", "家庭人口数",
              "户月保障金额（元）", "分类", "分档类型", "最初享受月份", "保障状态", "停保时间", "渐退期截止", "联系电话"]  # fmt: skip
    t_head = ["序号", "县(市、区)", "乡镇(街道)", "村(社区)", "姓名", "身份证号码", "供养方式", "家庭人口数", "月供养金额（元）",
              "纳入时间", "保障状态", "停保时间", "联系电话"]  # fmt: skip
    _xlsx(dibao, "农村低保对象查询", [d_head], d_rows)
    _xlsx(tekun, "特困人员查询", [t_head], t_rows)
    built.files["dibao"], built.files["tekun"] = dibao, tekun
    return built


# Post types as some townships type them (the profile maps them back); the rest are written as the contract's.
POST_SPELLING = {"保洁员": "保洁", "护路员": "道路维护", "护水员": "河道管护员", "村务协管员": "村务协理"}


GONGYI_COLUMNS = ["序号", "乡(镇)", "行政村", "姓名", "证件号码", "联系电话", "人员类别", "岗位类型", "上岗时间", "聘期（月）",
                  "月补贴（元）", "年度"]  # fmt: skip


def gongyi_table(folder: Path = SAMPLE, built: Built | None = None) -> tuple[list[str], list[list[str]]]:
    """The 乡村公益性岗位人员花名册 of ``folder`` as (header, rows): one row per post of every year in its
    welfare_jobs, with a 年度 column. The layout is assumed (REAL-EXPORTS.md has no such roster): places
    by name, 18- and 15-digit ID numbers, phones, 人员类别, some 岗位类型 spelt otherwise and some 上岗时间
    as ``YYYYMM``."""
    built = built or Built()
    f = _frames(folder)
    people = People(f["persons"])
    w = pd.read_csv(folder / "welfare_jobs.csv", dtype=str, keep_default_na=False)
    w = w.sort_values(["year", "village_code", "job_id"], kind="stable")
    villages = f["villages"].set_index("village_code")[["township_code", "name"]].to_dict("index")
    t_names = dict(zip(f["townships"]["township_code"], f["townships"]["name"], strict=True))
    as_of = _as_of(folder)
    this_month = f"{as_of.year:04d}-{as_of.month:02d}"
    rows = []
    for r in w.itertuples(index=False):
        v = villages[r.village_code]
        number = people.written[r.person_id]
        built.id_numbers.update((number, people.id18[r.person_id]))
        tel = phone("g" + r.job_id)
        built.phones.add(tel)
        post = POST_SPELLING.get(r.post_type, r.post_type) if _h("gt", r.job_id) % 3 == 0 else r.post_type
        # some townships give the month only; never for the data date's own month (it would move a post
        # taken up after the data date to the month's first day, before it)
        started = r.started_on
        if _h("gm", r.job_id) % 4 == 0 and started[:7] != this_month:
            started = _ym(started)
        rows.append(
            [
                str(len(rows) + 1),
                t_names[v["township_code"]],
                v["name"],
                "某某",
                number,
                tel,
                "脱贫人口",
                post,
                started,
                r.months,
                r.monthly_subsidy,
                r.year,
            ]  # fmt: skip
        )
    return list(GONGYI_COLUMNS), rows


def write_gongyi(folder: Path, path: Path, built: Built | None = None) -> Built:
    """The 公益岗 roster of ``folder`` (see :func:`gongyi_table`), title rows and header on row 3."""
    built = built or Built()
    header, rows = gongyi_table(folder, built)
    _xlsx(path, "卢龙县乡村公益性岗位人员花名册", [header], rows)
    built.files["gongyi"] = path
    return built


def _family_size(r, sizes: pd.Series) -> int:
    """家庭人口数 of a roster row: the folder's own family_size (contract v2), else (a v1 folder) the
    covered persons, with one more for a 单人保 record (at least the household's size on the roll)."""
    given = getattr(r, "family_size", "")
    if given:
        return int(given)
    persons = int(r.persons)
    if r.single_person == "是":
        return max(persons + 1, int(sizes.get(r.household_id, 0) or 0))
    return persons


def write_ledger(folder: Path, path: Path, built: Built | None = None) -> Built:
    """The county's procedure ledger: a sheet of cases, one of visits and one of measures."""
    from openpyxl import Workbook

    built = built or Built()
    f = _frames(folder)
    cases = f["monitoring_cases"]
    menu = f["policy_menu"].set_index("policy_code")
    hh_of = cases.set_index("case_id")["household_id"]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("识别程序")
    ws.append(["卢龙县防返贫监测对象识别程序台账"])
    head = ["户编号", "识别监测时间", "发现途径", "发现日期", "入户核实日期", "村级评议公示日期", "乡镇审核日期", "县级审定日期",
            "联系人选派日期", "帮扶计划日期", "风险消除日期", "风险消除方式", "监测对象类别", "风险类型1", "风险类型2",
            "风险类型3", "联系人电话"]  # fmt: skip
    ws.append(head)
    for c in cases.itertuples(index=False):
        tel = phone("l" + c.case_id)
        built.phones.add(tel)
        ws.append(
            [
                c.household_id,
                _ym(c.approved_on),
                c.channel,
                c.found_on,
                c.verified_on,
                c.village_review_on,
                c.township_audit_on,
                c.approved_on,
                c.contact_assigned_on,
                c.plan_on,
                c.eliminated_on,
                KIND_SPELLING.get(c.elimination_kind, "") if pd.notna(c.eliminated_on) else "",
                c.category,
                c.risk_1,
                c.risk_2,
                c.risk_3,
                tel,
            ]  # fmt: skip
        )
    ws = wb.create_sheet("走访记录")
    ws.append(["户编号", "走访日期", "走访人身份"])
    for v in f["visits"].itertuples(index=False):
        ws.append([hh_of[v.case_id], v.visited_on, v.visitor_role])
    ws = wb.create_sheet("帮扶措施")
    ws.append(["户编号", "帮扶措施", "落实日期", "反馈日期", "金额"])
    for m in f["assistance_measures"].itertuples(index=False):
        ws.append([hh_of[m.case_id], menu.at[m.policy_code, "name"], m.started_on, m.feedback_on, m.amount])
    wb.save(path)
    built.files["ledger"] = path
    return built


# Ids that are copied with a suffix when the sample is repeated into one large county (the keys and the
# columns that refer to them).
_COPIED_IDS = (
    "household_id",
    "person_id",
    "case_id",
    "measure_id",
    "visit_id",
    "record_id",
    "job_id",
    "student_id",
)


def big_county(out: Path, copies: int, folder: Path = SAMPLE) -> Path:
    """One county ``copies`` times the sample's size (the sample repeated in the same villages, every id
    suffixed with the copy's number): the national export of a large county, for the benchmark."""
    import shutil

    out.mkdir(parents=True, exist_ok=True)
    for path in folder.iterdir():
        if path.suffix == ".csv":
            continue
        if path.is_file():
            shutil.copy2(path, out / path.name)
    for path in sorted(folder.glob("*.csv")):
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        ids = [c for c in df.columns if c in _COPIED_IDS]
        if path.stem == "published_figures":
            continue  # the press conference's figures are the real county's, not this one's
        if not ids:
            df.to_csv(out / path.name, index=False)
            continue
        parts = []
        for k in range(copies):
            part = df.copy()
            if k:
                for c in ids:
                    filled = part[c] != ""
                    part.loc[filled, c] = part.loc[filled, c] + f"x{k}"
            parts.append(part)
        pd.concat(parts, ignore_index=True).to_csv(out / path.name, index=False)
    return out


def write_all(folder: Path, out: Path) -> Built:
    out.mkdir(parents=True, exist_ok=True)
    built = write_national(folder, out / "卢龙县防返贫监测信息_20220726.xlsx")
    write_wugong(folder, out / "务工监测_20220726.xlsx", built)
    write_rosters(
        folder, out / "卢龙县农村低保查询_20220726.xlsx", out / "卢龙县特困人员查询_20220726.xlsx", built
    )
    write_gongyi(folder, out / "乡村公益性岗位人员花名册_20220726.xlsx", built)
    write_ledger(folder, out / "程序台账_20220726.xlsx", built)
    return built


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lulong_data.generator.exports", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--folder", type=Path, default=SAMPLE)
    parser.add_argument("--out", type=Path, default=Path("var/exports"))
    args = parser.parse_args(argv)
    built = write_all(args.folder, args.out)
    for kind, path in built.files.items():
        print(f"{kind:9s} {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
