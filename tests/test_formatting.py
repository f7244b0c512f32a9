from pathlib import Path

import pytest

from lulong_data.formatting import fmt_count, fmt_delta, fmt_int, fmt_pct, fmt_wan
from lulong_data.privacy import mask_name
from lulong_data.settings import SAMPLE_DIR, SettingsError, get_settings


def test_fmt_int():
    assert fmt_int(4019) == "4,019"
    assert fmt_int(408000) == "408,000"
    assert fmt_int(0) == "0"
    assert fmt_int(None) == "—"
    assert fmt_int(float("nan")) == "—"


def test_fmt_wan():
    assert fmt_wan(5838600) == "583.86万元"
    assert fmt_wan(27000000) == "2,700万元"
    assert fmt_wan(408000, unit="人", digits=1) == "40.8万人"
    assert fmt_wan(5000) == "0.5万元"


def test_fmt_pct_rounds_half_up():
    assert fmt_pct(3.05) == "3.1%"
    assert fmt_pct(73.0) == "73.0%"
    assert fmt_pct(101.99, digits=0) == "102%"


def test_fmt_count_and_delta():
    assert fmt_count(4019, "人") == "4,019人"
    assert fmt_count(None, "人") == "—"
    assert fmt_delta(207) == "+207"
    assert fmt_delta(-3) == "−3"
    assert fmt_delta(0) == "0"
    assert fmt_delta(1500) == "+1,500"


@pytest.mark.parametrize(
    "name, masked",
    [
        ("张三明", "张*明"),
        ("张三", "张*"),
        ("欧阳小明", "欧阳*明"),
        ("王", "王"),
        (None, ""),
        (float("nan"), ""),
        ("", ""),
    ],
)
def test_mask_name(name, masked):
    assert mask_name(name) == masked


def test_settings_defaults():
    s = get_settings({})
    assert s.data_dir == SAMPLE_DIR
    assert (s.tile_url, s.auth_mode, s.lang, s.versions_dir, s.keep_versions) == (
        None,
        "open",
        "zh",
        None,
        10,
    )


def test_settings_from_env():
    s = get_settings(
        {
            "LULONG_DATA_DIR": "/data/lulong",
            "LULONG_TILE_URL": "http://tiles.intra/{z}/{x}/{y}.png",
            "LULONG_AUTH": "proxy",
            "LULONG_LANG": "en",
            "LULONG_VERSIONS_DIR": "/data/versions",
            "LULONG_KEEP_VERSIONS": "3",
        }
    )
    assert s.data_dir == Path("/data/lulong") and s.versions_dir == Path("/data/versions")
    assert (s.tile_url, s.auth_mode, s.lang, s.keep_versions) == (
        "http://tiles.intra/{z}/{x}/{y}.png",
        "proxy",
        "en",
        3,
    )
    assert get_settings({"LULONG_TILE_URL": ""}).tile_url is None


@pytest.mark.parametrize(
    "env", [{"LULONG_LANG": "fr"}, {"LULONG_KEEP_VERSIONS": "ten"}, {"LULONG_KEEP_VERSIONS": "0"}]
)
def test_settings_rejects_bad_values(env):
    with pytest.raises(SettingsError):
        get_settings(env)
