"""Scaled synthetic data: N counties in one folder, for benchmarks at city and province scale.

``python -m lulong_data.generator.scale --counties N --out DIR [--format csv|parquet] [--scale F]``

Approach: clone and perturb the bundled Lulong sample, one synthetic county at a time. Running the full
generator per county was not chosen: it takes 6–13 s per county (≈ 30 min for a province of ~175
counties), and it is calibrated to Lulong itself (real NBS codes, the press conference's exact totals),
so a per-county run would still need recoding afterwards. Cloning works on the sample's text cells, so
every rule the generator obeyed (date order, persons per household, welfare posts ↔ employment, income
lines, deadlines) still holds, and it takes well under a second per county.

What differs per county (each county has its own random stream, seeded by ``seed`` and its number):
- codes: county ``13CCNN`` (1399NN for the first 99, then 1398NN, ...), township and village codes keep
  Lulong's structure under it; household and person ids carry the new code, the other ids (cases,
  measures, visits, records, jobs) are prefixed with it, so every key is unique across the folder;
- size: each township keeps a random share of its villages (``scale`` × U(0.85, 1.15), at most all,
  at least one) with every record that hangs on them; populations shrink in proportion;
- money: the county's 低保/特困 and welfare-post rates are scaled by U(0.9, 1.1) (county standards differ);
- place: township names get the county number, and every coordinate (villages, seats, both GeoJSON
  files) is shifted onto a grid so counties lie side by side on a map.

County-wide rows (``employment_targets``, ``indicators`` and ``population`` with an empty township_code) are
cloned for every county and name it in the contract's ``county_code`` extension column (filled on every row
of those datasets; the population rows shrink with the townships); ``published_figures`` is left out: the published figures are Lulong's only.
The bundled sample and the generator's own output are not touched. ``lulong_data.county`` reads such a
folder back one county at a time.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from lulong_data.contract import DATASETS

TEMPLATE = Path(__file__).resolve().parent.parent / "sample"
TEMPLATE_COUNTY = "130324"
SEED = 20220726

PLACE_CODES = ("county_code", "township_code", "village_code")
# Ids built from a village code ("H" + 12 digits + ...): the county code sits at position 1.
CODED_IDS = ("household_id", "person_id")
# Ids that carry no place: prefixed with the county code to stay unique across counties.
LOCAL_IDS = ("case_id", "measure_id", "visit_id", "record_id", "job_id", "training_id", "student_id")
# Per-county money rates (元/月): county standards differ, national ones (student aid) do not.
RATES = (("social_assistance", "monthly_amount"), ("welfare_jobs", "monthly_subsidy"))
COORDS = {"villages": ("lon", "lat"), "townships": ("seat_lon", "seat_lat")}
DROPPED = ("published_figures",)
SHARED = ("policy_menu",)  # one province-wide menu: written with the first county only
COUNTY_ROWS = ("employment_targets", "indicators", "population")  # empty township_code = the county itself


def county_code(number: int) -> str:
    """The synthetic code of county ``number`` (1-based): 139901..139999, 139801.., 99 per 'city'."""
    if not 1 <= number <= 99 * 40:
        raise ValueError(f"county number {number} out of range")
    city, seq = divmod(number - 1, 99)
    return f"13{99 - city:02d}{seq + 1:02d}"


def read_template(folder: Path = TEMPLATE) -> dict[str, pd.DataFrame]:
    """The sample's datasets as text exactly as written (empty cell = "")."""
    frames = {}
    for name in DATASETS:
        path = folder / f"{name}.csv"
        if path.is_file() and name not in DROPPED:
            frames[name] = pd.read_csv(path, dtype=str, keep_default_na=False)
    return frames


# ---------------------------------------------------------------- one county


def _keep_villages(template: dict[str, pd.DataFrame], rng: np.random.Generator, scale: float) -> set[str]:
    share = min(1.0, scale * rng.uniform(0.85, 1.15))
    kept: list[str] = []
    for _, codes in template["villages"].groupby("township_code", sort=True)["village_code"]:
        n = max(1, round(share * len(codes)))
        kept += sorted(rng.choice(codes.to_numpy(), size=n, replace=False).tolist())
    return set(kept)


def _subset(template: dict[str, pd.DataFrame], villages: set[str]) -> dict[str, pd.DataFrame]:
    """Every row whose references all survive, in dependency order (so foreign keys stay valid)."""
    kept: dict[str, set[str]] = {"village_code": villages}
    out: dict[str, pd.DataFrame] = {}
    # Datasets whose own key later datasets refer to come first.
    order = ["villages", "households", "persons", "monitoring_cases"]
    for name in order + [n for n in template if n not in order]:
        df = template[name]
        mask = np.ones(len(df), dtype=bool)
        for col, keys in kept.items():
            if col in df.columns:
                values = df[col]
                mask &= (values.eq("") | values.isin(keys)).to_numpy()
        df = df[mask]
        if name in COUNTY_ROWS:
            # county-wide rows say which county they are (contract extension); _recode renames it
            df = df.assign(county_code=TEMPLATE_COUNTY)
        out[name] = df
        key = {"households": "household_id", "persons": "person_id", "monitoring_cases": "case_id"}.get(name)
        if key:
            kept[key] = set(df[key])
    return out


