"""The data office's check: ``python -m lulong_data check [DIR] [--lang en] [--format text|csv|json]``.

Prints every problem of the folder and a one-line summary. Exit status: 0 when there is no error
(warnings allowed), 1 when there are errors, 2 when the folder cannot be read at all.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import json
import sys
from pathlib import Path

SAMPLE = Path(__file__).resolve().parent / "sample"
# Subcommands in their own modules: each has add_parser(sub) setting ``run`` (one line per subcommand).
SUBCOMMANDS = ("lulong_data.versions", "lulong_data.imports.cli", "lulong_data.cli_checktext")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m lulong_data",
        description="卢龙县数据文件检查 / Lulong data folder check",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="检查一个数据文件夹 / check a data folder")
    check.add_argument(
        "folder",
        nargs="?",
        default=str(SAMPLE),
        help="数据文件夹(默认:自带的示例数据)/ data folder (default: the bundled sample)",
    )
    check.add_argument("--lang", choices=("zh", "en"), default="zh")
    check.add_argument("--format", choices=("text", "csv", "json"), default="text")
    for module in SUBCOMMANDS:
        importlib.import_module(module).add_parser(sub)
    return parser


def check(folder: str, lang: str = "zh", fmt: str = "text") -> int:
    """Run the check, print the report and return the exit status."""
    import pandas as pd

    from lulong_data.exports import safe_cell
    from lulong_data.loader import load_folder, problems_frame

    result = load_folder(folder)
    unreadable = any(p.code == "folder_unreadable" for p in result.problems)
    status = 2 if unreadable else 0 if result.ok else 1
    summary = result.summary(lang)
    out = sys.stdout
    if fmt == "json":
        report = {
            "folder": str(result.folder),
            "ok": result.ok,
            "errors": len(result.errors),
            "warnings": len(result.warnings),
            "datasets": sorted(result.present),
            "rows": result.row_count,
            "summary": summary,
            "problems": [
                {
                    "severity": p.severity,
                    "code": p.code,
                    "file": p.file,
                    "row": p.row,
                    "column": p.column,
                    "value": p.value,
                    "message": p.message_zh if lang == "zh" else p.message_en,
                }
                for p in result.problems
            ],
        }
        json.dump(report, out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt == "csv":
        frame = problems_frame(result.problems, lang)
        writer = csv.writer(out, lineterminator="\n")
        # Opened in Excel/WPS: a value like =HYPERLINK(...) from a bad file must stay text (formula-safe).
        writer.writerow([safe_cell(c) for c in frame.columns])
        for rec in frame.astype(object).itertuples(index=False):
            writer.writerow([safe_cell("" if pd.isna(v) else v) for v in rec])
        print(f"# {summary}", file=sys.stderr)
    else:
        labels = {"zh": {"error": "错误", "warning": "提示"}, "en": {"error": "ERROR", "warning": "warning"}}
        for p in sorted(result.problems, key=lambda p: p.severity != "error"):
            where = p.file + (f":{p.row}" if p.row is not None else "")
            message = p.message_zh if lang == "zh" else p.message_en
            out.write(f"[{labels[lang][p.severity]}] {where}  {message}\n")
        out.write(summary + "\n")
    return status


def main(argv: list[str] | None = None) -> int:
    # A Windows console may not be UTF-8: never die on a character it cannot show.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    args = _parser().parse_args(argv)
    if getattr(args, "run", None) is not None:
        return args.run(args)
    return check(args.folder, args.lang, args.format)


if __name__ == "__main__":
    sys.exit(main())
