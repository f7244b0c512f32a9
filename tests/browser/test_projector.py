"""Projector mode of the dispatch meeting (issue 18 item 7) in a real browser at 1024×768, 1366×768 and
1920×1080: every slide fits the screen without scrolling, nothing is cut off, no township name or table
cell wraps, the type is large, the arrow keys and a clicker's PageDown move the slides, and the first
thing the room sees is 本周要点 — not a data-status notice.

Screenshots of every slide go to screenshots/projector/ (look at them when the layout changes).
"""

from __future__ import annotations

import datetime as dt
import os

import pytest

from lulong_data import dispatch, store
from lulong_data.access import Identity
from lulong_data.store import ledger
from tests.browser.conftest import ROOT, OfflinePage, Server

SIZES = [(1024, 768), (1366, 768), (1920, 1080)]
SLIDES = ["points", "review", "headlines", "townships", "decisions", "items"]
SHOTS = ROOT / "screenshots" / "projector"

# Measured in the page: the slide's box, what overflows it, and any text that wraps or is cut.
MEASURE = """() => {
  const slide = document.querySelector('.dp-slide');
  const main = document.querySelector('[data-testid=stMain]') || document.scrollingElement;
  const vw = window.innerWidth, vh = window.innerHeight;
  const out = {key: slide && slide.dataset.slide, problems: [], fonts: []};
  if (!slide) { out.problems.push('no slide'); return out; }
  const box = slide.getBoundingClientRect();
  if (slide.scrollHeight > slide.clientHeight + 1) out.problems.push(`slide content ${slide.scrollHeight}px > ${slide.clientHeight}px`);
  if (box.bottom > vh + 1) out.problems.push(`slide bottom ${box.bottom} > ${vh}`);
  for (const el of [document.scrollingElement, main]) {
    if (el && el.scrollHeight > el.clientHeight + 1) out.problems.push(`page scrolls: ${el.scrollHeight} > ${el.clientHeight}`);
  }
  for (const el of slide.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.right > vw + 1 || r.bottom > vh + 1) out.problems.push(`outside the screen: ${el.className || el.tagName} "${el.textContent.slice(0, 30)}"`);
    const style = getComputedStyle(el);
    if (style.whiteSpace === 'nowrap' && el.scrollWidth > el.clientWidth + 1 && style.overflow !== 'visible')
      out.problems.push(`cut: "${el.textContent.slice(0, 30)}"`);
  }
  // A box or tile that clips its own content (overflow hidden) hides a line as surely as the screen's edge.
  for (const box of slide.querySelectorAll('.dp-box, .dp-tile')) {
    if (box.scrollHeight > box.clientHeight + 1 || box.scrollWidth > box.clientWidth + 1)
      out.problems.push(`clipped in its box: "${box.textContent.slice(0, 30)}" ${box.scrollHeight} > ${box.clientHeight}`);
  }
  // Township names and status badges on one line each.
  for (const el of slide.querySelectorAll('td.dp-c1, .dp-badge, .dp-title, .dp-label, th')) {
    const lh = parseFloat(getComputedStyle(el).fontSize) * 1.7;
    if (el.getBoundingClientRect().height > lh + 2 * parseFloat(getComputedStyle(el).paddingTop || 0) + 2)
      out.problems.push(`wraps: "${el.textContent}"`);
  }
  for (const el of slide.querySelectorAll('td, li, .dp-value, .dp-label')) out.fonts.push(parseFloat(getComputedStyle(el).fontSize));
  // The navigation stays on screen.
  for (const b of document.querySelectorAll('.st-key-dispatch_next button, .st-key-dispatch_leave button')) {
    const r = b.getBoundingClientRect();
    if (r.bottom > vh + 1 || r.right > vw + 1) out.problems.push(`button off screen: ${b.textContent}`);
  }
  const alerts = [...document.querySelectorAll('[data-testid=stAlert]')].filter(a => a.getBoundingClientRect().height > 0);
  if (alerts.length) out.problems.push(`visible notice: ${alerts[0].textContent.slice(0, 40)}`);
  return out;
}"""


OFFICE = Identity(user="防贫中心王", role="data", source="header")
LONG = "逾期未办7项(识别认定3项、走访4项),限期办结,并将整改情况书面报县防贫中心"  # a long title


@pytest.fixture(scope="module")
def state_url(tmp_path_factory):
    """A state database of this module's own (the server below reads it; no other test sees it)."""
    folder = tmp_path_factory.mktemp("projector-state")
    yield folder, f"sqlite:///{folder / 'state.sqlite'}"
    store.dispose()


