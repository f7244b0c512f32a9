"""The bundled sample moved forward in time (issue 17): every date and year of the ledgers shifted by whole
years and the manifest dated anew, so the app can be tried in a year no holiday schedule covers yet."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pandas as pd
from paths import SAMPLE_DIR

from lulong_data.contract import DATASETS

# Year columns that stay: the year a household left poverty (2014–2020 by contract) and birth years.
_KEEP = {("households", "exit_year"), ("persons", "birth_year")}


def _shift_date(text: str, years: int) -> str:
    if not text:
        return text
    d = dt.date.fromisoformat(text)
    try:
        return d.replace(year=d.year + years).isoformat()
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28).isoformat()


def _shift_years_in(text: str, years: int) -> str:
    """2022 -> 2027 in "2022", "2022-06" and "2022-06-30" (periods of indicators and scores)."""
    if not text:
        return text
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return _shift_date(text, years)
    return re.sub(r"^\d{4}", lambda m: str(int(m.group(0)) + years), text)


def shifted_sample(dest: Path, *, years: int, as_of: dt.date) -> Path:
    """A copy of the sample with every ledger date and year ``years`` later, dated ``as_of``."""
    shutil.copytree(SAMPLE_DIR, dest)
    for path in sorted(dest.glob("*.csv")):
        name = path.stem
        if name not in DATASETS:
            continue
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        for col in DATASETS[name].columns:
            if col.name not in df.columns or (name, col.name) in _KEEP:
                continue
            if col.kind == "date":
                df[col.name] = df[col.name].map(lambda v: _shift_date(v, years))
            elif col.kind == "period" or (name, col.name) == ("indicators", "period"):
                df[col.name] = df[col.name].map(lambda v: _shift_years_in(v, years))
            elif col.kind == "int" and col.name in ("year", "income_year"):
                df[col.name] = df[col.name].map(lambda v: str(int(v) + years) if v else v)
        df.to_csv(path, index=False, lineterminator="\n")
    manifest = (dest / "manifest.toml").read_text(encoding="utf-8")
    manifest = re.sub(r"data_as_of = \S+", f"data_as_of = {as_of.isoformat()}", manifest)
    (dest / "manifest.toml").write_text(manifest, encoding="utf-8")
    return dest
