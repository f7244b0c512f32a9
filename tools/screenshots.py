"""Screenshots of every page at the widths a county office has, into screenshots/.

    .venv/bin/python tools/screenshots.py [--pages overview,map] [--sizes 1366,1024,wide] [--out screenshots]
                                          [--upload FILE ...] [--header NAME=VALUE ...]

Sizes: 1024, 1366, 1600 ("wide", a projector), 1920 and phone (390 wide); by default 1366, 1024 and wide.
Each page is saved twice: ``<page>-<size>.png`` (the first screen) and ``<page>-<size>-full.png``.
Starts its own `streamlit run app.py` on a free port, drives the system Chromium (/usr/bin/chromium;
never `playwright install`) with every request to another host blocked, and saves full-page PNGs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from components.nav import SPECS  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, OfflinePage, Server  # noqa: E402

PAGES = {url_path: f"/{url_path}" for url_path in SPECS}
SIZES = {
    "1024": (1024, 768),
    "1366": (1366, 768),
    "wide": (1600, 900),
    "1920": (1920, 1080),
    "phone": (390, 844),
}
DEFAULT_SIZES = "1366,1024,wide"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", default=",".join(PAGES), help="comma-separated page names")
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help=f"comma-separated, of {','.join(SIZES)}")
    parser.add_argument("--out", default=str(ROOT / "screenshots"))
    parser.add_argument(
        "--upload",
        nargs="+",
        type=Path,
        help="data page: drop these files on the import panel first (the server needs LULONG_SECRET_FILE)",
    )
    parser.add_argument(
        "--header",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="sent with every request, e.g. X-Remote-User=zhao and X-Remote-Groups=data-office for a server "
        "started with LULONG_AUTH=header (the import panel needs a data-office user)",
    )
    args = parser.parse_args()
    headers = dict(h.split("=", 1) for h in args.header)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    from playwright.sync_api import sync_playwright

    server = Server().start()
    foreign: list[str] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            for size in args.sizes.split(","):
                width, height = SIZES[size]
                context = browser.new_context(
                    viewport={"width": width, "height": height},
                    locale="zh-CN",
                    device_scale_factor=1,
                    extra_http_headers=headers,
                )
                page = context.new_page()
                offline = OfflinePage(page, server)
                for name in args.pages.split(","):
                    offline.open(PAGES[name])
                    if name == "data" and args.upload:
                        page.locator("[data-testid=stFileUploader] input[type=file]").first.set_input_files(
                            [str(f) for f in args.upload]
                        )
                        page.get_by_text("识别结果").first.wait_for(timeout=600_000)
                        offline.wait(timeout=600_000)
                        page.get_by_text("识别结果").first.scroll_into_view_if_needed()
                    if name == "map":
                        page.frame_locator("iframe[title='streamlit_folium.st_folium']").locator(
                            "path.leaflet-interactive"
                        ).first.wait_for(timeout=60_000)
                    page.wait_for_timeout(1500)  # let charts finish their transitions
                    # What the room sees first, then the whole page: Streamlit scrolls inside its main
                    # container, so a "full page" shot needs a viewport as tall as that container.
                    target = out / f"{name}-{size}.png"
                    page.screenshot(path=str(target))
                    print(target)
                    tall = page.evaluate(
                        "() => { const m = document.querySelector('[data-testid=stMain]');"
                        " return m ? m.scrollHeight : document.body.scrollHeight; }"
                    )
                    page.set_viewport_size(
                        {"width": width, "height": max(height, min(int(tall) + 40, 12000))}
                    )
                    page.wait_for_timeout(1500)
                    target = out / f"{name}-{size}-full.png"
                    page.screenshot(path=str(target))
                    print(target)
                    page.set_viewport_size({"width": width, "height": height})
                foreign += offline.foreign
                context.close()
            browser.close()
    finally:
        server.stop()
    if foreign:
        print("requests to other hosts were blocked:", *sorted(set(foreign)), sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
