"""Tiny hand-built bundles for tests.

``bundle_from_frames(townships=[{...}], villages=[...], as_of="2022-07-26")`` coerces plain python values
to the contract dtypes. ``PLACES`` is a minimal valid set of places (2 townships, 3 villages) to reuse.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from lulong_data.bundle import Bundle

T1, T2 = "130324100", "130324101"

# A leader signed in through the SSO proxy's headers (LULONG_AUTH=header): open mode serves the sample only,
# so tests of other folders (several counties) run as this user.
LEADER_ROLES = '[groups."county-leaders"]\nrole = "leader"\n'
LEADER_HEADERS = {"X-Remote-User": "wang", "X-Remote-Groups": "county-leaders"}
V1, V2, V3 = "130324100001", "130324100002", "130324101001"

TOWNSHIPS = [
    {
        "township_code": T1,
        "county_code": "130324",
        "name": "卢龙镇",
        "kind": "镇",
        "population": 60000,
        "rural_population": 40000,
    },
    {
        "township_code": T2,
        "county_code": "130324",
        "name": "潘庄镇",
        "kind": "镇",
        "population": 40000,
        "rural_population": 30000,
    },
]
VILLAGES = [
    {"village_code": V1, "township_code": T1, "name": "东村", "kind": "村委会"},
    {"village_code": V2, "township_code": T1, "name": "西村", "kind": "村委会"},
    {"village_code": V3, "township_code": T2, "name": "东村", "kind": "村委会"},  # names repeat
]
PLACES = {"townships": TOWNSHIPS, "villages": VILLAGES}


def bundle_from_frames(*, as_of: dt.date | str = "2022-07-26", places: bool = True, **frames: Any) -> Bundle:
    """A Bundle from datasets given as lists of dicts (or DataFrames); PLACES added unless places=False."""
    data = dict(PLACES) if places else {}
    data.update(frames)
    return Bundle.from_frames(data, as_of=as_of)


def employment_row(
    rid: str, person: str, started: str, year: int | None = None, ended: str | None = None
) -> dict:
    """One row of the employment ledger (劳务输出, 省外) for hand-built cases."""
    return {
        "record_id": rid,
        "person_id": person,
        "year": year,
        "channel": "劳务输出",
        "location": "省外",
        "started_on": started,
        "ended_on": ended,
    }
