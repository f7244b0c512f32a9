"""GeoJSON helpers for the maps: features with figures attached, ring orientation, bounds.

Pure Python on plain GeoJSON dicts (what ``Bundle.geo`` holds), so the same features feed Altair (Vega/d3)
and folium (Leaflet). Never mutates its input: bundles are cached and shared between sessions.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterable, Mapping
from typing import Any

import shapely
from shapely.geometry import mapping, shape

__all__ = [
    "SCHEMATIC_NOTICE_EN",
    "SCHEMATIC_NOTICE_ZH",
    "bounds",
    "centroids",
    "features",
    "has_schematic",
    "orient",
    "township_code_of",
]

SCHEMATIC_NOTICE_ZH = "示意图,不作为权属界线依据"
SCHEMATIC_NOTICE_EN = "Schematic map, not a legal boundary"


def township_code_of(feature: Mapping[str, Any]) -> str | None:
    """The 9-digit township code of a feature (the contract's property; the reference file says ``code``)."""
    props = feature.get("properties") or {}
    code = props.get("township_code", props.get("code"))
    return None if code is None else str(code)


def _features(geojson: Mapping[str, Any] | None) -> list[dict]:
    if not geojson:
        return []
    if geojson.get("type") == "FeatureCollection":
        return list(geojson.get("features") or [])
    if geojson.get("type") == "Feature":
        return [dict(geojson)]
    return [{"type": "Feature", "properties": {}, "geometry": dict(geojson)}]


def schematic_caption(geojson: Mapping[str, Any] | None, lang: str = "zh") -> str | None:
    """The notice a picture of ``geojson`` must carry when it is schematic (:func:`has_schematic`), else None."""
    if not has_schematic(geojson):
        return None
    return SCHEMATIC_NOTICE_EN if lang == "en" else SCHEMATIC_NOTICE_ZH


def has_schematic(geojson: Mapping[str, Any] | None) -> bool:
    """True if any feature is marked ``schematic`` (then the map must say it is no legal boundary)."""
    return any((f.get("properties") or {}).get("schematic") is True for f in _features(geojson))


def orient(geometry: Mapping[str, Any], *, exterior_cw: bool = True) -> dict:
    """The geometry with rings re-oriented.

    d3 (Vega, Altair) works on the sphere and reads a counter-clockwise exterior as "everything except this
    polygon", painting the complement; it wants clockwise exteriors. GeoJSON (RFC 7946) files usually have
    the opposite, so maps drawn with Altair go through ``orient(..., exterior_cw=True)``.
    """
    geom = shape(geometry)
    if geom.is_empty:
        return dict(geometry)
    return mapping(shapely.orient_polygons(geom, exterior_cw=exterior_cw))


def features(
    geojson: Mapping[str, Any] | None,
    values: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    exterior_cw: bool | None = None,
) -> list[dict]:
    """Deep-copied features with ``values[township_code]`` merged into their properties.

    ``exterior_cw=True`` orients rings for d3/Altair, ``None`` leaves them as they are (Leaflet does not
    care). Every feature gets a string ``township_code`` property when the file has one under any name.
    """
    out = []
    for f in _features(geojson):
        f = copy.deepcopy(f)
        props = dict(f.get("properties") or {})
        code = township_code_of(f)
        if code is not None:
            props["township_code"] = code
            props.update(_clean((values or {}).get(code, {})))
        f["properties"] = props
        if exterior_cw is not None and f.get("geometry"):
            f["geometry"] = orient(f["geometry"], exterior_cw=exterior_cw)
        out.append(f)
    return out


def _clean(row: Mapping[str, Any]) -> dict:
    # Vega and JSON serialisers choke on NaN and numpy scalars: turn them into plain Python values.
    out = {}
    for key, value in row.items():
        if hasattr(value, "item"):
            value = value.item()
        if isinstance(value, float) and math.isnan(value):
            value = None
        try:
            if value is not None and value != value:  # pd.NA and friends
                value = None
        except (TypeError, ValueError):
            value = None
        out[str(key)] = value
    return out


def bounds(*geojsons: Mapping[str, Any] | None) -> list[list[float]] | None:
    """``[[south, west], [north, east]]`` of all features (Leaflet's fit_bounds order), None if empty."""
    boxes = [shape(f["geometry"]).bounds for g in geojsons for f in _features(g) if f.get("geometry")]
    if not boxes:
        return None
    west = min(b[0] for b in boxes)
    south = min(b[1] for b in boxes)
    east = max(b[2] for b in boxes)
    north = max(b[3] for b in boxes)
    return [[south, west], [north, east]]


def centroids(geojson: Mapping[str, Any] | None) -> dict[str, tuple[float, float]]:
    """township_code -> (lon, lat) of a point inside its polygon (for labels; always inside, unlike a centroid)."""
    out: dict[str, tuple[float, float]] = {}
    for f in _features(geojson):
        code = township_code_of(f)
        if code is None or not f.get("geometry"):
            continue
        point = shape(f["geometry"]).representative_point()
        out[code] = (point.x, point.y)
    return out


def codes(geojson: Mapping[str, Any] | None) -> Iterable[str]:
    """The township codes the file has polygons for."""
    return [c for c in (township_code_of(f) for f in _features(geojson)) if c is not None]
