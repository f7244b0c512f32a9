"""The data office on the server: ``python -m lulong_data versions list|rollback``.

    python -m lulong_data versions list [--root DIR]
    python -m lulong_data versions rollback 0003 [--root DIR] [--who NAME] [--note TEXT]

The versions root defaults to the one the app uses (``LULONG_VERSIONS_DIR``, else beside
``LULONG_DATA_DIR``; lulong_data.publishing.versions_root). A rollback is the same one switch the data
status page makes, logged in the store's log and in the audit log (``LULONG_AUDIT_FILE``) under ``--who``
(default: the operating-system user). It works whatever the app's identity mode, so a version that
locks everyone out can be undone without the app.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path


def add_parser(sub) -> None:
    p = sub.add_parser("versions", help="数据版本:列出或回滚 / list or roll back data versions")
    verbs = p.add_subparsers(dest="verb", required=True)
    listing = verbs.add_parser("list", help="列出保留的版本 / list kept versions")
    listing.add_argument("--root", help="版本库目录 / versions root (default: as the app)")
    back = verbs.add_parser("rollback", help="回滚到一个保留的版本 / make a kept version current")
    back.add_argument("version", help="版本号,如 0003 / version id, e.g. 0003")
    back.add_argument("--root", help="版本库目录 / versions root (default: as the app)")
    back.add_argument("--who", help="操作人(记入日志)/ who (logged); default: the OS user")
    back.add_argument("--note", default="", help="说明 / note")
    p.set_defaults(run=run)


def _store(root: str | None):
    from lulong_data.publishing import Store, store_for
    from lulong_data.settings import get_settings

    return Store(Path(root)) if root else store_for(get_settings())


def run(args: argparse.Namespace) -> int:
    store = _store(args.root)
    if args.verb == "list":
        return _list(store)
    return _rollback(store, args.version, args.who or _os_user(), args.note)


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (a container): still say it was the command line
        return "命令行"


def _list(store) -> int:
    kept = store.versions()
    if not kept:
        print(f"{store.root}: 没有版本 / no versions")
        return 0
    print(f"{store.root}")
    for v in kept:
        rows = sum(v.rows.values()) if v.rows else 0
        mark = "*" if v.current else " "
        note = f"  {v.note}" if v.note else ""
        print(f"{mark} {v.id}  {v.when.replace('T', ' ')[:19]}  {v.action:<8} {v.who}  {rows:,} 行{note}")
    print("* = 当前版本 / current")
    return 0


def _rollback(store, version: str, who: str, note: str) -> int:
    from lulong_data import audit
    from lulong_data.settings import get_settings

    version = version.strip()
    if version.isdigit():
        version = f"{int(version):04d}"
    result = store.rollback(version, who, note or "命令行回滚 / rolled back from the command line")
    if result.unchanged:
        print(f"版本 {version} 已是当前版本,未改变 / {version} is already current")
        return 0
    if not result.ok:
        for p in result.problems:
            print(f"{p.message_zh} / {p.message_en}", file=sys.stderr)
        return 1
    audit.record(get_settings().audit_file, who=who, role="cli", action="rollback", detail=f"-> {version}")
    print(
        f"已回滚:当前版本 {result.version}(原为 {result.previous}) / "
        f"rolled back: {result.version} is current (was {result.previous})"
    )
    return 0