@pytest.fixture(scope="module")
def server(state_url, ledger_of_two_meetings):
    s = Server(env={**os.environ, "LULONG_STATE_DIR": str(state_url[0])}).start()
    try:
        yield s
    finally:
        s.stop()


@pytest.fixture(scope="module")
def ledger_of_two_meetings(state_url):
    """Items of the meeting of 19 July (some done, some open) carried to 26 July, and new ones on 26 July,
    in the state database the server reads: the fullest slides."""
    url = state_url[1]
    last, now = dt.date(2022, 7, 19), dt.date(2022, 7, 26)
    units = [
        "刘田各庄镇人民政府",
        "卢龙县人力资源和社会保障局",
        "卢龙县民政局",
        "卢龙县农业农村局",
        "卢龙县卫生健康局",
    ]
    for n in range(10):
        item = ledger.create(url, county="130324", meeting_on=last, actor=OFFICE, draft=ledger.Draft(
            title=f"{LONG}({n})", kind="manual", unit=units[n % 5], person="李镇长", leader="赵永刚",
            due_on=last + dt.timedelta(days=3 + n)))  # fmt: skip
        if n % 3 == 0:
            ledger.update(
                url, item_id=item.id, version=1, changes={"status": "办结"}, actor=OFFICE, today=now
            )
    ledger.carry_over(url, county="130324", to_meeting=now, actor=OFFICE)
    for n in range(4):
        ledger.create(url, county="130324", meeting_on=now, actor=OFFICE, draft=ledger.Draft(
            title=f"{LONG}(新{n})", kind="manual", unit=units[n], person="张局长", due_on=now + dt.timedelta(days=7)))  # fmt: skip


def _slide(page) -> str:
    return page.locator(".dp-slide").first.get_attribute("data-slide")


def width_of(offline: OfflinePage) -> int:
    return offline.page.viewport_size["width"]


def _press(offline: OfflinePage, key: str) -> None:
    before = _slide(offline.page)
    offline.page.mouse.click(width_of(offline) - 5, 5)  # keys go to the page, not a widget
    offline.page.keyboard.press(key)
    offline.page.wait_for_function(
        "(b) => { const s = document.querySelector('.dp-slide'); return s && s.dataset.slide !== b; }",
        arg=before,
    )
    offline.wait()


@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_every_slide_fits_the_screen(browser, server, width, height):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    offline = OfflinePage(context.new_page(), server)
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        offline.open("/dispatch?present=1&date=2022-07-26")
        seen = []
        for i, expected in enumerate(SLIDES):
            if i:
                _press(offline, "PageDown" if i % 2 else "ArrowRight")  # a clicker and the keyboard
            result = offline.page.evaluate(MEASURE)
            offline.page.screenshot(path=str(SHOTS / f"{width}x{height}_{i + 1}_{expected}.png"))
            assert result["key"] == expected, result
            assert result["problems"] == [], (expected, result["problems"])
            seen.append(expected)
            # Large type: the smallest text of a slide is still readable from the back of the room.
            assert min(result["fonts"] or [99]) >= 0.022 * height, (expected, min(result["fonts"]))
        assert seen == SLIDES
        text = offline.page.locator(".dp-slide").inner_text()
        shown = offline.page.locator(".dp-slide li").count()
        assert "本次会议交办10项" in text and f"另有{10 - shown}项" in text  # 6 carried + 4 new
        assert 5 <= shown <= 8  # as many as fit without cutting a line
        _press(offline, "ArrowLeft")
        assert _slide(offline.page) == SLIDES[-2]
        assert offline.foreign == []
    finally:
        context.close()


def test_first_slide_is_this_weeks_points(browser, server, sample_bundle):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    offline = OfflinePage(context.new_page(), server)
    # The sentences are tests/test_dispatch_week.py's (checked there against the data); here: they lead.
    points = dispatch.key_points(dispatch.prepare(sample_bundle, as_of=dt.date(2022, 7, 26)))
    assert points[0].startswith("本周新纳入监测") and "集中在" in points[0]
    try:
        offline.open("/dispatch?present=1&date=2022-07-26")
        slide = offline.page.locator(".dp-slide").first
        assert slide.get_attribute("data-slide") == "points"
        text = slide.inner_text()
        assert "本周要点" in text
        shown = slide.locator("li").all_inner_texts()
        assert shown[: len(points)] == list(points)  # then 上周交办落实情况 (the ledger of this module)
        assert shown[len(points)].startswith("上周(7月19日)交办事项")
    finally:
        context.close()
