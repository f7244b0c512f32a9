"""The audit log: who did what and when — sign-ins, failures, sign-outs, exports, publishes, rollbacks.

Append-only JSON lines (``LULONG_AUDIT_FILE``, default ``var/audit.jsonl``). Each entry is one ``write`` of
one line on a file opened for appending, then fsync'd: concurrent sessions never interleave inside a line
and an entry that was acknowledged survives a power cut. Nothing here rewrites or truncates the file.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

ACTIONS = ("sign-in", "sign-in-failure", "sign-out", "export", "publish", "rollback", "import")


def record(path: Path, *, who: str, role: str, action: str, detail: str = "", **extra: Any) -> dict:
    """Append one entry and return it. ``detail``: a file name, a version id — never a password."""
    entry = {
        "when": dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="seconds"),
        "who": who,
        "role": role,
        "action": action,
        "detail": detail,
        **extra,
    }
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)
    return entry


def read(path: Path, limit: int | None = None) -> list[dict]:
    """Entries, newest first (a damaged line is skipped, not fatal: the log is evidence, keep reading)."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    out = []
    for line in reversed(lines):
        try:
            out.append(json.loads(line))
        except ValueError:
            continue
        if limit is not None and len(out) >= limit:
            break
    return out
