"""Import profiles: which real column names (and their variants) mean which field, and which real values
mean which contract value. One TOML file per kind of export; the package ships defaults in
``profiles/``, and a county's own copy in ``<data folder>/import_profiles/`` wins (the whole file).

The fields each kind understands (its *targets*) are fixed here, in code: a profile can only name
columns for them, so a typo in a profile is an error, not a silently ignored mapping. A profile that
lists one column name under two targets, or a file in which two columns map to one target, is an error
too (which one is meant?).

Profile layout (see profiles/national.toml)::

    [profile]
    kind = "national"             # must match the file name
    title_zh = "…"; title_en = "…"
    file_words = ["监测", …]      # words in a file name that suggest this kind (upload panel)

    [tables.persons]              # one layout of the kind (the ledger has three)
    min_matches = 6               # known columns a row needs to count as the header
    [tables.persons.columns]      # target = [names as exported, variants…]
    household = ["户编号", "家庭编号"]
    [tables.persons.multi]        # targets fed by any number of columns (multi-select measures)
    measures = ["产业帮扶", …]
    [tables.persons.known]        # columns known and deliberately not imported
    personal = ["联系电话", …]    # dropped: personal data
    unused = ["民族", …]          # dropped: not in the contract

    [values.risk]                 # real value = contract value ("" = empty on purpose)
    "因安全饮水" = "饮水安全问题"
"""

from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from lulong_data.contract import DATASETS, LABOUR_ABILITIES, MONITORING_CATEGORIES, RISKS

SHIPPED = Path(__file__).resolve().parent / "profiles"
COUNTY_FOLDER = "import_profiles"  # inside a county's data folder; the loader skips folders
KINDS = ("national", "wugong", "dibao", "tekun", "gongyi", "ledger")
PLACES = "places"


@dataclass(frozen=True)
class Target:
    """A field an import reads. ``values``: the contract values it may take (for value maps)."""

    kind: str  # text | id | date | month | int | float | bool | enum
    zh: str
    values: tuple[str, ...] = ()


def _enum(dataset: str, column: str) -> tuple[str, ...]:
    return DATASETS[dataset].column(column).values


_PLACE = {
    "province": Target("text", "省"),
    "city": Target("text", "市"),
    "county": Target("text", "县(市、区)"),
    "township": Target("text", "乡(镇)"),
    "village": Target("text", "行政村"),
}
_RISK = Target("enum", "致贫/返贫风险", RISKS)

