"""Names of import kinds, layouts, fields and datasets as the data status page shows them."""

from __future__ import annotations

from lulong_data.contract import DATASETS
from lulong_data.imports.profiles import TARGETS

KINDS = {
    "national": ("国家监测系统人员导出", "national monitoring export"),
    "wugong": ("务工监测表", "务工 (employment) sheet"),
    "dibao": ("民政农村低保花名册", "民政 rural dibao roster"),
    "tekun": ("民政特困人员花名册", "民政 tekun roster"),
    "gongyi": ("乡村公益性岗位人员花名册", "rural public-welfare post roster"),
    "ledger": ("本县程序台账", "county procedure ledger"),
}
TABLES = {
    ("ledger", "cases"): ("识别程序", "cases"),
    ("ledger", "visits"): ("走访记录", "visits"),
    ("ledger", "measures"): ("帮扶措施", "measures"),
}


def kind(kind: str | None, table: str | None, lang: str = "zh") -> str:
    if kind is None:
        return "未识别" if lang == "zh" else "not recognised"
    zh, en = KINDS.get(kind, (kind, kind))
    part = TABLES.get((kind, table or ""))
    if part:
        zh, en = f"{zh}·{part[0]}", f"{en} ({part[1]})"
    return zh if lang == "zh" else en


def target(kind: str | None, table: str | None, name: str, lang: str = "zh") -> str:
    t = TARGETS.get(kind or "", {}).get(table or "", {}).get(name)
    if t is None:
        return name
    return t.zh if lang == "zh" else name


def dataset(name: str, lang: str = "zh") -> str:
    ds = DATASETS.get(name)
    if ds is None:
        return name
    return ds.title if lang == "zh" else ds.title_en
