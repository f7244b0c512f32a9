"""The wording of every problem the loader reports, in Chinese and English.

Messages are written for the clerk who made the file: they name the row as Excel counts it, the
column as it appears in their header and the value they typed. Templates are keyed by the stable
machine code stored in :attr:`Problem.code`, so the two languages cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable

import pandas as pd

from lulong_data.contract import DATASETS, Problem

# A folder with a systematic mistake (say, every village code off by one digit) would otherwise
# produce hundreds of thousands of identical lines nobody reads; the rest are counted in one line.
MAX_PER_GROUP = 500

TEMPLATES: dict[str, tuple[str, str]] = {
    # folder and files
    "folder_unreadable": (
        "无法读取数据文件夹 {folder}:{reason_zh}",
        "Cannot read the data folder {folder}: {reason_en}",
    ),
    "missing_file": (
        "缺少必需的数据文件「{title}」:应为 {dataset}.csv、{dataset}.xlsx 或 {dataset}.parquet",
        "Required data file '{title_en}' is missing: expected {dataset}.csv, .xlsx or .parquet",
    ),
    "two_forms": (
        "「{title}」同时有 {files} 两种文件,无法确定以哪个为准,请只保留一个",
        "'{title_en}' is given twice ({files}); keep only one so it is clear which one is meant",
    ),
    "unknown_file": (
        "不是约定的数据文件,已忽略{hint_zh}",
        "Not a file of the data contract; ignored{hint_en}",
    ),
    "empty_file": (
        "文件是空的,连表头都没有",
        "The file is empty, not even a header row",
    ),
    "corrupt_file": (
        "文件无法打开,可能已损坏或不是真正的 {fmt} 文件({reason})",
        "The file cannot be opened; it may be damaged or not a real {fmt} file ({reason})",
    ),
    "bad_encoding": (
        "无法识别文件编码;请在 Excel 中另存为“CSV UTF-8”或普通 CSV(GBK)",
        "Unknown text encoding; save it from Excel as 'CSV UTF-8' or plain CSV (GBK)",
    ),
    "bad_csv": (
        "CSV 文件格式有误,无法读取({reason})",
        "The CSV file is malformed and cannot be read ({reason})",
    ),
    "csv_ragged": (
        "第 {row} 行有 {seen} 个单元格,而表头只有 {expected} 列(可能是某个单元格里有未加引号的逗号)",
        "Row {row} has {seen} cells but the header has {expected} columns (perhaps an unquoted comma "
        "inside a cell)",
    ),
    "csv_open_quote": (
        '文件中有未闭合的引号("),从某一行起读不下去了;请检查带引号的单元格',
        'A quote (") is never closed, so the rest of the file cannot be read; check quoted cells',
    ),
    "no_header": (
        "第 1 行应为表头,但它是空的",
        "Row 1 should hold the column headers but it is empty",
    ),
    # headers
    "extra_columns": (
        "有约定之外的列:{columns}。这些列已保留,但不做检查",
        "Columns not in the data contract: {columns}. They are kept but not checked",
    ),
    "blank_header": (
        "第 {position} 列有数据但没有表头,该列已忽略",
        "Column {position} has data but no header; it is ignored",
    ),
    "missing_column": (
        "缺少必需的列「{alias}」(也可写作 {name})",
        "Required column '{name}' ({alias}) is missing",
    ),
    "duplicate_column": (
        "「{first}」和「{second}」是同一列({name}),只能出现一次;已使用「{first}」",
        "'{first}' and '{second}' are the same column ({name}); give it once. '{first}' is used",
    ),
    # personal identifiers
    "personal_id_number": (
        "「{col}」列含有身份证号(如 {example},共 {count} 处)。数据文件不得包含身份证号,"
        "请删除该列或改用编号后重新导出",
        "Column {col} holds ID card numbers (e.g. {example}, {count} cells). Data files must not "
        "contain ID numbers: remove the column or use pseudonymous ids",
    ),
    "personal_mobile": (
        "「{col}」列含有手机号码(如 {example},共 {count} 处)。数据文件不得包含手机号码,请删除该列后重新导出",
        "Column {col} holds mobile numbers (e.g. {example}, {count} cells). Data files must not "
        "contain phone numbers: remove the column",
    ),
    # text cells (lulong_data.cells)
    "text_control": (
        "第 {row} 行「{col}」含有不可见的控制字符({chars}),可能是从其他系统复制时带入的;请删除后重新保存",
        "Row {row}, {col}: the cell holds invisible control characters ({chars}), perhaps copied from another "
        "system; remove them and save again",
    ),
    "text_too_long": (
        "第 {row} 行「{col}」有 {length} 个字,超过上限 {cap} 个字",
        "Row {row}, {col}: {length} characters, more than the limit of {cap}",
    ),
    "header_moved": (
        "表头似乎在第{row}行:{above_zh}像是标题,已跳过;行号仍按 Excel 计",
        "The header seems to be on row {row}: {above_en} looks like a title and is skipped; rows are "
        "numbered as in Excel",
    ),
    "as_of_future": (
        "数据截至日期 {value} 晚于今天({today}),请核对 manifest.toml 中的 data_as_of",
        "The data's as-of date {value} is after today ({today}); check data_as_of in manifest.toml",
    ),
    # cells
    "bad_code": (
        "第 {row} 行「{col}」的值“{value}”不是 {length} 位数字代码",
        "Row {row}, {col}: '{value}' is not a {length}-digit code",
    ),
    "bad_code_scientific": (
        "第 {row} 行「{col}」的值“{value}”是科学计数法,代码的后几位已经丢失;请把该列设为“文本”格式后重新填写",
        "Row {row}, {col}: '{value}' is in scientific notation and the last digits of the code are "
        "lost; format the column as Text and type the codes again",
    ),
    "bad_date": (
        "第 {row} 行「{col}」的值“{value}”不是有效日期(应为 YYYY-MM-DD)",
        "Row {row}, {col}: '{value}' is not a valid date (expected YYYY-MM-DD)",
    ),
    "month_date_day_precision": (
        "第 {row} 行的日期只有年月(如 202206),但「{col}」填的是“{value}”;请改为“月”或留空",
        "Row {row}: a date gives only the month (e.g. 202206) but {col} says '{value}'; write 月 or leave it "
        "empty",
    ),
    "bad_period": (
        "第 {row} 行「{col}」的值“{value}”不是有效月份(应为 YYYY-MM)",
        "Row {row}, {col}: '{value}' is not a valid month (expected YYYY-MM)",
    ),
    "bad_int": (
        "第 {row} 行「{col}」的值“{value}”不是整数",
        "Row {row}, {col}: '{value}' is not a whole number",
    ),
    "bad_float": (
        "第 {row} 行「{col}」的值“{value}”不是数字",
        "Row {row}, {col}: '{value}' is not a number",
    ),
    "bad_bool": (
        "第 {row} 行「{col}」的值“{value}”应为“是”或“否”",
        "Row {row}, {col}: '{value}' should be yes (是) or no (否)",
    ),
    "required_value": (
        "第 {row} 行「{col}」不能为空",
        "Row {row}, {col}: a value is required",
    ),
    "below_min": (
        "第 {row} 行「{col}」的值“{value}”不能小于 {min}",
        "Row {row}, {col}: '{value}' must not be less than {min}",
    ),
    "above_max": (
        "第 {row} 行「{col}」的值“{value}”不能大于 {max}",
        "Row {row}, {col}: '{value}' must not be more than {max}",
    ),
    "not_allowed": (
        "第 {row} 行「{col}」的值“{value}”不是允许的取值(应为 {allowed} 之一)",
        "Row {row}, {col}: '{value}' is not allowed (expected one of {allowed})",
    ),
    "duplicate_key": (
        "第 {row} 行「{col}」的值“{value}”与第 {first_row} 行重复(编号必须唯一)",
        "Row {row}, {col}: '{value}' repeats row {first_row} (ids must be unique)",
    ),
    "schema_failure": (
        "第 {row} 行「{col}」的值“{value}”未通过检查({check})",
        "Row {row}, {col}: '{value}' failed the check {check}",
    ),
    # cross-dataset rules
    "fk_missing": (
        "第 {row} 行「{col}」的值“{value}”在「{ref_title}」({ref_dataset})中找不到",
        "Row {row}, {col}: '{value}' does not exist in {ref_title_en} ({ref_dataset})",
    ),
    "fk_unchecked": (
        "「{col}」无法核对:缺少「{ref_title}」数据({ref_dataset})",
        "{col} cannot be checked: {ref_title_en} ({ref_dataset}) is missing",
    ),
    "village_not_in_township": (
        "第 {row} 行村代码“{value}”的前 9 位与乡镇代码“{township}”不一致",
        "Row {row}: the first 9 digits of village code '{value}' differ from township code '{township}'",
    ),
    "persons_mismatch": (
        "第 {row} 行户“{household}”的家庭人口为 {value},但家庭成员表中有 {count} 人",
        "Row {row}: household '{household}' has persons = {value} but {count} rows in persons",
    ),
    "exit_year_missing": (
        "第 {row} 行是脱贫户,但「脱贫年度」为空",
        "Row {row}: a 脱贫户 (formerly poor household) needs its exit year",
    ),
    "exit_year_unexpected": (
        "第 {row} 行是一般农户,却填写了「脱贫年度」“{value}”",
        "Row {row}: an ordinary household (一般农户) has exit year '{value}'",
    ),
    "category_mismatch": (
        "第 {row} 行监测对象类别为“{value}”,但户“{household}”是{household_type};{value}只能是{allowed}",
        "Row {row}: category '{value}' but household '{household}' is a {household_type}; "
        "{value} applies only to a {allowed}",
    ),
    "date_order": (
        "第 {row} 行「{col}」{value} 早于「{prev_col}」{prev}"
        "(顺序应为 发现→入户核实→村级评议→乡镇审核→县级审定)",
        "Row {row}: {col} {value} is before {prev_col} {prev} (the procedure goes found → "
        "verified → village review → township audit → county approval)",
    ),
    "eliminated_before_approved": (
        "第 {row} 行「{col}」{value} 早于县级审定日期 {approved}",
        "Row {row}: {col} {value} is before the county approval {approved}",
    ),
    "eliminated_not_approved": (
        "第 {row} 行尚未县级审定,却填写了「{col}」{value}",
        "Row {row}: {col} {value} is set but the case was never approved by the county",
    ),
    "elimination_kind_missing": (
        "第 {row} 行已填写风险消除日期,但「{col}」为空",
        "Row {row}: the risk is eliminated but {col} is empty",
    ),
    "elimination_kind_unexpected": (
        "第 {row} 行没有风险消除日期,却填写了「{col}」“{value}”",
        "Row {row}: {col} is '{value}' but no elimination date is given",
    ),
    "income_at_elimination_unexpected": (
        "第 {row} 行没有风险消除日期,却填写了「{col}」“{value}”",
        "Row {row}: {col} is '{value}' but no elimination date is given",
    ),
    "outcome_mismatch": (
        "第 {row} 行返贫致贫标识为“{value}”,但户“{household}”是{household_type};{value}只适用于{allowed}",
        "Row {row}: outcome '{value}' but household '{household}' is a {household_type}; "
        "{value} applies only to a {allowed}",
    ),
    "ended_before_started": (
        "第 {row} 行「{col}」{value} 早于就业日期 {started}",
        "Row {row}: {col} {value} is before the start of work {started}",
    ),
    "persons_above_family": (
        "第 {row} 行保障人数 {value} 大于家庭人口数 {family_size}",
        "Row {row}: persons covered ({value}) exceed the family size ({family_size})",
    ),
    "population_duplicate": (
        "第 {row} 行:{year} 年{place}{basis}{scope}与第 {first_row} 行重复",
        "Row {row}: the {year} {basis} {scope} of {place} repeats row {first_row}",
    ),
    "date_outside_year": (
        "第 {row} 行「{col}」{value} 不在该行的年度 {year} 年内",
        "Row {row}: {col} {value} is not within the row's year {year}",
    ),
    "dated_after_year": (
        "第 {row} 行「{col}」{value} 在该行的年度 {year} 年之后,不计入任何年度的统计;请核对年度或日期",
        "Row {row}: {col} {value} is after the row's year {year}, so it counts in no year's figures; "
        "check the year or the date",
    ),
    "date_outside_period": (
        "第 {row} 行「{col}」{value} 不在该行的月份 {period} 内",
        "Row {row}: {col} {value} is not within the row's month {period}",
    ),
    "target_sum": (
        "第 {row} 行:{year} 年各乡镇目标人数合计 {total},与全县目标 {value} 不一致",
        "Row {row}: township targets for {year} add up to {total}, not the county target {value}",
    ),
    "county_code_mismatch": (
        "第 {row} 行县代码“{value}”与乡镇代码“{township}”的前 6 位不一致",
        "Row {row}: county code '{value}' differs from the first 6 digits of township code '{township}'",
    ),
    "county_code_unknown": (
        "第 {row} 行县代码“{value}”不在乡镇表的县代码({codes})中",
        "Row {row}: county code '{value}' is not a county of the townships table ({codes})",
    ),
    "county_code_missing": (
        "第 {row} 行是全县数据(乡镇代码为空),但本文件夹有 {count} 个县({codes}):请填写县代码",
        "Row {row}: a county-wide row (empty township code) in a folder of {count} counties ({codes}): "
        "fill in the county code",
    ),
    "target_duplicate": (
        "第 {row} 行:{year} 年{place}的目标与第 {first_row} 行重复",
        "Row {row}: the {year} target of {place} repeats row {first_row}",
    ),
    "welfare_job_not_employed": (
        "第 {row} 行公益岗位(人编号“{value}”,{year} 年)在就业表中没有渠道为“公益岗位”的记录",
        "Row {row}: welfare post of person '{value}' in {year} has no employment row with channel 公益岗位",
    ),
    "employment_without_welfare_job": (
        "第 {row} 行就业渠道为“公益岗位”(人编号“{value}”,{year} 年),但公益岗位表中没有该人该年的岗位",
        "Row {row}: employment via 公益岗位 of person '{value}' in {year} has no welfare post that year",
    ),
    "dibao_field_missing": (
        "第 {row} 行是农村低保,但「{col}」为空",
        "Row {row}: a 农村低保 (dibao) record needs {col}",
    ),
    "dibao_field_unexpected": (
        "第 {row} 行是特困供养,「{col}」应为空(现为“{value}”)",
        "Row {row}: a 特困供养 record must leave {col} empty (it is '{value}')",
    ),
    "after_as_of": (
        "第 {row} 行「{col}」{value} 晚于数据截至日期 {as_of}",
        "Row {row}: {col} {value} is after the data's as-of date {as_of}",
    ),
    "calendar_not_covered": (
        "{year}年节假日安排未导入(数据截至 {as_of},及其后 {days} 天):工作日按周一至周五估算,"
        "相关时限均注明“估算”。请按国务院办公厅当年节假日安排通知,在 holidays 文件中补充该年的放假(休)和调休上班(班)日期",
        "The holiday schedule of {year} has not been imported (data as of {as_of}, and the {days} days after): "
        "working days are estimated as Monday to Friday and deadlines say so. Add the year's days off (休) and "
        "adjusted working days (班) from the State Council notice to the holidays file",
    ),
    "income_line_missing": (
        "规则文件未配置{year}年防止返贫监测收入标准(监测范围):收入条件(风险消除、应纳未纳)不作判断,相关数字显示为缺失。"
        "请按省级当年通知补充 [[income_lines]] 的 year、amount、document 和 document_no",
        "The rules give no {year} monitoring income line: income conditions (risk elimination, households that "
        "should be monitored) are not judged and those figures show as missing. Add the year's [[income_lines]] "
        "entry (year, amount, document, document_no) from the province's notice",
    ),
    # manifest and maps
    "bad_manifest": (
        "manifest.toml 无法读取:{reason}",
        "manifest.toml cannot be read: {reason}",
    ),
    "bad_manifest_date": (
        "data_as_of 的值“{value}”不是有效日期(应写作 data_as_of = 2022-07-26)",
        "data_as_of '{value}' is not a valid date (write data_as_of = 2022-07-26)",
    ),
    "manifest_county_mismatch": (
        "manifest.toml 的县代码“{value}”与乡镇表中的县代码 {codes} 不一致",
        "county_code '{value}' in manifest.toml differs from the townships' county code {codes}",
    ),
    "bad_geojson": (
        "不是有效的 GeoJSON 要素集(FeatureCollection):{reason}",
        "Not a valid GeoJSON FeatureCollection: {reason}",
    ),
    "geo_missing_code": (
        "第 {position} 个要素没有 properties.township_code",
        "Feature {position} has no properties.township_code",
    ),
    "geo_unknown_township": (
        "第 {position} 个要素的乡镇代码“{value}”在乡镇表中找不到",
        "Feature {position}: township code '{value}' is not in townships",
    ),
    "geo_township_without_feature": (
        "乡镇“{value}”({township_name})在边界文件中没有对应的区域",
        "Township '{value}' ({township_name}) has no feature in the boundary file",
    ),
    "more_problems": (
        "另有 {count} 处同类问题未逐条列出(同上一条)",
        "{count} more problems of the same kind not listed (as the one above)",
    ),
    "check_failed": (
        "检查“{check}”未能完成({reason});其余检查照常进行",
        "The check '{check}' could not run ({reason}); the other checks ran",
    ),
}


def column_label(header: str | None, name: str | None, dataset: str | None, lang: str) -> str:
    """How a column is named in a message: as in the file, plus the other name when it helps."""
    if header is None:
        return ""
    alias = None
    if dataset in DATASETS and name:
        alias = next((c.alias for c in DATASETS[dataset].columns if c.name == name), None)
    if lang == "zh":
        return header if alias in (None, header) else f"{header}({alias})"
    return header if name in (None, header) else f"{header} ({name})"


# Shown in a message: a value is cut here, and control characters are written out, never echoed (a NUL
# ends a string in Word and C libraries; an escape sequence rewrites a terminal).
SHOWN_CHARS = 80
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """``text`` with every control character other than tab and line breaks written as <U+0000>."""
    return _CONTROL.sub(lambda m: f"<U+{ord(m.group(0)):04X}>", text)


def show(value: object) -> str:
    """A value as the clerk would recognise it in a message (dates without a time, 3 not 3.0); control
    characters written out, a very long value cut with its length given."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    text = str(value)
    if len(text) > SHOWN_CHARS:
        text = f"{text[:SHOWN_CHARS]}…({len(text)})"
    return visible(text)


