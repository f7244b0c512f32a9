"""``python -m lulong_data checktext FILE [--as-of DATE] [--format text|json] [--county CODE]``.

Checks every number of a text (a .txt, a .docx, or ``-`` for standard input) against the data folder
(``LULONG_DATA_DIR``, else the bundled sample) and the published figures — the register in the state
database (``LULONG_DB_URL`` / ``LULONG_STATE_DIR``) once it holds figures, else the folder's
published_figures — as the press page does.
Exit status: 0 when no number contradicts, 1 when one does, 2 when the input or the data cannot be read.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "checktext",
        help="核对文稿中的数字 / check the numbers of a text",
        description="核对文稿(.txt/.docx,- 为标准输入)中的每个数字 / check every number of a text",
    )
    p.add_argument("file", help="文稿 .txt 或 .docx;- 为标准输入 / a .txt or .docx file, - for stdin")
    p.add_argument("--as-of", dest="as_of", help="数据截至日期 YYYY-MM-DD(默认:数据的截至日期)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--county", help="多县数据文件夹中的县代码(6位)/ county code in a multi-county folder")
    p.set_defaults(run=run)
    return p


def _read_text(name: str) -> str:
    from lulong_data.textcheck import docx_text

    data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
    if name.lower().endswith(".docx") or data[:2] == b"PK":
        return docx_text(data)
    for encoding in ("utf-8-sig", "gb18030"):  # a Windows Notepad file may be GBK
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValueError(f"{name}: 无法识别文字编码(应为 UTF-8 或 GBK)/ unreadable text encoding")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"--as-of {text}: 不是有效日期(应为 YYYY-MM-DD)/ not a date") from None


def _bundle(county: str | None):
    from lulong_data.bundle import load_bundle
    from lulong_data.county import counties, subset
    from lulong_data.settings import get_settings

    b = load_bundle(get_settings().data_dir)
    codes = [c for c, _ in counties(b)]
    if county:
        if county not in codes:
            raise ValueError(f"数据中没有县代码 {county}(有:{'、'.join(codes)})/ no county {county}")
        return subset(b, county)
    if len(codes) > 1:
        raise ValueError(
            f"数据含多个县,请用 --county 指定:{'、'.join(codes)} / several counties: use --county"
        )
    return b


def run(args: argparse.Namespace) -> int:
    from lulong_data import textcheck

    try:
        text = _read_text(args.file)
        as_of = _date(args.as_of) if args.as_of else None
        b = _bundle(args.county)
    except (OSError, ValueError) as exc:
        print(f"checktext: {exc}", file=sys.stderr)
        return 2
    from lulong_data.store import register

    # The register's figures when the state database holds any (read only: the CLI records nothing).
    findings = textcheck.check(b, text, as_of=as_of, published=register.published_for(b, writable=False))
    out = sys.stdout
    if args.format == "json":
        json.dump([f.to_json() for f in findings], out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        for f in findings:
            label = textcheck.LABELS[f.verdict][0]
            right = f"  应为 {f.right_text()}" if f.verdict == textcheck.MISMATCH else ""
            source = f"  [{f.source}]" if f.source else ""
            out.write(f"{f.text}\t{label}{right}{source}  {f.note}\n")
        out.write(textcheck.summary_text(findings) + "\n")
    return 1 if any(f.verdict == textcheck.MISMATCH for f in findings) else 0
