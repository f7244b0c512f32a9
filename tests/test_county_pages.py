"""The app on a folder of several counties (issue #12): a county picker appears when there is more than
one county, choosing a county changes the figures and the township list, a township of another county
is reset, and the bundled one-county sample has no picker."""

from __future__ import annotations

import re
import shutil

import pytest
from apptest import open_page
from factories import LEADER_HEADERS, LEADER_ROLES
from streamlit.testing.v1 import AppTest

from lulong_data import county
from lulong_data.formatting import fmt_count
from lulong_data.metrics import employment, monitoring


@pytest.fixture(scope="module")
def folder(three_county_folder):
    return three_county_folder


@pytest.fixture(scope="module")
def full(three_county_bundle):
    return three_county_bundle


@pytest.fixture
def three_counties(folder, tmp_path, monkeypatch):
    """The app reads the 3-county folder as a signed-in leader (open mode serves the sample only)."""
    from components import auth

    roles = tmp_path / "roles.toml"
    roles.write_text(LEADER_ROLES, encoding="utf-8")
    monkeypatch.setenv("LULONG_DATA_DIR", str(folder))
    monkeypatch.setenv("LULONG_VERSIONS_DIR", str(tmp_path / "store"))
    monkeypatch.setenv("LULONG_AUDIT_FILE", str(tmp_path / "audit.jsonl"))
    monkeypatch.setenv("LULONG_AUTH", "header")
    monkeypatch.setenv("LULONG_ROLES_FILE", str(roles))
    monkeypatch.setattr(auth, "_headers", lambda: dict(LEADER_HEADERS))


def _selectbox(at: AppTest, key: str):
    return next((s for s in at.sidebar.selectbox if s.key == key), None)


def _tiles(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_sample_has_no_county_picker():
    at = open_page("overview")
    assert _selectbox(at, "county") is None
    assert _selectbox(at, "township") is not None
    assert any("范围:全县" in c.value for c in at.caption)


@pytest.mark.slow
def test_county_picker_switches_figures_and_townships(three_counties, full):
    at = open_page("overview")
    picker = _selectbox(at, "county")
    assert picker is not None, "no county picker on a 3-county folder"
    assert picker.options == ["模拟县1(虚构)", "模拟县2(虚构)", "模拟县3(虚构)"]
    assert picker.value == "139901"  # no manifest county: the first
    assert picker.label == "县"
    one, two = county.subset(full, "139901"), county.subset(full, "139902")
    day = full.as_of

    def expected(b):
        return {
            "未消除风险户": fmt_count(monitoring.monitored_households(b, as_of=day), "户"),
            "务工就业(本年)": fmt_count(employment.employment_placed(b, as_of=day, year=day.year), "人"),
        }

    tiles = _tiles(at)
    assert {k: tiles[k] for k in expected(one)} == expected(one)
    towns = _selectbox(at, "township").options
    assert len(towns) == 13 and all(name.endswith("(1)") for name in towns[1:]), towns
    assert any("范围:模拟县1(虚构)" in c.value for c in at.caption)

    # County 2: its figures, its townships, its name in the header.
    _selectbox(at, "county").set_value("139902").run()
    assert not at.exception, [e.value for e in at.exception]
    tiles = _tiles(at)
    assert {k: tiles[k] for k in expected(two)} == expected(two)
    assert expected(two) != expected(one)
    towns = _selectbox(at, "township").options
    assert len(towns) == 13 and all(name.endswith("(2)") for name in towns[1:]), towns
    assert any("范围:模拟县2(虚构)" in c.value for c in at.caption)

    # A township of county 2, then county 3: the township filter goes back to the whole county.
    town2 = one_township(two)
    _selectbox(at, "township").set_value(town2).run()
    assert not at.exception
    assert _tiles(at)["务工就业(本年)"] == fmt_count(
        employment.employment_placed(two, as_of=day, year=day.year, township=town2), "人"
    )
    _selectbox(at, "county").set_value("139903").run()
    assert not at.exception, [e.value for e in at.exception]
    assert _selectbox(at, "township").value == ""
    three = county.subset(full, "139903")
    assert _tiles(at)["务工就业(本年)"] == fmt_count(
        employment.employment_placed(three, as_of=day, year=day.year), "人"
    )


def test_county_in_the_url_opens_that_county(three_counties, full):
    at = open_page("overview", query={"county": "139903"})
    assert _selectbox(at, "county").value == "139903"
    three = county.subset(full, "139903")
    day = full.as_of
    assert _tiles(at)["未消除风险户"] == fmt_count(monitoring.monitored_households(three, as_of=day), "户")


def one_township(b) -> str:
    return str(b.frames["townships"]["township_code"].iloc[1])


def test_manifest_county_is_the_default(three_counties, folder, tmp_path, monkeypatch, full):
    copy = tmp_path / "named"
    shutil.copytree(folder, copy)
    manifest = copy / "manifest.toml"
    manifest.write_text('county_code = "139902"\n' + manifest.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setenv("LULONG_DATA_DIR", str(copy))
    at = open_page("overview")
    assert _selectbox(at, "county").value == "139902"
    assert any("范围:模拟县2(虚构)" in c.value for c in at.caption)


@pytest.mark.slow
@pytest.mark.parametrize(
    "url_path", ["map", "dispatch", "monitoring", "employment", "environment", "welfare", "press", "data"]
)
def test_every_page_builds_for_another_county(three_counties, url_path):
    at = open_page(url_path, query={"county": "139902"})
    assert _selectbox(at, "county").value == "139902"
    shown = [str(getattr(e, "value", "")) for e in (*at.markdown, *at.caption, *at.title)]
    shown += [df.to_csv() for df in (d.value for d in at.dataframe)]
    assert not re.search(r"[镇乡道]\(1\)", " ".join(shown)), "a township of county 1 on county 2's page"
