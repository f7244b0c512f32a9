"""Issued dispatch papers (周调度材料): 第N期, frozen.

Issuing stores the paper's number (第N期 of the year, per county), meeting date, the data date of its
figures, the issuing office, the figures themselves (what the paper printed, as data) and the Word file
that was handed out. An issued paper never changes: reopening it returns the stored file byte for byte,
whatever data have been published since, and the next meeting compares with what it *said* (not with
today's recomputation of that date), noting where the data have changed since (lulong_data.dispatch).

Issuing is for the leader and the data office (not open mode, not a township, not the press office);
reading for every role with the dispatch page. Never imports streamlit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from lulong_data import store
from lulong_data.access import DATA, LEADER, TOWNSHIP, Identity
from lulong_data.store.schema import papers as papers_table

_COLUMNS = [c for c in papers_table.c if c.name != "docx"]
MAX_OFFICE = 100


@dataclass(frozen=True)
class Paper:
    id: int
    county_code: str
    year: int
    number: int
    meeting_on: dt.date
    data_as_of: dt.date
    office: str
    lang: str
    fingerprint: str
    figures: dict[str, Any]
    issued_at: dt.datetime
    issued_by: str

    def label(self, lang: str = "zh") -> str:
        """2022年第12期 / 2022 no. 12."""
        return f"{self.year} no. {self.number}" if lang == "en" else f"{self.year}年第{self.number}期"


def _paper(row) -> Paper:
    return Paper(**{c.name: row[c.name] for c in _COLUMNS})


def _readable(url: str | None, actor: Identity | None):
    if actor is not None and actor.role not in (LEADER, DATA, TOWNSHIP):
        return None
    return store.engine(url, create=actor is not None and actor.source != "open")


def issue(
    url: str | None = None,
    *,
    county: str,
    meeting_on: dt.date,
    data_as_of: dt.date,
    office: str,
    lang: str,
    fingerprint: str,
    figures: dict[str, Any],
    docx: bytes | Callable[[str, str], bytes],
    actor: Identity | None,
) -> Paper:
    """Store the paper of the meeting of ``meeting_on`` as the next number of its year. One paper per
    meeting: issuing it again is refused (the issued one stands).

    ``docx``: the Word file, or ``docx(label, office)`` building it once the number is known
    (``label`` = "2022年第12期"), inside the same transaction, so the printed number is the stored one.
    """
    store.require_writer(actor)
    if actor.role not in (LEADER, DATA):
        raise store.ReadOnlyError(
            "调度材料由县领导或县防贫中心印发。/ Only the leader or the data office issues the paper."
        )
    office = (office or "").strip()
    if not office or len(office) > MAX_OFFICE:
        raise store.StoreError(f"请填写印发单位(不超过{MAX_OFFICE}字)。/ The issuing office is required.")
    if data_as_of > meeting_on:
        raise store.StoreError("数据日期不能晚于会议日期。/ The data date cannot be after the meeting.")
    for attempt in range(3):
        try:
            with store.begin(url, write=True) as conn:
                same = conn.execute(
                    sa.select(papers_table.c.year, papers_table.c.number).where(
                        (papers_table.c.county_code == county) & (papers_table.c.meeting_on == meeting_on)
                    )
                ).first()
                if same is not None:
                    raise store.StoreError(
                        f"{meeting_on:%Y-%m-%d}会议的调度材料已印发({same.year}年第{same.number}期)。/ The paper of "
                        f"this meeting was already issued ({same.year} no. {same.number})."
                    )
                last = conn.execute(
                    sa.select(sa.func.max(papers_table.c.number)).where(
                        (papers_table.c.county_code == county) & (papers_table.c.year == meeting_on.year)
                    )
                ).scalar()
                number = (last or 0) + 1
                label = (
                    f"{meeting_on.year} no. {number}" if lang == "en" else f"{meeting_on.year}年第{number}期"
                )
                row = {
                    "county_code": county,
                    "year": meeting_on.year,
                    "number": number,
                    "meeting_on": meeting_on,
                    "data_as_of": data_as_of,
                    "office": office,
                    "lang": lang,
                    "fingerprint": fingerprint,
                    "figures": figures,
                    "docx": docx(label, office) if callable(docx) else docx,
                    "issued_at": store.now(),
                    "issued_by": actor.user,
                }
                new_id = conn.execute(papers_table.insert().values(**row)).inserted_primary_key[0]
                return Paper(id=new_id, **{k: v for k, v in row.items() if k != "docx"})
        except sa.exc.IntegrityError:  # two issuers took the same number at once (PostgreSQL): try again
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def listing(url: str | None = None, *, county: str, actor: Identity | None) -> list[Paper]:
    """The county's issued papers, newest meeting first (without their Word files)."""
    eng = _readable(url, actor)
    if eng is None:
        return []
    q = (
        sa.select(*_COLUMNS)
        .where(papers_table.c.county_code == county)
        .order_by(papers_table.c.meeting_on.desc(), papers_table.c.id.desc())
    )
    with eng.connect() as conn:
        return [_paper(r) for r in conn.execute(q).mappings()]


def for_meeting(
    url: str | None = None, *, county: str, meeting_on: dt.date, actor: Identity | None
) -> Paper | None:
    return next((p for p in listing(url, county=county, actor=actor) if p.meeting_on == meeting_on), None)


def last_before(
    url: str | None = None, *, county: str, meeting_on: dt.date, actor: Identity | None
) -> Paper | None:
    """The last paper issued for a meeting before ``meeting_on`` (what 较上周 compares with)."""
    return next((p for p in listing(url, county=county, actor=actor) if p.meeting_on < meeting_on), None)


def word_file(url: str | None = None, *, paper_id: int, actor: Identity | None) -> bytes | None:
    """The Word file as issued, byte for byte."""
    eng = _readable(url, actor)
    if eng is None:
        return None
    with eng.connect() as conn:
        return conn.execute(sa.select(papers_table.c.docx).where(papers_table.c.id == paper_id)).scalar()