def _recode(df: pd.DataFrame, code: str) -> pd.DataFrame:
    df = df.copy()
    for col in df.columns:
        s = df[col]
        filled = s.ne("")
        if col in PLACE_CODES:
            df[col] = s.where(~filled, code + s.str.slice(6))
        elif col in CODED_IDS:
            df[col] = s.where(~filled, s.str.slice(0, 1) + code + s.str.slice(7))
        elif col in LOCAL_IDS:
            df[col] = s.where(~filled, code + s)
    return df


def _scale_rates(frames: dict[str, pd.DataFrame], factor: float) -> None:
    for name, col in RATES:
        if name in frames:
            s = frames[name][col]
            values = (pd.to_numeric(s.replace("", None)) * factor).round(0)
            frames[name][col] = values.map(lambda v: "" if pd.isna(v) else f"{v:.2f}").astype("str")


def _shift(frames: dict[str, pd.DataFrame], dx: float, dy: float) -> None:
    for name, (lon, lat) in COORDS.items():
        df = frames[name]
        for col, delta in ((lon, dx), (lat, dy)):
            values = pd.to_numeric(df[col].replace("", None)) + delta
            df[col] = values.map(lambda v: "" if pd.isna(v) else f"{v:.6f}").astype("str")


def _populations(template: dict[str, pd.DataFrame], frames: dict[str, pd.DataFrame]) -> None:
    """Township populations in proportion to the villages kept."""
    # Compared by the township's own digits (after the county code): the frames are already recoded.
    all_v = template["villages"]["township_code"].str.slice(6).value_counts()
    kept_v = frames["villages"]["township_code"].str.slice(6).value_counts()
    tw = frames["townships"]
    ratio = (kept_v / all_v).reindex(tw["township_code"].str.slice(6)).fillna(0).to_numpy()
    for col in ("population", "rural_population"):
        values = pd.to_numeric(tw[col].replace("", None)).to_numpy(dtype=float)
        tw[col] = [("" if math.isnan(v) else str(round(v * r))) for v, r in zip(values, ratio, strict=True)]
    pop = frames.get("population")
    if pop is None or pop.empty:
        return
    # The population table (contract v2) follows: township rows by the same share, county rows the sum.
    by_town = dict(zip(tw["township_code"], ratio, strict=True))
    persons = pd.to_numeric(pop["persons"].replace("", None)).to_numpy(dtype=float)
    town = pop["township_code"].ne("").to_numpy()
    scaled = [round(v * by_town.get(c, 0.0)) for v, c in zip(persons, pop["township_code"], strict=True)]
    totals = {
        "总人口": sum(int(v) for v in tw["population"].replace("", "0")),
        "农村人口": sum(int(v) for v in tw["rural_population"].replace("", "0")),
    }
    pop["persons"] = [
        str(s) if is_town else str(totals.get(scope, round(v)))
        for s, is_town, scope, v in zip(scaled, town, pop["scope"], persons, strict=True)
    ]


def make_county(
    template: dict[str, pd.DataFrame],
    number: int,
    offset: tuple[float, float],
    *,
    scale: float = 1.0,
    seed: int = SEED,
) -> dict[str, pd.DataFrame]:
    """The datasets of synthetic county ``number`` (text cells, as in the sample files)."""
    rng = np.random.default_rng([seed, number])
    code = county_code(number)
    frames = _subset(template, _keep_villages(template, rng, scale))
    frames = {name: _recode(df, code) for name, df in frames.items()}
    _populations(template, frames)
    _scale_rates(frames, float(rng.uniform(0.9, 1.1)))
    _shift(frames, *offset)
    tw = frames["townships"]
    tw["name"] = tw["name"] + f"({number})"
    return {name: df.reset_index(drop=True) for name, df in frames.items()}


# ---------------------------------------------------------------- geometry


def _move(coords: list, dx: float, dy: float) -> list:
    if coords and isinstance(coords[0], (int, float)):
        return [round(coords[0] + dx, 6), round(coords[1] + dy, 6), *coords[2:]]
    return [_move(c, dx, dy) for c in coords]


def _bbox(geo: dict) -> tuple[float, float, float, float]:
    xs, ys = [], []

    def walk(c: list) -> None:
        if c and isinstance(c[0], (int, float)):
            xs.append(c[0])
            ys.append(c[1])
        else:
            for part in c:
                walk(part)

    for f in geo["features"]:
        walk(f["geometry"]["coordinates"])
    return min(xs), min(ys), max(xs), max(ys)


