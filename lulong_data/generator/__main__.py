"""Write the sample data folder: ``python -m lulong_data.generator [--out DIR]``.

The output is byte-for-byte identical on every run: fixed seeds, rows in the order the modules give,
columns in contract order, one fixed text form per column kind, UTF-8 with LF line endings.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import importlib
import json
import math
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from lulong_data.contract import DATASETS, Dataset
from lulong_data.generator.context import Context

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "sample"

# Run order: each module sees the frames of the modules before it.
MODULES = ("places", "people", "monitoring", "jobs", "environment", "welfare", "survey", "figures")
# Modules written by the second helper; skipped while they do not exist yet.
OPTIONAL_MODULES = frozenset({"jobs", "environment", "welfare", "figures"})
# Modules that revise datasets made before them (the survey adds columns and households to the roll once
# the ledgers that depend on the roll are made).
REVISING_MODULES = frozenset({"survey"})

# Decimals of float columns in the CSVs: coordinates get 6 (about 0.1 m), everything else 2 (money in 元,
# percentages, scores). A fixed form keeps the files identical across platforms and pandas versions.
COORDINATE_COLUMNS = frozenset({"lon", "lat", "seat_lon", "seat_lat"})
FLOAT_DECIMALS = 2

SCHEMATIC_NOTE = (
    "示意图,不作为权属界线依据:由乡镇驻地近似位置生成的泰森多边形,裁剪至县界。"
    "Schematic only, not a legal boundary: Voronoi cell of an approximate township seat, "
    "clipped to the county outline."
)


def run(ctx: Context) -> dict[str, pd.DataFrame]:
    """Run every available module in order and return all frames."""
    frames: dict[str, pd.DataFrame] = {}
    for name in MODULES:
        try:
            module = importlib.import_module(f"lulong_data.generator.{name}")
        except ModuleNotFoundError as exc:
            if name in OPTIONAL_MODULES and exc.name == f"lulong_data.generator.{name}":
                print(f"skip {name}: module not written yet", file=sys.stderr)
                continue
            raise
        make: Callable = module.make
        made = make(ctx) if name == "places" else make(ctx, frames)
        for dataset in made:
            if dataset not in DATASETS:
                raise ValueError(f"{name}.make returned unknown dataset {dataset!r}")
            if dataset in frames and name not in REVISING_MODULES:
                raise ValueError(f"{name}.make returned {dataset!r} a second time")
        frames.update(made)
    return frames


# ---------------------------------------------------------------- cell formatting


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def _format_cell(value: object, kind: str, decimals: int) -> str:
    """One cell as text, by contract kind. Missing values are empty cells."""
    if _is_missing(value):
        return ""
    if kind == "date":
        if isinstance(value, str):
            return dt.date.fromisoformat(value).isoformat()
        if isinstance(value, dt.datetime):  # pd.Timestamp too
            return value.date().isoformat()
        return value.isoformat()  # datetime.date
    if kind == "int":
        as_float = float(value)
        if not as_float.is_integer():
            raise ValueError(f"non-integer value {value!r} in an int column")
        return str(int(as_float))
    if kind == "float":
        # round() then + 0.0 turns a negative zero into 0 so "-0.00" never appears.
        return f"{round(float(value), decimals) + 0.0:.{decimals}f}"
    if kind == "bool":
        return "是" if bool(value) else "否"
    return str(value)


def to_text_frame(df: pd.DataFrame, dataset: Dataset) -> pd.DataFrame:
    """The frame as strings, columns in contract order (extra columns, if any, after them)."""
    known = [c for c in dataset.columns if c.name in df.columns]
    missing = [c.name for c in dataset.columns if c.required and c.name not in df.columns]
    if missing:
        raise ValueError(f"{dataset.name}: required columns missing: {missing}")
    extra = [c for c in df.columns if c not in dataset.aliases]
    out = {}
    for col in known:
        decimals = 6 if col.name in COORDINATE_COLUMNS else FLOAT_DECIMALS
        out[col.name] = [_format_cell(v, col.kind, decimals) for v in df[col.name].tolist()]
    for name in extra:
        out[name] = ["" if _is_missing(v) else str(v) for v in df[name].tolist()]
    return pd.DataFrame(out, columns=[c.name for c in known] + extra, dtype=object)


def write_csv(df: pd.DataFrame, dataset: Dataset, path: Path) -> None:
    text = to_text_frame(df, dataset)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(text.columns)
        writer.writerows(text.itertuples(index=False, name=None))


# ---------------------------------------------------------------- other files


def write_manifest(ctx: Context, path: Path) -> None:
    path.write_text(
        'county_code = "130324"\n'
        f"data_as_of = {ctx.as_of.isoformat()}\n"
        'prepared_by = "卢龙县防贫中心(样例数据,虚构)"\n',
        encoding="utf-8",
        newline="\n",
    )


def _dump_json(obj: object, path: Path) -> None:
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=1) + "\n", encoding="utf-8", newline="\n")


def write_geo(ctx: Context, out: Path) -> None:
    """The real county outline and the schematic township polygons, both WGS84."""
    county = json.loads((ctx.reference / "lulong_county_wgs84.geojson").read_text(encoding="utf-8"))
    _dump_json(county, out / "county_boundary.geojson")

    schematic = json.loads(
        (ctx.reference / "lulong_townships_SCHEMATIC_wgs84.geojson").read_text(encoding="utf-8")
    )
    features = [
        {
            "type": "Feature",
            "properties": {
                "township_code": f["properties"]["code"],
                "name": f["properties"]["name"],
                "schematic": True,
                "note": SCHEMATIC_NOTE,
            },
            "geometry": f["geometry"],
        }
        for f in sorted(schematic["features"], key=lambda f: f["properties"]["code"])
    ]
    _dump_json(
        {"type": "FeatureCollection", "name": "lulong_township_boundaries_schematic", "features": features},
        out / "township_boundaries.geojson",
    )


README = """\
# 卢龙县巩固脱贫成果样例数据(虚构) / Lulong sample data (synthetic)

