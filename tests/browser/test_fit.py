"""Every page fits the screens a county office has and speaks Chinese (issue 22).

Each page is opened at 1024, 1366, 1600 and 1920 px and on a 390 px phone, in Chinese, and fails on:

- text that is cut: any text whose box runs past an ancestor that clips it (``overflow`` hidden/clip, an
  ellipsis) — buttons, tile labels and values, HTML table cells, widget labels, the menu — or a page that
  scrolls sideways;
- a table (st.dataframe, drawn on a canvas) that hides columns past its right edge, or a short table (up to
  15 rows) that hides rows: the canvas cells themselves are sized by components.table and checked by the
  screenshots these tests leave in var/fit/;
- an English word (Streamlit's own widget texts included) outside code, file names and the allowed words;
- "Page not found" or an exception.

Typed addresses (/overview, /总览, …) are checked on a server whose first request they are.
The tests are heavy (50 page loads): run one width with ``-k 1366``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from components.nav import ALIASES, SPECS
from tests.browser.conftest import ROOT, OfflinePage, Server

WIDTHS = {1024: 768, 1366: 768, 1600: 900, 1920: 1080, 390: 844}
PAGES = list(SPECS)
FOLIUM = "iframe[title='streamlit_folium.st_folium']"
SHOTS = ROOT / "var" / "fit"

# Words that are the same in Chinese text: file formats and the language switch's own name for English.
ALLOWED = {
    "excel", "word", "pdf", "png", "svg", "pptx", "csv", "xlsx", "zip", "toml", "geojson", "parquet", "ppi",
    "english", "language", "mb", "kb", "id", "sso",
}  # fmt: skip

_FINDINGS_JS = r"""
() => {
  const out = {cut: [], english: [], tables: [], sideways: null};
  const vw = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > vw + 1) out.sideways = document.documentElement.scrollWidth;
  const skipTags = new Set(["SCRIPT", "STYLE", "CODE", "PRE", "NOSCRIPT", "TEXTAREA", "svg"]);
  const sidebar = document.querySelector('[data-testid="stSidebar"]');
  const sidebarHidden = !sidebar || sidebar.getBoundingClientRect().right <= 0;
  const clips = (cs) => ["hidden", "clip"].includes(cs.overflowX) || ["hidden", "clip"].includes(cs.overflowY);
  const describe = (el) => {
    const t = el.closest("[data-testid]");
    return (t ? t.dataset.testid : el.tagName) + ": " + el.textContent.trim().slice(0, 60);
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const text = node.nodeValue.trim();
    if (!text) continue;
    const el = node.parentElement;
    if (!el || [...skipTags].some((t) => el.closest(t))) continue;
    if (el.closest('[data-testid="stDataFrame"], [data-testid="stIconMaterial"], .stTooltipIcon')) continue;
    if (el.closest('[data-testid="stAlertDynamicIcon"], [data-testid="stSkipToContent"]')) continue;
    if (sidebarHidden && sidebar && sidebar.contains(el)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const r = range.getBoundingClientRect();
    const cs = getComputedStyle(el);
    if (r.width < 1 || r.height < 1 || cs.visibility === "hidden") continue;
    const own = el.getBoundingClientRect();  // screen-reader text: a 1-pixel box that clips its text
    if (own.width <= 1 || own.height <= 1) continue;
    if (parseFloat(cs.fontSize) < 1) continue;  // text replaced by CSS (components.streamlit_css)
    // English words, outside file names and paths
    // (a run of letters and digits with a digit in it is a code or a fingerprint, not a word)
    const words = (text.replace(/\S*[\/\\_.@:]\S*/g, " ").match(/[A-Za-z0-9]+/g) || [])
      .filter((w) => /^[A-Za-z]{2,}$/.test(w));
    const bad = words.filter((w) => !ALLOWED.has(w.toLowerCase()));
    if (bad.length) out.english.push(describe(el) + "  [" + bad.join(" ") + "]");
    // cut: the text's box runs past an ancestor that clips, or an ellipsis is drawn
    if (cs.textOverflow === "ellipsis" && el.scrollWidth > el.clientWidth + 1) {
      out.cut.push(describe(el) + "  (ellipsis)");
      continue;
    }
    for (let a = el; a && a !== document.body; a = a.parentElement) {
      const acs = getComputedStyle(a);
      // Inside a scroll container the text can be scrolled to: not cut (a page scrolling sideways is).
      if (["auto", "scroll"].includes(acs.overflowX) || ["auto", "scroll"].includes(acs.overflowY)) break;
      if (!clips(acs)) continue;
      const box = a.getBoundingClientRect();
      const overX = ["hidden", "clip"].includes(acs.overflowX) && (r.right > box.right + 1 || r.left < box.left - 1);
      const overY = ["hidden", "clip"].includes(acs.overflowY) && (r.bottom > box.bottom + 1 || r.top < box.top - 1);
      if (box.width > 1 && box.height > 1 && (overX || overY)) {
        out.cut.push(describe(el) + "  (clipped by " + (a.dataset.testid || a.tagName) + ")");
      }
      break;
    }
  }
  document.querySelectorAll("input[placeholder], textarea[placeholder]").forEach((i) => {
    if (!i.value && /[A-Za-z]{2,}/.test(i.placeholder) && i.getBoundingClientRect().width > 1)
      out.english.push("placeholder: " + i.placeholder);
  });
  document.querySelectorAll('[data-testid="stDataFrame"]').forEach((d, i) => {
    const s = d.querySelector(".dvn-scroller");
    const grid = d.querySelector("table[aria-rowcount]");
    if (!s || !grid) return;
    const rows = parseInt(grid.getAttribute("aria-rowcount"), 10) - 1;
    const head = [...d.querySelectorAll("th")].slice(0, 2).map((th) => th.textContent).join("|");
    if (s.scrollWidth > s.clientWidth + 1)
      out.tables.push(`table ${i} [${head}]: columns past the right edge (${s.scrollWidth} > ${s.clientWidth})`);
    if (rows <= 15 && s.scrollHeight > s.clientHeight + 1)
      out.tables.push(`table ${i} [${head}]: ${rows} rows but not all shown`);
  });
  return out;
}
"""


def _findings_js() -> str:
    allowed = "[" + ",".join(f'"{w}"' for w in sorted(ALLOWED)) + "]"
    return _FINDINGS_JS.replace("() => {", f"() => {{ const ALLOWED = new Set({allowed});", 1)


def problems(page) -> list[str]:
    found = page.evaluate(_findings_js())
    out = [f"cut: {c}" for c in found["cut"]]
    out += [f"English: {e}" for e in found["english"]]
    out += found["tables"]
    if found["sideways"]:
        out.append(f"the page scrolls sideways ({found['sideways']} px wide)")
    if page.get_by_text("Page not found").count():
        out.append("Page not found")
    if page.locator("[data-testid=stException]").count():
        out.append("exception on the page")
    return out


def _open(offline: OfflinePage, url_path: str) -> None:
    offline.open(f"/{url_path}")
    if url_path.startswith("map"):
        offline.page.frame_locator(FOLIUM).locator("path.leaflet-interactive").first.wait_for(timeout=90_000)
    offline.page.wait_for_timeout(800)  # charts settle; the viewport report may rerun once
    offline.wait()


def _shot(page, width: int, url_path: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{url_path}-{width}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


@pytest.mark.parametrize("width", list(WIDTHS), ids=[f"{w}px" for w in WIDTHS])
def test_every_page_fits_and_speaks_chinese(browser, server, width):
    context = browser.new_context(viewport={"width": width, "height": WIDTHS[width]}, locale="zh-CN")
    try:
        offline = OfflinePage(context.new_page(), server)
        report = {}
        for url_path in PAGES:
            _open(offline, url_path)
            found = problems(offline.page)
            # The whole page in the screenshot: Streamlit scrolls inside its main container.
            tall = offline.page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
            offline.page.set_viewport_size(
                {"width": width, "height": max(WIDTHS[width], min(tall + 40, 9000))}
            )
            offline.page.wait_for_timeout(600)
            found += [p for p in problems(offline.page) if p not in found]
            _shot(offline.page, width, url_path)
            offline.page.set_viewport_size({"width": width, "height": WIDTHS[width]})
            if found:
                report[url_path] = found
        assert offline.foreign == [], offline.foreign
        assert not report, "\n".join(f"/{p} at {width}px:\n  " + "\n  ".join(v) for p, v in report.items())
    finally:
        context.close()


@pytest.mark.parametrize("width", [1366, 1024], ids=["1366px", "1024px"])
def test_the_maps_township_profile_fits(browser, server, width):
    # A township chosen (as a click on the map does): its profile and village tables beside or under the
    # map show the columns that fit, the others one click away — nothing scrolls sideways or is cut.
    context = browser.new_context(viewport={"width": width, "height": WIDTHS[width]}, locale="zh-CN")
    try:
        offline = OfflinePage(context.new_page(), server)
        _open(offline, "map?township=%E7%9F%B3%E9%97%A8%E9%95%87")  # 石门镇
        page = offline.page
        assert page.get_by_text("石门镇概况").count() == 1
        tall = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
        page.set_viewport_size({"width": width, "height": max(WIDTHS[width], min(tall + 40, 9000))})
        page.wait_for_timeout(600)
        found = problems(page)
        _shot(page, width, "map-profile")
        assert not found, "\n".join(found)
        assert offline.foreign == [], offline.foreign
    finally:
        context.close()


def test_the_date_picker_speaks_chinese(browser, server):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    try:
        offline = OfflinePage(context.new_page(), server)
        _open(offline, "overview")
        offline.page.locator("[data-testid=stSidebar] [data-testid=stDateInputCalendarButton]").click()
        calendar = offline.page.locator("[data-testid=stDateInputCalendar]")
        calendar.wait_for()
        text = calendar.inner_text()
        assert "七月" in text and "一" in text, text  # month and weekday names in Chinese
        assert not [p for p in problems(offline.page) if p.startswith("English")]
    finally:
        context.close()


@pytest.mark.parametrize("address", ["/overview", "/总览", "/", "/乡镇地图", "/数据状态"])
def test_a_typed_address_lands_on_its_page_on_a_fresh_server(browser, address):
    # Its own server: the address is the very first request it sees (Streamlit's legacy pages/ path).
    server = Server().start()
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    try:
        offline = OfflinePage(context.new_page(), server)
        offline.open(address)
        offline.page.wait_for_timeout(1000)
        offline.wait()
        target = ALIASES.get(address.strip("/"), address.strip("/") or "overview")
        spec = SPECS[target]
        assert spec.title_zh in offline.page.locator("h1").first.inner_text()
        assert re.search(rf"/{target}(\?|$)", offline.page.url), offline.page.url
        assert offline.page.get_by_text("Page not found").count() == 0
        assert offline.page.locator("[role=dialog]").count() == 0
        assert offline.foreign == []
    finally:
        context.close()
        server.stop()
