"""Offline assets: the Leaflet files the map needs, served by the app itself from ./static/vendor/.

The county intranet has no internet, so no page may load anything from a CDN. Leaflet comes from the PyPI
package ``django-js-lib-leaflet`` (Leaflet 1.9.4, BSD-2) and is copied into ``static/vendor/leaflet/`` at
start-up (the folder is git-ignored: generated, not committed). Streamlit serves ``./static/`` under
``app/static/`` because ``server.enableStaticServing = true`` in .streamlit/config.toml.

Run ``python -m components.assets`` to prepare the folder ahead of time (CI, images); the app also does it
on start-up.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "static"
LEAFLET_DIR = STATIC / "vendor" / "leaflet"
LEAFLET_FILES = ("leaflet.js", "leaflet.css", "images")

# streamlit-folium loads its links inside a component iframe served at <base>/component/<name>/index.html;
# two levels up is the app's base URL, so these links work under any server.baseUrlPath.
FROM_COMPONENT = "../../"
LEAFLET_JS = "app/static/vendor/leaflet/leaflet.js"
LEAFLET_CSS = "app/static/vendor/leaflet/leaflet.css"


def leaflet_source() -> Path:
    """The Leaflet distribution inside the installed django-js-lib-leaflet package."""
    spec = importlib.util.find_spec("js_lib_leaflet")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            "django-js-lib-leaflet is not installed (pip install -r requirements.txt): the map needs its "
            "Leaflet files"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "static" / "js_lib_leaflet"


def ensure_leaflet(target: Path = LEAFLET_DIR) -> Path:
    """Copy Leaflet into ``static/vendor/leaflet`` unless it is already there; returns the folder."""
    if all((target / name).exists() for name in LEAFLET_FILES):
        return target
    source = leaflet_source()
    target.mkdir(parents=True, exist_ok=True)
    for name in LEAFLET_FILES:
        src = source / name
        if src.is_dir():
            shutil.copytree(src, target / name, dirs_exist_ok=True)
        else:
            shutil.copy2(src, target / name)
    return target


if __name__ == "__main__":
    print(ensure_leaflet())