# kind -> table -> target -> Target. "required" lists are in REQUIRED.
TARGETS: dict[str, dict[str, dict[str, Target]]] = {
    "national": {
        "persons": {
            **_PLACE,
            "household": Target("text", "户编号"),
            "id_number": Target("id", "证件号码"),
            "name": Target("text", "姓名"),
            "relation": Target("text", "与户主关系"),
            "sex": Target("enum", "性别", ("男", "女")),
            "labour": Target("enum", "劳动技能", LABOUR_ABILITIES),
            "health": Target("enum", "健康状况", _enum("persons", "health")),
            "household_type": Target("enum", "户类型", _enum("households", "household_type")),
            "exit_year": Target("int", "脱贫年度"),
            "family_size": Target("int", "家庭人口数"),
            "category": Target("enum", "监测对象类别", MONITORING_CATEGORIES),
            "no_labour": Target("bool", "整户无劳动能力兜底保障户"),
            **{f"risk_{i}": _RISK for i in range(1, 6)},
            "identified": Target("month", "识别监测时间"),
            "eliminated": Target("bool", "风险是否已消除"),
            "elimination_kind": Target("enum", "风险消除方式", _enum("monitoring_cases", "elimination_kind")),
            "eliminated_on": Target("month", "消除监测时间"),
            "income": Target("float", "人均纯收入"),
            "income_year": Target("int", "收入年度"),
            "education_ok": Target("bool", "义务教育保障"),
            "housing_ok": Target("bool", "住房安全保障"),
            "water_ok": Target("bool", "饮水安全保障"),
            "outcome": Target("enum", "返贫致贫标识", ("返贫", "致贫")),
            "measures": Target("enum", "帮扶措施"),  # multi: values are policy codes
        }
    },
    "wugong": {
        "jobs": {
            **_PLACE,
            "household": Target("text", "户编号"),
            "id_number": Target("id", "证件号码"),
            "name": Target("text", "姓名"),
            "channel": Target("enum", "就业渠道", _enum("employment", "channel")),
            "location": Target("enum", "务工地点", _enum("employment", "location")),
            "work_province": Target("text", "务工所在省"),
            "work_county": Target("text", "务工所在县"),
            "started": Target("date", "开始时间"),
            "ended": Target("date", "结束时间"),
        }
    },
    "dibao": {
        "roster": {
            **_PLACE,
            "id_number": Target("id", "户主身份证号"),
            "name": Target("text", "户主姓名"),
            "persons": Target("int", "保障人口数"),
            "family_size": Target("int", "家庭人口数"),
            "amount": Target("float", "户月保障金额"),
            "dibao_class": Target("int", "分类"),
            "tier": Target("int", "分档类型"),
            "started": Target("date", "最初享受月份"),
            "status": Target("enum", "保障状态", ("在保", "停保")),
            "ended": Target("date", "停保时间"),
            "phaseout": Target("date", "渐退期截止"),
        }
    },
    "tekun": {
        "roster": {
            **_PLACE,
            "id_number": Target("id", "身份证号码"),
            "name": Target("text", "姓名"),
            "persons": Target("int", "保障人口数"),
            "family_size": Target("int", "家庭人口数"),
            "amount": Target("float", "月供养金额"),
            "started": Target("date", "纳入时间"),
            "status": Target("enum", "保障状态", ("在保", "停保")),
            "ended": Target("date", "停保时间"),
        }
    },
    "gongyi": {
        "roster": {
            **_PLACE,
            "id_number": Target("id", "证件号码"),
            "name": Target("text", "姓名"),
            "post_type": Target("enum", "岗位类型", _enum("welfare_jobs", "post_type")),
            "started": Target("date", "上岗时间"),
            "months": Target("int", "聘期(月)"),
            "subsidy": Target("float", "月补贴(元)"),
            "year": Target("int", "年度"),
        }
    },
    "ledger": {
        "cases": {
            "household": Target("text", "户编号"),
            "identified": Target("month", "识别监测时间"),
            "channel": Target("enum", "发现途径", _enum("monitoring_cases", "channel")),
            "found_on": Target("date", "发现日期"),
            "verified_on": Target("date", "入户核实日期"),
            "village_review_on": Target("date", "村级评议公示日期"),
            "township_audit_on": Target("date", "乡镇审核日期"),
            "approved_on": Target("date", "县级审定日期"),
            "contact_assigned_on": Target("date", "联系人选派日期"),
            "plan_on": Target("date", "帮扶计划日期"),
            "eliminated_on": Target("date", "风险消除日期"),
            "elimination_kind": Target("enum", "风险消除方式", _enum("monitoring_cases", "elimination_kind")),
            "category": Target("enum", "监测对象类别", MONITORING_CATEGORIES),
            **{f"risk_{i}": _RISK for i in range(1, 4)},
        },
        "visits": {
            "household": Target("text", "户编号"),
            "visited_on": Target("date", "走访日期"),
            "visitor_role": Target("enum", "走访人身份", _enum("visits", "visitor_role")),
        },
        "measures": {
            "household": Target("text", "户编号"),
            "measure": Target("enum", "帮扶措施"),
            "started_on": Target("date", "落实日期"),
            "feedback_on": Target("date", "反馈日期"),
            "amount": Target("float", "金额"),
        },
    },
}
REQUIRED: dict[str, dict[str, tuple[str, ...]]] = {
    "national": {
        "persons": (
            "household",
            "id_number",
            "relation",
            "township",
            "village",
            "labour",
            "health",
            "household_type",
        )
    },
    "wugong": {"jobs": ("id_number", "channel", "started")},
    "dibao": {"roster": ("id_number", "township", "village", "persons", "amount", "started")},
    "tekun": {"roster": ("id_number", "township", "village", "amount", "started")},
    "gongyi": {"roster": ("id_number", "village", "post_type", "started", "months", "subsidy")},
    "ledger": {
        "cases": ("household", "found_on"),
        "visits": ("household", "visited_on"),
        "measures": ("household", "measure"),
    },
}
# [values.risk] maps the values of every risk_N column.
VALUE_GROUPS = {"risk": "risk_1"}
MULTI = {("national", "persons", "measures"), ("ledger", "measures", "measure")}