def offsets(n: int, template: Path = TEMPLATE) -> list[tuple[float, float]]:
    """Shift of each county: a square grid of county outlines, rows going south."""
    county = json.loads((template / "county_boundary.geojson").read_text(encoding="utf-8"))
    x0, y0, x1, y1 = _bbox(county)
    cols = math.ceil(math.sqrt(n))
    return [((i % cols) * (x1 - x0) * 1.05, -(i // cols) * (y1 - y0) * 1.05) for i in range(n)]


def write_geo(out: Path, n: int, shifts: list[tuple[float, float]], template: Path = TEMPLATE) -> None:
    county = json.loads((template / "county_boundary.geojson").read_text(encoding="utf-8"))
    towns = json.loads((template / "township_boundaries.geojson").read_text(encoding="utf-8"))
    county_features, town_features = [], []
    for number, (dx, dy) in enumerate(shifts, start=1):
        code = county_code(number)
        for f in county["features"]:
            geom = {"type": f["geometry"]["type"], "coordinates": _move(f["geometry"]["coordinates"], dx, dy)}
            props = {"adcode": int(code), "name": f"模拟县{number}(虚构)"}
            county_features.append({"type": "Feature", "properties": props, "geometry": geom})
        for f in towns["features"]:
            props = dict(f["properties"])
            props["township_code"] = code + props["township_code"][6:]
            props["name"] = f"{props['name']}({number})"
            geom = {"type": f["geometry"]["type"], "coordinates": _move(f["geometry"]["coordinates"], dx, dy)}
            town_features.append({"type": "Feature", "properties": props, "geometry": geom})
    for name, features in (("county_boundary", county_features), ("township_boundaries", town_features)):
        data = {"type": "FeatureCollection", "name": f"synthetic_{name}", "features": features}
        (out / f"{name}.geojson").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


# ---------------------------------------------------------------- the folder


def counties(n: int, *, scale: float = 1.0, seed: int = SEED, template: Path = TEMPLATE) -> Iterator[dict]:
    """The datasets of counties 1..n, one county at a time (memory stays at one county's size)."""
    base = read_template(template)
    for number, offset in enumerate(offsets(n, template), start=1):
        yield make_county(base, number, offset, scale=scale, seed=seed)


def write(out: Path, n: int, *, fmt: str = "csv", scale: float = 1.0, seed: int = SEED) -> dict[str, int]:
    """Write an n-county folder; returns rows per dataset. Streams county by county."""
    out.mkdir(parents=True, exist_ok=True)
    for old in [*out.glob("*.csv"), *out.glob("*.parquet"), *out.glob("*.geojson")]:
        old.unlink()
    rows: dict[str, int] = {}
    writers: dict[str, object] = {}
    try:
        for frames in counties(n, scale=scale, seed=seed):
            for name, df in frames.items():
                if name in SHARED and name in rows:
                    continue
                path = out / f"{name}.{fmt}"
                if fmt == "csv":
                    df.to_csv(path, mode="a", header=name not in rows, index=False, lineterminator="\n")
                else:
                    writers[name] = _append_parquet(writers.get(name), path, df)
                rows[name] = rows.get(name, 0) + len(df)
    finally:
        for w in writers.values():
            w.close()
    write_geo(out, n, offsets(n))
    manifest = (TEMPLATE / "manifest.toml").read_text(encoding="utf-8")
    as_of = next(line for line in manifest.splitlines() if line.startswith("data_as_of"))
    # No county_code: the folder holds many counties (the manifest has room for one).
    (out / "manifest.toml").write_text(
        f'{as_of}\nprepared_by = "模拟数据:{n} 个县(由卢龙样例克隆,虚构)"\n', encoding="utf-8"
    )
    (out / "README.md").write_text(
        f"# Synthetic {n}-county folder (not real data)\n\nMade by `python -m lulong_data.generator.scale "
        f"--counties {n} --scale {scale} --format {fmt}`; see that module's docstring.\n",
        encoding="utf-8",
    )
    return rows


def _append_parquet(writer, path: Path, df: pd.DataFrame):
    import pyarrow as pa
    import pyarrow.parquet as pq

    # Text columns as in the CSVs, empty cells as nulls (what a typed export would hold as missing).
    table = pa.Table.from_pandas(df.replace("", None).astype("str"), preserve_index=False)
    table = table.cast(pa.schema([pa.field(f.name, pa.string()) for f in table.schema]))
    if writer is None:
        writer = pq.ParquetWriter(path, table.schema)
    writer.write_table(table)
    return writer


# ---------------------------------------------------------------- reading a multi-county folder


def county_codes(frames: dict[str, pd.DataFrame]) -> list[str]:
    """The county codes of a (typed or text) folder's townships."""
    return sorted(set(frames["townships"]["county_code"].dropna()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lulong_data.generator.scale", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--counties", type=int, required=True, help="number of synthetic counties")
    parser.add_argument("--out", type=Path, required=True, help="output folder (emptied of data files first)")
    parser.add_argument("--format", choices=("csv", "parquet"), default="csv")
    parser.add_argument("--scale", type=float, default=1.0, help="share of each county's villages kept (≈)")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    rows = write(args.out, args.counties, fmt=args.format, scale=args.scale, seed=args.seed)
    for name, n in rows.items():
        print(f"{name:22s} {n:>10,} rows")
    print(
        f"{args.counties} counties written to {args.out} in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