def make(
    code: str,
    file: str,
    *,
    severity: str = "error",
    row: int | None = None,
    column: str | None = None,
    name: str | None = None,
    dataset: str | None = None,
    value: object = None,
    **fields: object,
) -> Problem:
    """Build a :class:`Problem` from a template.

    ``column`` is the header as it appears in the file, ``name`` the canonical column name; both
    end up in the message, and ``name`` in ``extra["name"]`` for programs.
    """
    zh, en = TEMPLATES[code]
    shown = show(value)
    texts = {}
    for lang, template in (("zh", zh), ("en", en)):
        texts[lang] = template.format(
            row=row,
            name=name or "",
            dataset=dataset or "",
            col=visible(column_label(column, name, dataset, lang)),
            value=shown,
            **{k: show(v) if not isinstance(v, str) else visible(v) for k, v in fields.items()},
        )
    extra = {"name": name} if name else {}
    if dataset:
        extra["dataset"] = dataset
    return Problem(
        severity=severity,
        file=visible(file),
        message_zh=texts["zh"],
        message_en=texts["en"],
        row=int(row) if row is not None else None,
        column=visible(column) if column is not None else None,
        value=shown if value is not None else None,
        code=code,
        extra=extra,
    )


def per_row(
    code: str,
    file: str,
    bad: pd.DataFrame,
    *,
    severity: str = "error",
    column: str | None = None,
    name: str | None = None,
    dataset: str | None = None,
    value_column: str = "value",
    limit: int | None = None,
    **const: object,
) -> list[Problem]:
    """One problem per row of ``bad`` (index = spreadsheet row; its columns fill the template).

    Past ``limit`` rows the rest are summarised in a single problem of the same severity.
    """
    out: list[Problem] = []
    if bad.empty:
        return out
    limit = MAX_PER_GROUP if limit is None else limit
    head = bad.iloc[:limit]
    for row, rec in zip(head.index, head.to_dict("records"), strict=True):
        value = rec.pop(value_column, None)
        out.append(
            make(
                code,
                file,
                severity=severity,
                row=int(row),
                column=column,
                name=name,
                dataset=dataset,
                value=value,
                **{**const, **rec},
            )
        )
    if len(bad) > limit:
        out.append(more(code, file, len(bad) - limit, severity, column, name, dataset))
    return out


