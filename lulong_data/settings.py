"""Settings of a running dashboard, from ``LULONG_*`` environment variables.

| variable             | default                 | meaning                                            |
|----------------------|-------------------------|----------------------------------------------------|
| LULONG_DATA_DIR      | the bundled sample      | folder of curated data files                       |
| LULONG_TILE_URL      | (none)                  | intranet map tile URL template; none = no basemap  |
| LULONG_AUTH          | open                    | auth mode                                          |
| LULONG_LANG          | zh                      | interface language: zh or en                       |
| LULONG_VERSIONS_DIR  | (none)                  | folder where published data versions are kept      |
| LULONG_KEEP_VERSIONS | 10                      | how many data versions to keep                     |
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

SAMPLE_DIR = Path(__file__).with_name("sample")
LANGS = ("zh", "en")


class SettingsError(ValueError):
    """A LULONG_* variable has a value the app cannot use."""


@dataclass(frozen=True)
class Settings:
    data_dir: Path = SAMPLE_DIR
    tile_url: str | None = None
    auth_mode: str = "open"
    lang: str = "zh"
    versions_dir: Path | None = None
    keep_versions: int = 10


def _blank(value: str | None) -> str | None:
    # An empty variable (LULONG_TILE_URL=) means "not set", the way shells and .env files write it.
    return value.strip() if value and value.strip() else None


def get_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from the environment (or the mapping given, for tests)."""
    env = os.environ if environ is None else environ
    data_dir = _blank(env.get("LULONG_DATA_DIR"))
    versions_dir = _blank(env.get("LULONG_VERSIONS_DIR"))
    lang = (_blank(env.get("LULONG_LANG")) or "zh").lower()
    if lang not in LANGS:
        raise SettingsError(f"LULONG_LANG must be one of {LANGS}, got {lang!r}")
    keep = _blank(env.get("LULONG_KEEP_VERSIONS")) or "10"
    try:
        keep_versions = int(keep)
    except ValueError:
        raise SettingsError(f"LULONG_KEEP_VERSIONS must be an integer, got {keep!r}") from None
    if keep_versions < 1:
        raise SettingsError(f"LULONG_KEEP_VERSIONS must be >= 1, got {keep_versions}")
    return Settings(
        data_dir=Path(data_dir).expanduser() if data_dir else SAMPLE_DIR,
        tile_url=_blank(env.get("LULONG_TILE_URL")),
        auth_mode=(_blank(env.get("LULONG_AUTH")) or "open").lower(),
        lang=lang,
        versions_dir=Path(versions_dir).expanduser() if versions_dir else None,
        keep_versions=keep_versions,
    )