class ProfileError(ValueError):
    """A profile that cannot be used; ``zh``/``en`` say why and name the file."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


def norm(text: object) -> str:
    """A header or value as compared: NFKC (full-width → half-width), no blanks or line breaks."""
    return "".join(unicodedata.normalize("NFKC", str(text)).split())


@dataclass(frozen=True)
class Table:
    name: str
    min_matches: int
    columns: dict[str, tuple[str, ...]]  # target -> accepted names (as written in the profile)
    multi: dict[str, tuple[str, ...]]
    personal: tuple[str, ...]
    unused: tuple[str, ...]
    required: tuple[str, ...]
    lookup: dict[str, str] = field(default_factory=dict)  # normalised name -> target
    known: frozenset[str] = frozenset()  # normalised names known but not imported
    personal_norm: frozenset[str] = frozenset()

    def target_of(self, header: str) -> str | None:
        return self.lookup.get(norm(header))

    def names(self, target: str) -> tuple[str, ...]:
        return self.columns.get(target) or self.multi.get(target) or ()


@dataclass(frozen=True)
class Profile:
    kind: str
    title_zh: str
    title_en: str
    file_words: tuple[str, ...]
    tables: dict[str, Table]
    values: dict[str, dict[str, str]]  # target -> normalised real value -> contract value ("" = empty)
    multi_order: dict[str, tuple[str, ...]]  # target -> order of precedence when a cell holds several
    separators: tuple[str, ...]
    path: Path
    options: dict[str, object] = field(default_factory=dict)

    def value_map(self, target: str) -> dict[str, str]:
        """The value map of ``target`` (``risk_2`` uses ``[values.risk]`` unless it has its own)."""
        if target in self.values:
            return self.values[target]
        group = target.rsplit("_", 1)[0]
        return self.values.get(group, {})


@dataclass(frozen=True)
class Places:
    county_name: str
    province_name: str
    township_aliases: dict[str, str]  # old or variant name -> current name
    village_aliases: dict[str, str]  # "乡镇/村" or "村" -> village code
    suffixes: tuple[str, ...]
    township_suffixes: tuple[str, ...]
    path: Path


def profile_folders(data_folder: Path | None) -> list[Path]:
    """Where profiles are looked for, first wins: the county's data folder, then the shipped ones."""
    out = []
    if data_folder is not None:
        out.append(Path(data_folder) / COUNTY_FOLDER)
    out.append(SHIPPED)
    return out


def find(name: str, folders: list[Path]) -> Path:
    for folder in folders:
        path = folder / f"{name}.toml"
        if path.is_file():
            return path
    return SHIPPED / f"{name}.toml"


