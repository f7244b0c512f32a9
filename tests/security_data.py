"""Hostile data for the security tests (issue #20): the sample with names, notes and wordings that carry
Markdown images, HTML with script handlers and spreadsheet formulas. Each stays valid under the data
contract (no control character, within the length caps), so the app serves it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd

EVIL_HOST = "evil.example"
MD_IMAGE = f"![t](http://{EVIL_HOST}/x.png)"
HTML_SCRIPT = '<img src="/x" onerror="window.top.document.title=\'X\'">'
FORMULA = '=HYPERLINK("http://evil.example/y","点击")'

# code -> hostile name (the first two townships of the sample)
TOWNSHIP_NAMES = {
    "130324100": f"卢龙镇{HTML_SCRIPT}",
    "130324101": f"潘庄镇{MD_IMAGE}",
    "130324201": f"刘家营乡{MD_IMAGE}{HTML_SCRIPT}",
    "130324102": "燕河营镇**粗体**:red[红]$x$",
}


def _rewrite(path: Path, change) -> None:
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    change(df)
    df.to_csv(path, index=False)


def hostile_folder(target: Path) -> Path:
    """A copy of the sample whose text cells carry the payloads above."""
    from paths import SAMPLE_DIR

    shutil.copytree(SAMPLE_DIR, target)

    def townships(df):
        named = df["township_code"].map(TOWNSHIP_NAMES)
        df["name"] = named.where(named.notna(), df["name"] + MD_IMAGE + HTML_SCRIPT)

    def villages(df):
        df.loc[df.index[::3], "name"] = df.loc[df.index[::3], "name"] + MD_IMAGE
        df.loc[df.index[1::3], "name"] = df.loc[df.index[1::3], "name"] + HTML_SCRIPT
        df.loc[df.index[2::3], "name"] = df.loc[df.index[2::3], "name"] + FORMULA

    def policies(df):
        df["name"] = df["name"] + MD_IMAGE

    def trainings(df):
        df["title"] = df["title"] + HTML_SCRIPT

    def scores(df):
        df["note"] = f"垃圾乱堆{MD_IMAGE}{HTML_SCRIPT}"

    def published(df):
        df["statement"] = df["statement"] + MD_IMAGE
        df["source"] = df["source"] + HTML_SCRIPT

    for name, change in (
        ("townships", townships),
        ("villages", villages),
        ("policy_menu", policies),
        ("trainings", trainings),
        ("environment_scores", scores),
        ("published_figures", published),
    ):
        _rewrite(target / f"{name}.csv", change)
    manifest = target / "manifest.toml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace(
            'prepared_by = "卢龙县防贫中心(样例数据,虚构)"',
            f"prepared_by = {json.dumps('防贫中心' + MD_IMAGE, ensure_ascii=False)}\n"
            f"county_name = {json.dumps('卢龙县' + HTML_SCRIPT, ensure_ascii=False)}",
        ),
        encoding="utf-8",
    )
    # The township boundaries carry the names too (the map's labels read the townships table).
    return target
