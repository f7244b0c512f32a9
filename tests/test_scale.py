"""Scaled synthetic data (issue #12): a small 2-county folder is valid, its codes are distinct, and
metrics computed county by county add up to the folder's total."""

from __future__ import annotations

import datetime as dt

import pytest

from lulong_data import county
from lulong_data.bundle import Bundle, load_bundle
from lulong_data.generator import scale
from lulong_data.metrics import METRICS, employment, monitoring, places, welfare

# Metrics that are sums over households, persons or villages: a county split must add up exactly.
ADDITIVE = {
    "village_count": (places.village_count, {}),
    "poverty_households": (places.poverty_households, {}),
    "poverty_persons": (places.poverty_persons, {}),
    "monitored_households": (monitoring.monitored_households, {}),
    "eliminated_households": (monitoring.eliminated_households, {}),
    "employment_placed": (employment.employment_placed, {"year": 2022}),
    "welfare_post_persons": (employment.welfare_post_persons, {"year": 2022}),
    "assistance_persons": (welfare.assistance_persons, {"scheme": "农村低保"}),
    "student_aid_students": (welfare.student_aid_students, {"year": 2021}),
}


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("scale2")
    scale.write(out, 2, scale=0.08)
    return out


@pytest.fixture(scope="module")
def bundle(folder) -> Bundle:
    return load_bundle(folder)


def test_county_codes_follow_the_nbs_structure():
    assert [scale.county_code(n) for n in (1, 2, 99, 100)] == ["139901", "139902", "139999", "139801"]


def test_folder_is_valid_with_distinct_codes(bundle):
    assert not bundle.errors, bundle.errors[:5]
    f = bundle.frames
    assert scale.county_codes(f) == ["139901", "139902"]
    assert f["townships"]["township_code"].is_unique
    assert f["townships"]["township_code"].str.slice(0, 6).eq(f["townships"]["county_code"]).all()
    assert f["villages"]["village_code"].str.slice(0, 9).eq(f["villages"]["township_code"]).all()
    assert not bundle.has("published_figures")  # Lulong's own figures only
    # every county got some of its villages, and the two are not copies of each other
    sizes = f["households"]["village_code"].str.slice(0, 6).value_counts()
    assert set(sizes.index) == {"139901", "139902"}
    assert sizes["139901"] != sizes["139902"]


def test_metrics_per_county_add_up_to_the_total(bundle):
    as_of = bundle.as_of
    parts = [county.subset(bundle, code) for code in scale.county_codes(bundle.frames)]
    for name, (_, params) in ADDITIVE.items():
        fn = METRICS[name]  # the plain value (a Figure's value for figures that date themselves)
        total = fn(bundle, as_of=as_of, **params)
        by_county = [fn(p, as_of=as_of, **params) for p in parts]
        assert total > 0, name
        assert sum(by_county) == total, (name, by_county, total)
    assert isinstance(as_of, dt.date)