**本文件夹中的数据均为虚构的样例数据**,由程序按固定随机种子生成,仅用于演示和测试看板。
乡镇和行政村的代码与名称是真实的(国家统计局统计用区划代码);县界取自公开的 DataV.GeoAtlas 数据
(已转为 WGS84);乡镇边界是**示意图**(驻地近似位置的泰森多边形裁剪至县界),不作为权属界线依据。
农户、人员、监测对象、帮扶措施、就业、低保等全部记录都是编造的,与任何真实的人或户无关;
户主姓名为随机组合的常见姓名,看板中一律脱敏显示。

The data in this folder are **synthetic**. Township/village codes and names are real (NBS codes), the
county outline is public DataV.GeoAtlas data converted to WGS84, and the township polygons are schematic
(not legal boundaries). Every household, person, case, measure and ledger row is invented; the totals are
tuned so that the dashboard's metrics reproduce the figures of the county's press conference of
2022-07-27 (see `published_figures.csv` and `docs/published-figures.md`).

- 数据截至 / data as of: {as_of}
- 历史 / history: monthly from {start_month} to {as_of}
- 随机种子 / seed: {seed}

## 重新生成 / Regenerate

```
python -m lulong_data.generator            # writes lulong_data/sample/
python -m lulong_data.generator --out DIR  # writes another folder
```

The generator is deterministic: the same code gives byte-identical files. Each module
(`lulong_data/generator/*.py`) draws from its own random stream, derived from the seed and the module's
name, so a change in one dataset does not move the numbers of another.

## Files

{files}
"""


def write_readme(ctx: Context, out: Path, frames: dict[str, pd.DataFrame]) -> None:
    lines = [
        f"- `{name}.csv` — {DATASETS[name].title} / {DATASETS[name].title_en}: {len(df):,} rows"
        for name, df in frames.items()
    ]
    lines += [
        "- `manifest.toml` — county code, data_as_of, prepared_by",
        "- `county_boundary.geojson` — county outline (WGS84)",
        "- `township_boundaries.geojson` — schematic township polygons (WGS84, `schematic: true`)",
    ]
    text = README.format(
        as_of=ctx.as_of.isoformat(),
        start_month=ctx.start.strftime("%Y-%m"),
        seed=ctx.seed,
        files="\n".join(lines),
    )
    (out / "README.md").write_text(text, encoding="utf-8", newline="\n")


# ---------------------------------------------------------------- summary


def summary(frames: dict[str, pd.DataFrame]) -> str:
    lines = [f"{name:22s} {len(df):>7,} rows" for name, df in frames.items()]
    hh = frames.get("households")
    tw = frames.get("townships")
    if tw is not None:
        lines.append(
            f"townships: {len(tw)}; population {tw['population'].sum():,} "
            f"({tw['population'].sum() / 10000:.1f}万); rural {tw['rural_population'].sum():,}"
        )
    if hh is not None:
        poor = hh[hh["household_type"] == "脱贫户"]
        lines.append(
            f"脱贫户 {len(poor):,} households, {int(poor['persons'].sum()):,} persons; "
            f"一般农户 {int((hh['household_type'] == '一般农户').sum()):,} (monitoring objects and surveyed)"
        )
    if "policy_menu" in frames:
        lines.append(f"policy menu items: {len(frames['policy_menu'])}")
    mc = frames.get("monitoring_cases")
    if mc is not None:
        approved = mc["approved_on"].notna()
        eliminated = mc["eliminated_on"].notna()
        lines.append(
            f"monitoring cases {len(mc)}: in procedure {int((~approved).sum())}, "
            f"monitored {int((approved & ~eliminated).sum())}, eliminated {int(eliminated.sum())}; "
            f"因病 {(mc['risk_1'] == '因病').mean():.0%}, 因残 {(mc['risk_1'] == '因残').mean():.0%}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lulong_data.generator", description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: %(default)s)")
    args = parser.parse_args(argv)

    ctx = Context()
    frames = run(ctx)

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    # Remove what an earlier run wrote (only our kinds of files), so a dataset dropped from the
    # generator does not linger in the folder.
    for old in [*out.glob("*.csv"), *out.glob("*.geojson"), out / "manifest.toml", out / "README.md"]:
        old.unlink(missing_ok=True)
    for name, df in frames.items():
        write_csv(df, DATASETS[name], out / f"{name}.csv")
    write_manifest(ctx, out / "manifest.toml")
    write_geo(ctx, out)
    write_readme(ctx, out, frames)
    print(summary(frames))
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