def more(
    code: str,
    file: str,
    count: int,
    severity: str,
    column: str | None,
    name: str | None,
    dataset: str | None,
) -> Problem:
    """The line that stands for ``count`` further problems of kind ``code``."""
    problem = make(
        "more_problems",
        file,
        severity=severity,
        column=column,
        name=name,
        dataset=dataset,
        count=count,
    )
    extra = {**problem.extra, "of": code, "count": count}
    return Problem(**{**problem.__dict__, "extra": extra})


def summary(problems: Iterable[Problem], datasets: int, rows: int, lang: str = "zh") -> str:
    """The one-line verdict printed after a check."""
    problems = list(problems)
    errors = sum(p.severity == "error" for p in problems)
    warnings = sum(p.severity == "warning" for p in problems)
    # a "more_problems" line stands for many problems; count them all
    errors += sum(p.extra.get("count", 1) - 1 for p in problems if p.severity == "error")
    warnings += sum(p.extra.get("count", 1) - 1 for p in problems if p.severity == "warning")
    if lang == "zh":
        verdict = "可以使用" if errors == 0 else "有错误,请修改后再上线"
        return f"{errors} 个错误,{warnings} 条提示;读取 {datasets} 个数据集,共 {rows} 行。{verdict}"
    verdict = "ready to use" if errors == 0 else "fix the errors before going live"
    return f"{errors} errors, {warnings} warnings; {datasets} datasets, {rows} rows read. {verdict}"
