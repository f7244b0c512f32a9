"""The register of published figures: what the county said in public, where and when, with its history.

The press office records each figure it publishes — the statement as said ("今年安置公益岗位2434人"), its value
and unit, the date it stands at, the day and place it was said (发布会, 统计公报, 秦皇岛日报 …) and, when there is
one, the registry figure it reproduces. A statement and its value must agree (the press checker reads the
statement: "2434人" recorded as 2443 is refused). A change is a new version of the same figure; nothing is
overwritten, so the history of every figure stays readable. Withdrawing a figure is a version too.

The register wins over the data folder's ``published_figures`` file once it holds a figure: the file is
imported on first use (figures the register does not hold yet), never over a recorded one. Open mode
(the public demo) writes nothing: it reads the register when there is one and the file otherwise.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa

from lulong_data.store.schema import UTCDateTime, metadata

if TYPE_CHECKING:
    from lulong_data.bundle import Bundle
    from lulong_data.textcheck import Published

# One row per version of a figure; the newest version of a key is the figure as it stands.
register_figures = sa.Table(
    "register_figures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("county_code", sa.String(12), nullable=False, index=True),
    sa.Column("figure_key", sa.String(40), nullable=False),  # stable across versions: P06 (imported), R0001
    sa.Column("version", sa.Integer, nullable=False),  # 1, 2, … per figure_key
    sa.Column("statement", sa.Text, nullable=False),  # as said in public
    sa.Column("value", sa.Float(53), nullable=False),
    sa.Column("unit", sa.String(20), nullable=False),
    sa.Column("as_of", sa.Date, nullable=False),  # the date the figure stands at (截至)
    sa.Column("published_on", sa.Date),  # the day it was said (None: not known, e.g. imported)
    sa.Column("source", sa.String(200), nullable=False),  # 发布会 / 统计公报 / 秦皇岛日报 …
    sa.Column("metric", sa.String(200)),  # registry spec it reproduces (name or name:k=v)
    sa.Column("note", sa.Text),
    sa.Column("withdrawn", sa.Boolean, nullable=False),  # this version withdraws the figure
    sa.Column("origin", sa.String(10), nullable=False),  # office (recorded on the page) | file (imported)
    sa.Column("recorded_at", UTCDateTime, nullable=False),
    sa.Column("recorded_by", sa.String(200), nullable=False),
    sa.UniqueConstraint("county_code", "figure_key", "version"),
    sa.CheckConstraint("origin IN ('office', 'file')", name="origin"),
)

SOURCES = ("新闻发布会", "统计公报", "政府工作报告", "秦皇岛日报", "河北日报", "长城网", "政府网站")
IMPORTED_BY = "导入(已发布口径表)"


class RegisterError(ValueError):
    """A figure the register refuses; the message names what is wrong (Chinese / English)."""


@dataclass(frozen=True)
class Entry:
    key: str
    version: int
    statement: str
    value: float
    unit: str
    as_of: dt.date
    published_on: dt.date | None
    source: str
    metric: str | None
    note: str | None
    withdrawn: bool
    origin: str
    recorded_at: dt.datetime
    recorded_by: str

    def published(self) -> Published:
        from lulong_data.textcheck import Published

        return Published(
            id=self.key,
            statement=self.statement,
            value=self.value,
            unit=self.unit,
            as_of=self.as_of,
            source=self.source,
            metric=self.metric,
            recorded=self.recorded_at,
        )


def _entry(row) -> Entry:
    m = row._mapping
    return Entry(
        key=m["figure_key"],
        version=m["version"],
        statement=m["statement"],
        value=float(m["value"]),
        unit=m["unit"],
        as_of=m["as_of"],
        published_on=m["published_on"],
        source=m["source"],
        metric=m["metric"],
        note=m["note"],
        withdrawn=bool(m["withdrawn"]),
        origin=m["origin"],
        recorded_at=m["recorded_at"],
        recorded_by=m["recorded_by"],
    )


# --- reading -------------------------------------------------------------------------------------------------
def _latest(county_code: str) -> sa.Select:
    t = register_figures
    newest = (
        sa.select(t.c.figure_key, sa.func.max(t.c.version).label("v"))
        .where(t.c.county_code == county_code)
        .group_by(t.c.figure_key)
        .subquery()
    )
    return (
        sa.select(t)
        .join(newest, (t.c.figure_key == newest.c.figure_key) & (t.c.version == newest.c.v))
        .where(t.c.county_code == county_code)
    )


def current(conn: sa.Connection, county_code: str, *, withdrawn: bool = False) -> list[Entry]:
    """Every figure as it stands (its newest version), newest as-of date first; withdrawn ones only if asked."""
    rows = [_entry(r) for r in conn.execute(_latest(county_code))]
    if not withdrawn:
        rows = [e for e in rows if not e.withdrawn]
    return sorted(rows, key=lambda e: (e.as_of, e.recorded_at, e.key), reverse=True)


def history(conn: sa.Connection, county_code: str, key: str) -> list[Entry]:
    """Every version of one figure, newest first."""
    t = register_figures
    q = (
        sa.select(t)
        .where((t.c.county_code == county_code) & (t.c.figure_key == key))
        .order_by(t.c.version.desc())
    )
    return [_entry(r) for r in conn.execute(q)]


def count(conn: sa.Connection, county_code: str) -> int:
    t = register_figures
    return conn.execute(sa.select(sa.func.count()).where(t.c.county_code == county_code)).scalar_one()


# --- checks --------------------------------------------------------------------------------------------------
def statement_agrees(statement: str, value: float, unit: str) -> str | None:
    """None when the statement says ``value`` ``unit`` (as written: 4000余名 says 4000 人, 1.5亿元 says 15000
    万元); otherwise the reason, in Chinese."""
    from lulong_data import textcheck, textnumbers

    fam = textcheck.family(unit)[0]
    figures = [t for t in textnumbers.read(statement) if t.kind == "figure"]
    same_unit = [t for t in figures if textcheck.family(t.unit, t.scale)[0] == fam]
    if not same_unit:
        written = "、".join(t.text for t in figures) or "没有数字"
        return f"表述中没有以“{unit}”为单位的数字(表述中:{written}),请核对表述或单位。"
    for t in same_unit:
        if textcheck.agrees(t, textcheck.convert(value, unit, t.scale)):
            return None
    said = "、".join(t.text for t in same_unit)
    return f"表述为“{said}”,与填写的数值 {textcheck.format_number(value)}{unit} 不一致。"


def _validate(
    statement: str, value: float, unit: str, as_of: dt.date, source: str, metric: str | None
) -> None:
    if not statement.strip():
        raise RegisterError("请填写发布表述。/ The statement is empty.")
    if not unit.strip():
        raise RegisterError("请填写单位。/ The unit is empty.")
    if not source.strip():
        raise RegisterError("请填写出处(如新闻发布会、统计公报、秦皇岛日报)。/ The source is empty.")
    if value is None or value != value:
        raise RegisterError("请填写数值。/ The value is empty.")
    reason = statement_agrees(statement, value, unit)
    if reason:
        raise RegisterError(reason)
    if metric:
        from lulong_data.metrics.registry import UnknownMetric, lookup

        try:
            lookup(metric)
        except (UnknownMetric, ValueError):
            raise RegisterError(
                f"对应指标“{metric}”不存在,请从列表中选择或留空。/ Unknown metric {metric!r}."
            ) from None


# --- writing -------------------------------------------------------------------------------------------------
def _next_key(conn: sa.Connection, county_code: str) -> str:
    t = register_figures
    keys = conn.execute(sa.select(t.c.figure_key).where(t.c.county_code == county_code).distinct()).scalars()
    numbers = [int(m.group(1)) for k in keys if (m := re.fullmatch(r"R(\d+)", k))]
    return f"R{max(numbers, default=0) + 1:04d}"


def record(
    conn: sa.Connection,
    county_code: str,
    *,
    statement: str,
    value: float,
    unit: str,
    as_of: dt.date,
    source: str,
    who: str,
    published_on: dt.date | None = None,
    metric: str | None = None,
    note: str | None = None,
    key: str | None = None,
    withdrawn: bool = False,
    origin: str = "office",
    at: dt.datetime | None = None,
) -> Entry:
    """Record a figure (a new key, or a new version of ``key``) after checking that statement and value
    agree. Run it in a write transaction (``store.begin(write=True)``). Raises RegisterError."""
    from lulong_data import store

    statement, unit, source = statement.strip(), unit.strip(), source.strip()
    metric = (metric or "").strip() or None
    if not withdrawn:
        _validate(statement, float(value), unit, as_of, source, metric)
    t = register_figures
    if key is None:
        key, version = _next_key(conn, county_code), 1
    else:
        last = conn.execute(
            sa.select(sa.func.max(t.c.version)).where(
                (t.c.county_code == county_code) & (t.c.figure_key == key)
            )
        ).scalar_one()
        version = (last or 0) + 1
    row = {
        "county_code": county_code,
        "figure_key": key,
        "version": version,
        "statement": statement,
        "value": float(value),
        "unit": unit,
        "as_of": as_of,
        "published_on": published_on,
        "source": source,
        "metric": metric,
        "note": (note or "").strip() or None,
        "withdrawn": withdrawn,
        "origin": origin,
        "recorded_at": at or store.now(),
        "recorded_by": who,
    }
    try:
        conn.execute(t.insert().values(**row))
    except sa.exc.IntegrityError:
        raise store.ConflictError(
            f"{key} 刚被他人修改,请刷新后重试。/ {key} was changed meanwhile: reload and try again."
        ) from None
    return _entry(
        conn.execute(
            sa.select(t).where(
                (t.c.county_code == county_code) & (t.c.figure_key == key) & (t.c.version == version)
            )
        ).one()
    )


def withdraw(conn: sa.Connection, county_code: str, key: str, *, who: str, note: str = "") -> Entry:
    """Withdraw a figure (a new version marked withdrawn; the history keeps what was said)."""
    versions = history(conn, county_code, key)
    if not versions:
        raise RegisterError(f"登记表中没有 {key}。/ No figure {key}.")
    last = versions[0]
    return record(
        conn,
        county_code,
        statement=last.statement,
        value=last.value,
        unit=last.unit,
        as_of=last.as_of,
        source=last.source,
        who=who,
        published_on=last.published_on,
        metric=last.metric,
        note=note or "撤回",
        key=key,
        withdrawn=True,
        origin=last.origin,
    )


def import_file(
    conn: sa.Connection, county_code: str, published: Sequence[Published], *, who: str = IMPORTED_BY
) -> int:
    """Import the published_figures file's figures the register does not hold yet (by figure id); a figure
    whose statement and value disagree is skipped. Returns how many were imported."""
    t = register_figures
    held = set(conn.execute(sa.select(t.c.figure_key).where(t.c.county_code == county_code)).scalars())
    n = 0
    for p in published:
        if not p.id or p.id in held or statement_agrees(p.statement, p.value, p.unit):
            continue
        source, _, said = p.source.partition(" ")
        published_on = _date_in(said)
        record(
            conn,
            county_code,
            statement=p.statement,
            value=p.value,
            unit=p.unit,
            as_of=p.as_of,
            source=source if published_on else p.source,
            who=who,
            published_on=published_on,
            metric=p.metric,
            key=p.id,
            origin="file",
        )
        n += 1
    return n


def disagreements(published: Sequence[Published]) -> list[tuple[str, str]]:
    """(figure id, reason) of every figure whose statement does not say its value (never imported)."""
    return [(p.id, reason) for p in published if (reason := statement_agrees(p.statement, p.value, p.unit))]


def _date_in(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


# --- the published figures a check uses ----------------------------------------------------------------------
def county_of(b: Bundle) -> str:
    """The county code of a one-county bundle (the manifest's, else its townships')."""
    from lulong_data.county import county_codes

    code = str(b.manifest.get("county_code") or "")
    codes = county_codes(b)
    if len(codes) == 1:
        return codes[0]
    if code:
        return code
    raise RegisterError("数据含多个县,请先选择县。/ Several counties: choose one.")


def published_for(b: Bundle, *, writable: bool, url: str | None = None) -> list[Published]:
    """The published figures of the bundle's county for the press checker, newest first.

    ``writable`` (a signed-in session, not open mode): the file's figures the register does not hold yet
    are imported first. Read-only: the register when it exists and holds figures, else the file's.
    """
    from lulong_data import store, textcheck

    file_figures = textcheck.default_published(b)
    county = county_of(b)
    if writable:
        with store.begin(url) as conn:  # most runs: nothing new in the file, no write lock taken
            t = register_figures
            held = set(conn.execute(sa.select(t.c.figure_key).where(t.c.county_code == county)).scalars())
            entries = current(conn, county)
        if any(p.id and p.id not in held for p in file_figures):
            with store.begin(url, write=True) as conn:
                import_file(conn, county, file_figures)
                entries = current(conn, county)
        return [e.published() for e in entries]
    eng = store.engine(url, create=False)
    if eng is None:
        return file_figures
    with eng.connect() as conn:
        entries = current(conn, county) if count(conn, county) else None
    return file_figures if entries is None else [e.published() for e in entries]
