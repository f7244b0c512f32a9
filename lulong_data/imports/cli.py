"""``python -m lulong_data import KIND FILE... --base DIR --out DIR`` and ``python -m lulong_data secret init``.

Exit status as ``check``: 0 written (warnings allowed), 1 errors (nothing written), 2 a file, the --base
folder or the secret cannot be read (nothing written).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

KIND_CHOICES = ("national", "wugong", "dibao", "tekun", "gongyi", "ledger", "auto")


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add the ``import`` and ``secret`` subcommands to the CLI's parser."""
    p = sub.add_parser(
        "import",
        help="导入真实导出文件 / import real exports into a data folder",
        description="把国家监测系统、务工、民政导出、公益岗位花名册和本县程序台账导入为数据约定文件夹 / "
        "import the national export, 务工 sheet, 民政 rosters, 公益岗 roster or the county ledger into a "
        "contract folder",
    )
    p.add_argument(
        "kind", choices=KIND_CHOICES, help="national | wugong | dibao | tekun | gongyi | ledger | auto"
    )
    p.add_argument("files", nargs="+", type=Path, help="导出文件(.xlsx/.xls/.csv)/ export files")
    p.add_argument("--base", type=Path, required=True, help="当前数据文件夹 / the current data folder")
    p.add_argument("--out", type=Path, required=True, help="写出的新数据文件夹 / the folder to write")
    p.add_argument("--profiles", type=Path, help="导入配置文件夹(默认 <base>/import_profiles,再用自带的)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(run=_import)

    s = sub.add_parser("secret", help="本县假名密钥 / the county's pseudonym secret")
    s.add_argument("action", choices=("init", "check"))
    s.set_defaults(run=_secret)


def _secret(args: argparse.Namespace) -> int:
    from lulong_data.imports import secret
    from lulong_data.settings import get_settings

    path = get_settings().secret_file
    try:
        if args.action == "init":
            secret.init(path)
            print(f"已创建本县假名密钥 / created the county's pseudonym secret: {path} (mode 600)")
            print(
                "请备份此文件:丢失后以前的假名将无法再与新数据对应。/ Back it up: without it, earlier "
                "pseudonyms can never be matched again."
            )
        else:
            secret.load(path)
            print(f"本县假名密钥可用 / the county's pseudonym secret is usable: {path}")
    except secret.SecretError as exc:
        print(f"[错误] {exc.zh}\n[ERROR] {exc.en}", file=sys.stderr)
        return 1 if args.action == "init" else 2
    return 0


def _import(args: argparse.Namespace) -> int:
    from lulong_data.imports import profiles, run
    from lulong_data.imports.report import redact
    from lulong_data.settings import get_settings

    folders = profiles.profile_folders(args.base)
    if args.profiles:
        folders.insert(0, args.profiles)
    outcome = run.run_import(
        [(args.kind, f) for f in args.files],
        base=args.base,
        out=args.out,
        secret_file=get_settings().secret_file,
        profile_folders=folders,
    )
    _audit(args, outcome)
    zh = args.lang == "zh"
    if args.format == "json":
        json.dump(summary(outcome, args.lang), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return outcome.status
    for s in outcome.sheets:
        if s.kind is None:
            print(f"{redact(s.file)}: {'未识别' if zh else 'not recognised'}")
            continue
        rows = "、".join(map(str, s.header_rows))
        print(
            f"{redact(s.file)}: {s.kind}/{s.table}, "
            + (
                f"表头第 {rows} 行, {s.rows} 行数据, 识别 {len(s.mapped)} 列"
                if zh
                else f"header row {rows}, {s.rows} rows, {len(s.mapped)} columns mapped"
            )
            + (
                f", 未识别列 {len(s.unknown)} 个"
                if zh and s.unknown
                else f", {len(s.unknown)} unknown columns"
                if s.unknown
                else ""
            )
        )
    labels = {"error": "错误" if zh else "ERROR", "warning": "提示" if zh else "warning"}
    for p in sorted(outcome.problems, key=lambda p: p.severity != "error"):
        where = p.file + (f":{p.row}" if p.row is not None else "")
        col = f" [{p.column}]" if p.column else ""
        print(f"[{labels.get(p.severity, p.severity)}] {where}{col}  {p.message_zh if zh else p.message_en}")
    if outcome.ok:
        rows = ", ".join(f"{k} {v:,}" for k, v in outcome.rows.items())
        print(f"已写出 {outcome.out}:{rows}" if zh else f"written {outcome.out}: {rows}")
    else:
        print("未写出任何文件" if zh else "nothing was written")
    return outcome.status


def _audit(args: argparse.Namespace, outcome) -> None:
    """One audit entry per CLI import: who ran it, which files, the result (names only, redacted)."""
    import getpass

    from lulong_data import audit
    from lulong_data.imports.report import redact
    from lulong_data.settings import get_settings

    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "?"
    names = ", ".join(redact(Path(f).name) for f in args.files)
    result = f"-> {outcome.out}" if outcome.ok else f"(refused, status {outcome.status})"
    try:
        audit.record(
            get_settings().audit_file,
            who=who,
            role="cli",
            action="import",
            detail=f"{args.kind}: {names} {result}",
        )
    except OSError as exc:  # say so, but do not hide the import's own report behind it
        print(f"[提示/warning] 审计日志无法写入 / audit log not written: {exc.strerror}", file=sys.stderr)


def summary(outcome, lang: str = "zh") -> dict:
    return {
        "status": outcome.status,
        "out": str(outcome.out) if outcome.out else None,
        "rows": outcome.rows,
        "changed": outcome.changed,
        "withdrawn": outcome.withdrawn,
        "sheets": [
            {
                "file": s.file,
                "kind": s.kind,
                "table": s.table,
                "header_rows": list(s.header_rows),
                "rows": s.rows,
                "mapped": s.mapped,
                "unknown": s.unknown,
                "export_date": s.export_date,
            }
            for s in outcome.sheets
        ],
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
            for p in outcome.problems
        ],
    }
