"""What an import tells the data office, in Chinese and English, and the guard that keeps personal
numbers out of every word of it.

Messages name the file (and sheet), the row as Excel counts it, the column as it is headed in the export
and the value — except a personal number, which is never repeated, not even masked: every text that
leaves an import goes through :func:`redact` as a last line of defence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lulong_data.contract import Problem

# An 18-digit ID number (last character may be X), an old 15-digit one, a mainland mobile number, and a
# fixed-line number with area code. Bounded by non-digits so that longer codes are left alone.
_PERSONAL = re.compile(
    r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15}|1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?![0-9A-Za-z])"
)
HIDDEN = "[已隐去]"

TEMPLATES: dict[str, tuple[str, str]] = {
    # files and layouts
    "file_missing": ("文件不存在或无法读取:{reason}", "The file does not exist or cannot be read: {reason}"),
    "file_empty": ("文件是空的", "The file is empty"),
    "file_format": (
        "无法识别的文件格式「{suffix}」:请导出为 Excel(.xlsx)或 CSV",
        "Unknown file format '{suffix}': export it as Excel (.xlsx) or CSV",
    ),
    "xls_no_reader": (
        "这是旧版 Excel(.xls)文件,本系统没有安装读取它的组件:请在 Excel 或 WPS 中另存为 .xlsx 后再导入",
        "This is an old Excel (.xls) file and no reader for it is installed: save it as .xlsx in Excel "
        "or WPS and import that",
    ),
    "file_corrupt": (
        "文件无法打开,可能已损坏或不是真正的 {fmt} 文件({reason})",
        "The file cannot be opened; it may be damaged or not a real {fmt} file ({reason})",
    ),
    "file_not_excel": (
        "文件其实是{what_zh},不是真正的 {fmt} 文件:请在 Excel 或 WPS 中打开它,另存为 .xlsx 后再导入",
        "The file is really {what_en}, not a real {fmt} file: open it in Excel or WPS, save it as .xlsx "
        "and import that",
    ),
    "csv_encoding": (
        "无法识别 CSV 文件的编码;请另存为“CSV UTF-8”或 GB18030/GBK",
        "Unknown CSV encoding; save it as 'CSV UTF-8' or GB18030/GBK",
    ),
    "layout_unknown": (
        "不是可导入的导出文件:前 {rows} 行中没有任何已知导出表的表头(可导入:{kinds})。"
        "如这不是本周要导入的文件,请从上传列表中移除;如是,请核对表头是否被改动过",
        "Not an export this import knows: none of the first {rows} rows is the header of a known export "
        "({kinds}). If the file is not one of this week's exports, remove it from the upload; if it is, check "
        "whether its header was edited",
    ),
    "header_not_found": (
        "找不到「{title}」的表头:前 {rows} 行中没有一行同时含有 {required}{hint_zh}",
        "Cannot find the header of '{title_en}': none of the first {rows} rows holds {required}{hint_en}",
    ),
    "sheet_skipped": (
        "工作表没有可识别的表头,已跳过",
        "The sheet has no header this import recognises; skipped",
    ),
    "missing_column": (
        "缺少必需的列「{target}」(可用列名:{names}){hint_zh}",
        "Required column '{target}' is missing (accepted names: {names}){hint_en}",
    ),
    "two_columns_one_target": (
        "「{first}」和「{second}」两列都对应「{target}」,无法确定以哪列为准;请删去一列或修改导入配置",
        "Columns '{first}' and '{second}' both map to '{target}'; it is unclear which one is meant. "
        "Delete one or change the import profile",
    ),
    "unknown_column": (
        "未识别的列,未导入(如需导入,请在导入配置中加入列名)",
        "Unknown column, not imported (add its name to the import profile to use it)",
    ),
    "unmapped_value": (
        "「{col}」的值「{value}」在导入配置中没有对应的{target}取值,按空值处理{more}",
        "The value '{value}' of '{col}' has no mapping to {target} in the import profile; left empty{more}",
    ),
    "missing_value": (
        "「{col}」没有填写({target}不能为空){more}",
        "'{col}' is empty ({target} is required){more}",
    ),
    "id_as_number": (
        "证件号码被 Excel 存成了数字,末几位已经丢失,无法使用;请把该列设为文本格式后重新导出",
        "The ID number was stored by Excel as a number and lost its last digits; format the column as "
        "text and export again",
    ),
    "unmapped_measure": (
        "帮扶措施「{value}」在导入配置和本县帮扶政策菜单中都找不到,未导入",
        "The measure '{value}' is neither in the import profile nor in the county's policy menu; "
        "not imported",
    ),
    # places
    "township_renamed": (
        "乡镇名称「{value}」按「{name}」({place_code})识别",
        "Township name '{value}' read as {name} ({place_code})",
    ),
    "village_renamed": (
        "村名「{value}」按{township}「{name}」({place_code})识别",
        "Village name '{value}' read as {name} of {township} ({place_code})",
    ),
    "township_unknown": (
        "乡镇「{value}」不在本县乡镇名单中",
        "Township '{value}' is not in the county's list of townships",
    ),
    "village_unknown": (
        "无法确定村「{value}」({township}):本县行政村名单中没有这个村{hint_zh}",
        "Cannot place village '{value}' ({township}): no such village in the county's list{hint_en}",
    ),
    "village_ambiguous": (
        "村名「{value}」在本县有 {count} 个({options}),而乡镇「{township}」无法确定是哪一个",
        "Village name '{value}' occurs {count} times in the county ({options}) and the township "
        "'{township}' does not say which",
    ),
    "village_missing": ("没有行政村名称,无法确定所在村", "No village name: the row cannot be placed"),
    "other_county": (
        "该行属于「{value}」,不是本县({county}),未导入",
        "The row belongs to '{value}', not to this county ({county}); not imported",
    ),
    # people
    "id_missing": (
        "证件号码为空,无法生成人员假名,该行未导入",
        "No ID number: no pseudonym can be made; row not imported",
    ),
    "id_checksum": (
        "证件号码校验位不对(可能录错一位);照原样生成假名,与其他导出可能对不上",
        "The ID number's check character is wrong (a typo?); its pseudonym may not match other exports",
    ),
    "id_other": (
        "证件号码不是 15 或 18 位身份证号;照原样生成假名,性别和出生年份取自其他列",
        "The ID number is not a 15- or 18-digit citizen number; pseudonymised as it is; sex and birth "
        "year taken from other columns",
    ),
    "birth_unknown": (
        "无法从证件号码得到出生年份,该人员未导入",
        "No birth year can be read from the ID number; person not imported",
    ),
    "person_twice": (
        "同一证件号码在第 {first} 行已出现,本行未导入",
        "The same ID number already appears on row {first}; this row is not imported",
    ),
    "sex_differs": (
        "「{col}」与证件号码的性别不一致,按证件号码",
        "'{col}' disagrees with the sex in the ID number; the ID number is used",
    ),
    "no_head": (
        "户编号 {value} 没有与户主关系为「户主」的成员,按第一行成员作户主",
        "Household {value} has no member whose relation is 户主; its first row is taken as the head",
    ),
    "two_heads": (
        "户编号 {value} 有 {count} 个户主,取第一个",
        "Household {value} has {count} heads; the first one is used",
    ),
    "household_differs": (
        "户编号 {household} 的成员在「{col}」上不一致(户主行为「{head}」),按户主行",
        "Members of household {household} differ in '{col}' (head's row: '{head}'); the head's row is used",
    ),
    "size_differs": (
        "户编号 {value} 的家庭人口数为 {stated},导出中有 {rows} 人;按导出中的人数",
        "Household {value} states {stated} members but the export lists {rows}; the listed members count",
    ),
    "case_incomplete": (
        "监测对象缺少{what},未作为监测对象导入",
        "The monitoring case lacks {what}; not imported as a case",
    ),
    "measures_undated": (
        "国家系统导出中帮扶措施没有落实日期:{count} 项措施按所属监测对象的识别监测月份计"
        "(导入本县程序台账的措施表后改用实际日期)",
        "The national export gives no date for measures: {count} measures are dated to their case's month of "
        "identification (the county's ledger of measures, when imported, gives the real dates)",
    ),
    "risks_dropped": (
        "数据约定只保存 3 项风险,「{col}」等第 4 项以后的风险未导入({count} 行)",
        "The contract keeps 3 risks; '{col}' and later risks are not imported ({count} rows)",
    ),
    # derived and dropped rows
    "dropped_rows": (
        "「{title}」中 {count} 行所指的{what}已不在新导入的数据中,已删除(例:{example})",
        "{count} rows of {title_en} referred to {what_en} no longer in the imported data; removed "
        "(e.g. {example})",
    ),
    "dropped_all_rows": (
        "「{title}」的全部 {count} 行所指的{what}已不在新导入的数据中,已全部删除,该数据不再写出,相关指标将显示"
        "为未提供:请一并导入{bringer}(例:{example})",
        "All {count} rows of {title_en} referred to {what_en} no longer in the imported data and were removed; "
        "the dataset is left out, so its figures will read as not supplied: import the {bringer_en} with it "
        "(e.g. {example})",
    ),
    "unlinked_rows": (
        "「{title}」中 {count} 行的户编号已不在新导入的农户中,户编号已清空(例:{example})",
        "{count} rows of {title_en} referred to households no longer imported; their household_id was "
        "cleared (e.g. {example})",
    ),
    "kept_procedure": (
        "{count} 个监测对象沿用现有数据中的程序台账信息(发现途径、各环节日期)",
        "{count} monitoring cases keep the procedure data (channel, step dates) they had in the current data",
    ),
    "kept_earlier_cases": (
        "{count} 个已消除风险的以往监测对象沿用现有数据中的记录(国家系统导出只列出每户最近一次识别)",
        "{count} earlier monitoring cases whose risk was eliminated are kept from the current data (the national "
        "export lists each household's latest identification only)",
    ),
    "ledger_earlier_cases": (
        "{count} 个已消除风险的以往监测对象由本县程序台账补入(国家系统导出只列出每户最近一次识别)",
        "{count} earlier monitoring cases whose risk was eliminated are added from the county ledger (the "
        "national export lists each household's latest identification only)",
    ),
    "person_unknown": (
        "证件号码不在农户成员名单(国家系统导出)中,该行未导入",
        "The ID number is not among the household members (national export); row not imported",
    ),
    "household_unknown": (
        "户编号 {value} 不在农户名单中,该行未导入",
        "Household {value} is not on the households roll; row not imported",
    ),
    "case_unknown": (
        "户编号 {value} 没有对应的监测对象,该行未导入",
        "Household {value} has no monitoring case this row could belong to; row not imported",
    ),
    "bad_date": ("「{col}」不是日期:{value}{more}", "'{col}' is not a date: {value}{more}"),
    "bad_number": ("「{col}」不是数字:{value}{more}", "'{col}' is not a number: {value}{more}"),
    "date_order": ("结束时间早于开始时间", "The end date is before the start date"),
    "duplicate_row": (
        "与第 {first} 行重复(同一人、同一开始时间),未导入",
        "Repeats row {first} (same person and start); not imported",
    ),
    "post_twice": (
        "与第 {first} 行重复(同一人、同一年度、同一上岗月份),未导入",
        "Repeats row {first} (same person, year and start month); not imported",
    ),
    "unmapped_post_type": (
        "「{col}」的值「{value}」在导入配置中没有对应的岗位类型,按「其他」导入{more}。"
        "如属已有岗位类型的另一种写法或新设岗位,请系统管理员在导入配置(gongyi.toml)的岗位类型中补充",
        "The value '{value}' of '{col}' has no mapping to a post type in the import profile; imported as "
        "其他 (other){more}. If it is another spelling of a known type or a new post, the administrator adds "
        "it to the post types of the import profile (gongyi.toml)",
    ),
    "out_of_range": (
        "「{col}」的值「{value}」应为 {range} 的数",
        "'{col}' holds '{value}', not a number in {range}",
    ),
    "roster_twice": (
        "同一证件号码在第 {first} 行已有一条{scheme}记录,本行未导入",
        "The same ID number already has a {scheme} record on row {first}; this row is not imported",
    ),
    "ended_record": ("已停保/退出,未导入", "Ended (停保/退出); not imported"),
    # the whole run
    "base_unreadable": (
        "无法读取 --base 数据文件夹 {folder}:{reason}",
        "Cannot read the --base data folder {folder}: {reason}",
    ),
    "base_no_places": (
        "--base 数据文件夹中没有可用的乡镇和行政村名单(townships、villages),无法把地名换成代码",
        "The --base folder has no usable townships and villages, so place names cannot be coded",
    ),
    "out_exists": (
        "--out {folder} 已存在且不是数据文件夹,未作改动;请指定新文件夹或现有数据文件夹",
        "--out {folder} exists and is not a data folder; nothing was changed. Name a new folder or a data "
        "folder",
    ),
    "secret_inside": (
        "本县假名密钥 {path} 位于数据文件夹内,可能随数据外传;请移到数据文件夹之外(LULONG_SECRET_FILE)",
        "The county's pseudonym secret {path} lies inside a data folder and could travel with the data; "
        "move it outside (LULONG_SECRET_FILE)",
    ),
    "secret": ("{zh}", "{en}"),
    "profile": ("导入配置有误:{zh}", "Import profile error: {en}"),
    "no_rows": ("没有可导入的数据行", "No data rows to import"),
    "result_invalid": (
        "导入结果未通过数据约定校验,未写出(见下列问题)",
        "The imported folder fails the data contract check and was not written (see the problems below)",
    ),
    "wrong_kind": (
        "这份文件看起来是「{other}」,不是「{title}」",
        "This file looks like {other_en}, not {title_en}",
    ),
    "export_date": ("导出时间:{value}", "Exported on {value}"),
    "export_older": (
        "导出时间为 {date},比本次最新的导出文件({newest})早 {days} 天,可能不是本周的文件:"
        "请核对,如是旧文件请重新导出后再上传",
        "Exported on {date}, {days} days before the newest export of this upload ({newest}): it may not be "
        "this week's file. Check it; if it is an old one, export it again and upload that",
    ),
}


def redact(text: object) -> str:
    """The text with every ID-, mobile- or phone-like number replaced by [已隐去]."""
    return _PERSONAL.sub(HIDDEN, "" if text is None else str(text))


def problem(
    code: str,
    file: str,
    *,
    severity: str = "error",
    row: int | None = None,
    column: str | None = None,
    value: object = None,
    **fields: object,
) -> Problem:
    """One finding of an import; every text field goes through :func:`redact`."""
    zh, en = TEMPLATES[code]
    shown = None if value is None else redact(value)
    fields = {k: redact(v) for k, v in fields.items()}
    fields.setdefault("col", column or "")
    fields.setdefault("more", "")
    return Problem(
        severity=severity,
        file=redact(file),
        message_zh=redact(zh.format(value=shown or "", **fields)),
        message_en=redact(en.format(value=shown or "", **fields)),
        row=None if row is None else int(row),
        column=None if column is None else redact(column),
        value=shown,
        code=f"import_{code}",
    )


def errors(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]