def _read(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise ProfileError(f"找不到导入配置 {path}", f"Import profile {path} not found") from None
    except (OSError, UnicodeError, tomllib.TOMLDecodeError) as exc:
        raise ProfileError(
            f"导入配置 {path} 无法读取:{exc}", f"Import profile {path} cannot be read: {exc}"
        ) from None


def _names(value: object, where: str, path: Path) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ProfileError(
            f"导入配置 {path}:{where} 应为列名列表", f"Import profile {path}: {where} must be a list of names"
        )
    return tuple(value)


def load(kind: str, folders: list[Path]) -> Profile:
    """The profile of ``kind``, checked against the targets of that kind."""
    if kind not in TARGETS:
        raise ProfileError(f"未知的导入类型「{kind}」", f"Unknown import kind '{kind}'")
    path = find(kind, folders)
    data = _read(path)
    head = data.get("profile", {})

    def fail(zh: str, en: str) -> ProfileError:
        return ProfileError(f"导入配置 {path}:{zh}", f"Import profile {path}: {en}")

    if head.get("kind") != kind:
        raise fail(f'[profile] kind 应为 "{kind}"', f'[profile] kind must be "{kind}"')
    tables: dict[str, Table] = {}
    targets_of_kind = TARGETS[kind]
    for tname, tdata in (data.get("tables") or {}).items():
        if tname not in targets_of_kind:
            raise fail(
                f"未知的表「{tname}」(可用:{'、'.join(targets_of_kind)})",
                f"unknown table '{tname}' (known: {', '.join(targets_of_kind)})",
            )
        known_targets = targets_of_kind[tname]
        columns = {
            t: _names(v, f"tables.{tname}.columns.{t}", path) for t, v in tdata.get("columns", {}).items()
        }
        multi = {t: _names(v, f"tables.{tname}.multi.{t}", path) for t, v in tdata.get("multi", {}).items()}
        for t in [*columns, *multi]:
            if t not in known_targets:
                raise fail(
                    f"表「{tname}」没有字段「{t}」(可用:{'、'.join(known_targets)})",
                    f"table '{tname}' has no field '{t}' (known: {', '.join(known_targets)})",
                )
        for t in multi:
            if (kind, tname, t) not in MULTI:
                raise fail(f"字段「{t}」不能由多列组成", f"field '{t}' cannot take several columns")
        known = tdata.get("known", {})
        personal = (
            _names(known.get("personal", []) or [], f"tables.{tname}.known.personal", path)
            if known.get("personal")
            else ()
        )
        unused = (
            _names(known.get("unused", []) or [], f"tables.{tname}.known.unused", path)
            if known.get("unused")
            else ()
        )
        lookup: dict[str, str] = {}
        for t, names in [*columns.items(), *multi.items()]:
            for n in names:
                key = norm(n)
                if key in lookup and lookup[key] != t:
                    raise fail(
                        f"列名「{n}」同时对应「{lookup[key]}」和「{t}」两个字段(一列只能对应一个字段)",
                        f"column name '{n}' maps to both '{lookup[key]}' and '{t}' (one column, one field)",
                    )
                lookup[key] = t
        for n in [*personal, *unused]:
            if norm(n) in lookup:
                raise fail(
                    f"列名「{n}」既被导入又被列为不导入",
                    f"column name '{n}' is both imported and listed as not imported",
                )
        required = REQUIRED[kind][tname]
        for t in required:
            if t not in columns and t not in multi:
                raise fail(f"缺少必需字段「{t}」的列名", f"no column names for the required field '{t}'")
        tables[tname] = Table(
            name=tname,
            min_matches=int(tdata.get("min_matches", max(2, len(required)))),
            columns=columns,
            multi=multi,
            personal=personal,
            unused=unused,
            required=required,
            lookup=lookup,
            known=frozenset(norm(n) for n in [*personal, *unused]),
            personal_norm=frozenset(norm(n) for n in personal),
        )
    if not tables:
        raise fail("没有任何 [tables.…]", "no [tables.…] section")
    all_targets = {t for tt in targets_of_kind.values() for t in tt} | set(VALUE_GROUPS)
    values: dict[str, dict[str, str]] = {}
    for t, mapping in (data.get("values") or {}).items():
        if t not in all_targets:
            raise fail(f"[values.{t}]:没有这个字段", f"[values.{t}]: no such field")
        if not isinstance(mapping, dict):
            raise fail(
                f"[values.{t}] 应为 取值 = 约定值 的表", f"[values.{t}] must be a table of value = value"
            )
        allowed = _allowed_values(kind, t)
        out: dict[str, str] = {}
        for real, contract in mapping.items():
            contract = str(contract)
            if allowed is not None and contract not in allowed and contract != "":
                raise fail(
                    f"[values.{t}]「{real}」= 「{contract}」不是约定中的取值(可用:{'、'.join(allowed)})",
                    f"[values.{t}] '{real}' = '{contract}' is not a contract value (known: {', '.join(allowed)})",
                )
            out[norm(real)] = contract
        values[t] = out
    order = {t: tuple(v) for t, v in (data.get("multi_order") or {}).items()}
    seps = tuple(data.get("separators", {}).get("values", [",", "，", "、", ";", "；", "/", "|", "\n"]))
    return Profile(
        kind=kind,
        title_zh=str(head.get("title_zh", kind)),
        title_en=str(head.get("title_en", kind)),
        file_words=tuple(head.get("file_words", [])),
        tables=tables,
        values=values,
        multi_order=order,
        separators=seps,
        path=path,
        options=dict(data.get("options", {})),
    )


def _allowed_values(kind: str, target: str) -> tuple[str, ...] | None:
    """Contract values a value map of ``target`` may produce; None = anything (measures → policy codes,
    ints → numbers as text)."""
    target = VALUE_GROUPS.get(target, target)
    for table in TARGETS[kind].values():
        t = table.get(target)
        if t is None:
            continue
        if t.kind == "bool":
            return ("是", "否")
        if t.kind == "enum" and t.values:
            return t.values
        return None
    return None


def load_places(folders: list[Path]) -> Places:
    path = find(PLACES, folders)
    data = _read(path).get("places", {})
    return Places(
        county_name=str(data.get("county_name", "")),
        province_name=str(data.get("province_name", "")),
        township_aliases={norm(k): str(v) for k, v in (data.get("township_aliases") or {}).items()},
        village_aliases={norm(k): str(v) for k, v in (data.get("village_aliases") or {}).items()},
        suffixes=tuple(
            data.get("village_suffixes", ["村民委员会", "村委会", "居民委员会", "居委会", "社区", "村"])
        ),
        township_suffixes=tuple(
            data.get("township_suffixes", ["人民政府", "街道办事处", "街道", "镇", "乡"])
        ),
        path=path,
    )


def load_all(folders: list[Path]) -> dict[str, Profile]:
    return {kind: load(kind, folders) for kind in KINDS}
