"""Townships and villages: real codes and names, invented population figures and village points.

The 12 townships and 549 village-level units come from the NBS code list copied into
``lulong_data/reference``. Population figures are synthetic but fixed so that the county total is the
published 40.8万 (P03) and the rural total, the denominator of the 低保 coverage (P22), is a known
constant that the welfare module can aim at.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from shapely.geometry import Point, shape
from shapely.prepared import prep

from lulong_data.generator.context import Context

COUNTY_CODE = "130324"
POPULATION_TOTAL = 408_000  # P03: 户籍人口40.8万人
# Rural registered population of the county. Part of the contract with welfare.py: 农村低保 coverage
# 3.1% (P22) is measured against this sum.
RURAL_TOTAL = 337_860
# The county town lies in 卢龙镇: most of the non-rural population lives there.
COUNTY_TOWN = "130324100"
# Village units of a town that are really town streets (一街…六街, 南关…) are placed near the seat and
# have few farm households.
TOWN_STREET_SUFFIXES = ("街村", "关村")


def make(ctx: Context) -> dict[str, pd.DataFrame]:
    townships = make_townships(ctx)
    villages = make_villages(ctx, townships)
    return {"townships": townships, "villages": villages}


def largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    """Split ``total`` into integers proportional to ``weights`` that sum to exactly ``total``."""
    exact = total * weights / weights.sum()
    base = np.floor(exact).astype(np.int64)
    short = total - int(base.sum())
    # Stable sort so ties are broken by position, never by chance.
    order = np.argsort(-(exact - base), kind="stable")
    base[order[:short]] += 1
    return base


def make_townships(ctx: Context) -> pd.DataFrame:
    rng = ctx.rng("places.townships")
    ref = pd.read_csv(ctx.reference / "lulong_townships.csv", dtype=str).sort_values("code")
    seats = pd.read_csv(ctx.reference / "lulong_seats.csv", dtype=str).set_index("code")
    committees = ref["village_committees"].astype(int).to_numpy()

    # Rural population: about 600 people per village committee, with township-level variation
    # (hill townships in the north have smaller villages than the plain in the south).
    rural_weights = committees * rng.lognormal(0.0, 0.12, len(ref))
    rural = largest_remainder(RURAL_TOTAL, rural_weights)

    # Non-rural population: the county town holds most of it; other town seats (镇) have a few
    # thousand non-farm residents each, 乡 seats fewer.
    is_town = (ref["code"] == COUNTY_TOWN).to_numpy()
    urban_weights = np.where(is_town, 40.0, np.where(ref["type"] == "镇", 1.0, 0.5))
    urban_weights = urban_weights * rng.uniform(0.8, 1.2, len(ref))
    urban = largest_remainder(POPULATION_TOTAL - RURAL_TOTAL, urban_weights)

    return pd.DataFrame(
        {
            "township_code": ref["code"].to_numpy(),
            "county_code": ref["county_code"].to_numpy(),
            "name": ref["name"].to_numpy(),
            "kind": ref["type"].to_numpy(),
            "seat_lon": seats.loc[ref["code"], "lon_wgs84"].astype(float).to_numpy(),
            "seat_lat": seats.loc[ref["code"], "lat_wgs84"].astype(float).to_numpy(),
            "population": rural + urban,
            "rural_population": rural,
        }
    )


def _schematic_polygons(ctx: Context) -> dict[str, object]:
    data = json.loads(
        (ctx.reference / "lulong_townships_SCHEMATIC_wgs84.geojson").read_text(encoding="utf-8")
    )
    return {f["properties"]["code"]: shape(f["geometry"]) for f in data["features"]}


def _point_inside(rng: np.random.Generator, polygon, near: Point | None, radius: float) -> Point:
    """A random point inside ``polygon``; within ``radius`` degrees of ``near`` when given.

    Rejection sampling in the bounding box (or the disc around ``near``), so the result depends only
    on the stream ``rng``.
    """
    # Keep villages a little off the schematic edges so markers do not sit on a township line.
    inner = polygon.buffer(-0.004)
    inner = inner if not inner.is_empty else polygon
    test = prep(inner)
    minx, miny, maxx, maxy = inner.bounds
    for _ in range(10_000):
        if near is not None:
            angle, dist = rng.uniform(0, 2 * np.pi), radius * np.sqrt(rng.uniform())
            p = Point(near.x + dist * np.cos(angle), near.y + dist * np.sin(angle) * 0.77)
        else:
            p = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if test.contains(p):
            return p
    raise RuntimeError("could not place a point inside the polygon")


def village_kind(code: str) -> str:
    """Kind from the NBS sequence number (the reference spells the 4xx units "居委会类(社区)")."""
    seq = int(code[-3:])
    if seq < 200:
        return "居委会"
    return "村委会" if seq < 400 else "类似居委会"


def make_villages(ctx: Context, townships: pd.DataFrame) -> pd.DataFrame:
    rng = ctx.rng("places.villages")
    ref = pd.read_csv(ctx.reference / "lulong_villages.csv", dtype=str).sort_values("code")
    polygons = _schematic_polygons(ctx)
    seats = {
        row.township_code: Point(row.seat_lon, row.seat_lat) for row in townships.itertuples(index=False)
    }

    lons, lats = [], []
    for row in ref.itertuples(index=False):
        polygon = polygons[row.township_code]
        in_town = village_kind(row.code) != "村委会" or row.name_short.endswith(TOWN_STREET_SUFFIXES)
        # Street villages and communities cluster around the seat (≈1.5 km); others anywhere.
        p = _point_inside(rng, polygon, seats[row.township_code] if in_town else None, 0.018)
        lons.append(round(p.x, 6))
        lats.append(round(p.y, 6))

    return pd.DataFrame(
        {
            "village_code": ref["code"].to_numpy(),
            "township_code": ref["township_code"].to_numpy(),
            "name": ref["name_short"].to_numpy(),
            "kind": [village_kind(code) for code in ref["code"]],
            "lon": lons,
            "lat": lats,
        }
    )
