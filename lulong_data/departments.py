"""Departments responsible for the county's figures, by their full official names.

The names are those of the 2022-07-27 press conference (shared/seed) and the team plan; a figure's source
is never written in short form (县人社局) on a page, an export or a press text. Data files written by
hand often carry the short forms: :func:`full_name` turns those into full names for display.
"""

from __future__ import annotations

COUNTY = "卢龙县"

GOVERNMENT = "卢龙县人民政府"  # "卢龙县政府" at the conference: the county's divisions and population
RENSHE = "卢龙县人力资源和社会保障局"
MINZHENG = "卢龙县民政局"
NONGYE = "卢龙县农业农村局"
XIANGCUN = "卢龙县乡村振兴局"
JIAOYU = "卢龙县教育局"
WEIJIAN = "卢龙县卫生健康局"
YIBAO = "卢龙县医疗保障局"
FANGPIN = "卢龙县防贫中心"  # the 正科级 centre of the conference ("县级成立正科级防贫中心")

# Short forms seen in data files -> full names. Anything else starting with 县 gets the county's name.
_SHORT = {
    "县政府": GOVERNMENT,
    "县人社局": RENSHE,
    "县人力资源和社会保障局": RENSHE,
    "县民政局": MINZHENG,
    "县农业农村局": NONGYE,
    "县乡村振兴局": XIANGCUN,
    "县教育局": JIAOYU,
    "县卫健委": WEIJIAN,
    "县卫健局": WEIJIAN,
    "县卫生健康局": WEIJIAN,
    "县医保局": YIBAO,
    "县医疗保障局": YIBAO,
    "县防贫中心": FANGPIN,
}


def full_name(name: str | None, county: str = COUNTY) -> str:
    """``县卫健委`` -> ``卢龙县卫生健康局``; ``县财政局`` -> ``卢龙县财政局``; a full name is kept.

    ``county`` is the county the data belong to (lulong_data.county.name_of), for multi-county folders.
    """
    text = (name or "").strip()
    if not text:
        return ""
    if text in _SHORT:
        text = _SHORT[text]
    elif text.startswith("县"):
        text = COUNTY + text[1:]
    if county != COUNTY and text.startswith(COUNTY):
        text = county + text[len(COUNTY) :]
    return text


DEPARTMENTS_EN = {
    GOVERNMENT: "Lulong County People's Government",
    RENSHE: "Lulong County Human Resources and Social Security Bureau",
    MINZHENG: "Lulong County Civil Affairs Bureau",
    NONGYE: "Lulong County Agriculture and Rural Affairs Bureau",
    XIANGCUN: "Lulong County Rural Revitalisation Bureau",
    JIAOYU: "Lulong County Education Bureau",
    WEIJIAN: "Lulong County Health Commission",
    YIBAO: "Lulong County Healthcare Security Bureau",
    FANGPIN: "Lulong County Poverty Prevention Centre",
}
