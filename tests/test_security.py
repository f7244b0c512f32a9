"""Issue #20: one test per finding of the attack on the app. Each failed on the code before the fix
(main at 95e2412) and passes after; the browser half of finding 1 is tests/browser/test_security_map.py.

1 script injection through data · 2 open-mode bypass and anonymous publishing · 3 lock-out race,
weak passwords, removed users, unbounded lock-out state · 4 formulas in the CLI's CSV · 5 small counts
undone by subtraction · 6 the rest (UTF-8 header names, file modes, personal numbers with separators,
text caps and control characters, future as-of dates, a header below a title row, two formats of one
dataset in an upload).
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from apptest import open_page
from markdown_it import MarkdownIt
from security_data import EVIL_HOST, HTML_SCRIPT, MD_IMAGE, hostile_folder

from lulong_data import access
from lulong_data.publishing import Store

DATA_ROLES = '[groups."data-office"]\nrole = "data"\n\n[users."li.na"]\nrole = "press"\n'
DATA_HEADERS = {"X-Remote-User": "zhao", "X-Remote-Groups": "data-office"}
ALL_PAGES = access.PAGES[access.DATA]


def signed_in(monkeypatch, tmp_path, headers=DATA_HEADERS, roles=DATA_ROLES):
    """Header mode (the SSO proxy) with ``headers`` as this session's request."""
    from components import auth

    path = tmp_path / "roles.toml"
    path.write_text(roles, encoding="utf-8")
    monkeypatch.setenv("LULONG_AUTH", "header")
    monkeypatch.setenv("LULONG_ROLES_FILE", str(path))
    monkeypatch.setenv("LULONG_AUDIT_FILE", str(tmp_path / "audit.jsonl"))
    monkeypatch.setattr(auth, "_headers", lambda: dict(headers))


# --- 1. data is text ----------------------------------------------------------------------------------

# Markdown as Streamlit's frontend reads it (images and links are what reach out).
_MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])
# Element protos whose strings are not Markdown: Arrow tables, chart specs, the map component's arguments.
# Widgets whose options are plain text (Streamlit 1.67 docs: only radio, pills, segmented control options
# take Markdown).
_PLAIN_OPTIONS = {"selectbox", "multiselect", "select_slider"}
_NOT_MARKDOWN = {"arrow_data_frame", "vega_lite_chart", "component_instance", "arrow_table", "json"}


def _strings(message, out: list[str]) -> None:
    for field, value in message.ListFields():
        many = isinstance(value, (list, tuple)) or type(value).__name__.startswith("Repeated")
        if field.type == field.TYPE_STRING:
            out.extend(value if many else [value])
        elif field.type == field.TYPE_MESSAGE:
            for item in value if many else [value]:
                _strings(item, out)


def _nodes(node):
    for child in getattr(node, "children", {}).values():
        yield child
        yield from _nodes(child)


def rendered_markup(at) -> list[tuple[str, str, bool]]:
    """(element type, text, allows HTML) of every string Streamlit renders as Markdown on the page."""
    out = []
    for node in _nodes(at._tree):
        proto = getattr(node, "proto", None)
        kind = getattr(node, "type", "")
        if proto is None or kind in _NOT_MARKDOWN:
            continue
        if kind == "html":  # st.html: raw HTML by design; data in it must be escaped
            out.append((kind, proto.body, True))
            continue
        strings: list[str] = []
        if kind in _PLAIN_OPTIONS:  # options are shown as plain text; only the label is Markdown
            strings = [proto.label, proto.help]
        else:
            _strings(proto, strings)
        allow = bool(getattr(proto, "allow_html", False))
        out += [(kind, s, allow) for s in strings if s]
    return out


def markdown_dangers(text: str, allow_html: bool, kind: str = "markdown") -> list[str]:
    """What a browser would do with ``text`` beyond showing it: fetch an image, link out, run HTML."""
    found = []
    if kind == "html":
        return [f"html {m}" for m in re.findall(r"<img[^>]*onerror[^>]*>", text)]
    tokens = _MD.parse(text)
    stack = list(tokens)
    while stack:
        tok = stack.pop()
        stack.extend(tok.children or [])
        if tok.type == "image":
            found.append(f"image {tok.attrs.get('src')}")
        if tok.type == "link_open" and EVIL_HOST in str(tok.attrs.get("href", "")):
            found.append(f"link {tok.attrs.get('href')}")
        if allow_html and tok.type in ("html_inline", "html_block") and "onerror" in tok.content:
            found.append(f"html {tok.content}")
    return found


@pytest.fixture
def hostile(monkeypatch, tmp_path):
    folder = hostile_folder(tmp_path / "data")
    monkeypatch.setenv("LULONG_DATA_DIR", str(folder))
    monkeypatch.setenv("LULONG_VERSIONS_DIR", str(tmp_path / "versions"))
    signed_in(monkeypatch, tmp_path)
    return folder


@pytest.mark.slow
def test_hostile_names_render_as_text_on_every_page(hostile):
    """Finding 1: names, notes and wordings with Markdown images and HTML, through every page."""
    from lulong_data.loader import load_folder

    assert not load_folder(hostile).errors  # the payloads are valid data: escaping must do the work
    store = Store(hostile.parent / "versions")
    store.sync(hostile)
    manifest = (hostile / "manifest.toml").read_bytes() + b"\n# 2\n"
    assert store.publish(
        [("manifest.toml", manifest)], who=f"某人{MD_IMAGE}", note=f"说明{MD_IMAGE}{HTML_SCRIPT}"
    ).ok
    township = "130324201"  # both payloads in its name and its villages'
    problems = {}
    views = [(page, {}) for page in ALL_PAGES] + [("dispatch", {"present": "1"})]  # + the meeting slides
    for page, query in views:
        at = open_page(page, session={"township": township}, query=query)
        seen = []
        for kind, text, allow in rendered_markup(at):
            seen += [f"{page}/{kind}: {d}" for d in markdown_dangers(text, allow, kind)]
        if seen:
            problems[page + ("?present" if query else "")] = seen
    assert problems == {}, json.dumps(problems, ensure_ascii=False, indent=1)


def _js_strings(script: str, key: str) -> list[str]:
    """The JSON string values of ``key`` in the map's script (folium writes them with tojson), whether the key
    is a JSON key (``"tip": …``) or a JavaScript one (``html: …``, components.map.TextLabel)."""
    return [json.loads(m) for m in re.findall(rf'(?:"{key}"|\b{key}):\s*("(?:[^"\\]|\\.)*")', script)]


def test_map_tooltips_and_labels_escape_names(hostile):
    """Finding 1 (map): folium's tooltip is innerHTML in a same-origin, script-enabled iframe."""
    at = open_page("map")
    scripts = [
        json.loads(node.proto.json_args)["script"]
        for node in _nodes(at._tree)
        if getattr(node, "type", "") == "component_instance"
    ]
    assert scripts, "no map component on the page"
    tips, labels = _js_strings(scripts[0], "tip"), _js_strings(scripts[0], "html")
    assert len(tips) == 12 and len(labels) == 12
    for markup in tips + labels:  # both become innerHTML: the payload must arrive as text
        assert "<img" not in markup and 'onerror="' not in markup, markup
    assert any("&lt;img src=&quot;/x&quot; onerror=" in tip for tip in tips)


def test_svg_and_word_exports_carry_hostile_names_as_text():
    """Finding 1 (files): the names reach SVG charts and Word tables as text, never as markup."""
    import datetime as dt
    import io
    import zipfile

    import altair as alt
    import pandas as pd

    from lulong_data import exports, images

    frame = pd.DataFrame({"乡镇": [f"卢龙镇{HTML_SCRIPT}", f"潘庄镇{MD_IMAGE}"], "人数": [3, 5]})
    chart = alt.Chart(frame).mark_bar().encode(y="乡镇:N", x="人数:Q")
    svg = images.chart_image(
        chart, title=f"标题{HTML_SCRIPT}", unit="人", source="来源", as_of=dt.date(2022, 7, 26), fmt="svg"
    )
    assert b"<img" not in svg and b"&lt;img" in svg
    doc = exports.new_document()
    exports.add_paragraph(doc, f"说明{HTML_SCRIPT}")
    exports.add_table(doc, frame)
    body = zipfile.ZipFile(io.BytesIO(exports.docx_bytes(doc))).read("word/document.xml")
    assert b"<img" not in body and body.count(b"&lt;img") == 2


# --- 4. formula-safe everywhere ---------------------------------------------------------------------


def test_check_csv_report_and_xlsx_exports_are_formula_safe(tmp_path, capsys):
    """Finding 4: ``check --format csv`` wrote ``=HYPERLINK(...)`` verbatim; numbers must stay numbers."""
    import csv
    import io
    import shutil

    from openpyxl import load_workbook
    from paths import SAMPLE_DIR
    from security_data import FORMULA

    from lulong_data.__main__ import main
    from lulong_data.exports import to_xlsx

    folder = tmp_path / "data"
    shutil.copytree(SAMPLE_DIR, folder)
    lines = (folder / "townships.csv").read_text(encoding="utf-8").splitlines()
    cells = lines[1].split(",")
    cells[0] = '"' + FORMULA.replace('"', '""') + '"'  # a township code that is a formula
    cells[6] = "-5"  # a negative population: reported with its value
    lines[1] = ",".join(cells)
    (folder / "townships.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["check", str(folder), "--format", "csv"]) == 1
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["文件", "行", "列", "值", "问题", "级别"] and rows[1][0] == "townships.csv"
    values = [cell for row in rows for cell in row]
    assert "'" + FORMULA in values
    assert not [v for v in values if v[:1] in ("=", "+", "@", "\t", "\r") or (v[:1] == "-" and v != "-5")]
    assert "-5" in values  # a number stays a number

    frame = __import__("pandas").DataFrame(
        {"名称": [FORMULA, "@SUM(A1)", "\t=1", "普通"], "人数": [-5, 3, 0, 1]}
    )
    ws = load_workbook(io.BytesIO(to_xlsx(frame, title="=标题"))).active
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    assert "'" + FORMULA in texts and "'@SUM(A1)" in texts and "'=标题" in texts
    assert [c.value for c in ws["B"][3:]] == [-5, 3, 0, 1]  # numeric cells stay numbers


# --- 2. open mode serves the sample only, and writes nothing ----------------------------------------


@pytest.mark.parametrize("name", ["Households.csv", "households .csv", "households.xlsx"])
def test_open_mode_refuses_a_renamed_personal_file(tmp_path, monkeypatch, name):
    """Finding 2: the guard compared names exactly while the loader ignores case and blanks."""
    import shutil

    from paths import SAMPLE_DIR

    folder = tmp_path / "data"
    shutil.copytree(SAMPLE_DIR, folder)
    households = (
        folder / "households.csv"
    ).read_bytes() + "H130324100201999,130324100201,脱贫户,2019,1,王真名\n".encode()
    (folder / "households.csv").unlink()
    if name.endswith(".xlsx"):
        import io

        import pandas as pd

        pd.read_csv(io.BytesIO(households), dtype=str).to_excel(folder / name, index=False)
    else:
        (folder / name).write_bytes(households)
    from lulong_data.loader import load_folder

    assert "households" in load_folder(folder).present  # the loader does read it as households
    assert not access.is_sample_folder(folder)
    monkeypatch.setenv("LULONG_DATA_DIR", str(folder))
    at = open_page("overview", check=False)
    assert any("只能用于内置样例数据" in e.value for e in at.error)
    assert not at.metric and not at.dataframe
    copy = tmp_path / "copy"
    shutil.copytree(SAMPLE_DIR, copy)
    assert access.is_sample_folder(copy)  # the sample itself, anywhere, is still served


def test_open_mode_anonymous_visitor_cannot_publish_or_write(tmp_path, monkeypatch):
    """Finding 2: an anonymous upload published a version that then locked everyone out."""
    versions = tmp_path / "versions"
    monkeypatch.setenv("LULONG_VERSIONS_DIR", str(versions))
    at = open_page("data")
    assert not at.file_uploader  # no upload form at all
    assert not [b for b in at.button if str(b.key).startswith(("publish", "rollback"))]
    assert any("不能发布" in i.value for i in at.info)
    # The publish form itself refuses too (a page that forgets the check above).
    from streamlit.testing.v1 import AppTest

    script = AppTest.from_string(
        "from components import publish_panel\n"
        "from lulong_data.publishing import Store\n"
        f"publish_panel.publish_form(Store({str(versions)!r}))\n",
        default_timeout=60,
    )
    script.session_state["role"] = "data"
    script.run()
    assert not script.exception and not script.file_uploader
    assert not versions.exists()  # no version store, no version: nothing written in open mode


def test_versions_cli_lists_and_rolls_back(tmp_path, capsys, monkeypatch):
    """Finding 2: no rollback from the command line."""
    from paths import SAMPLE_DIR

    from lulong_data.__main__ import main
    from lulong_data.audit import read

    monkeypatch.setenv("LULONG_AUDIT_FILE", str(tmp_path / "audit.jsonl"))
    store = Store(tmp_path / "versions")
    store.sync(SAMPLE_DIR)
    manifest = (SAMPLE_DIR / "manifest.toml").read_bytes() + b"\n# again\n"
    assert store.publish([("manifest.toml", manifest)], who="x").version == "0002"
    assert main(["versions", "list", "--root", str(store.root)]) == 0
    assert "* 0002" in capsys.readouterr().out
    assert main(["versions", "rollback", "1", "--root", str(store.root), "--who", "zhao"]) == 0
    assert store.current_id() == "0001" and store.log()[-1]["who"] == "zhao"
    assert read(tmp_path / "audit.jsonl")[0]["action"] == "rollback"
    assert main(["versions", "rollback", "0009", "--root", str(store.root)]) == 1


# --- 3. sign-in that holds ------------------------------------------------------------------------------

PASSWORD = "Lulong-test-pass-7319"


@pytest.fixture
def accounts(tmp_path, monkeypatch):
    path = tmp_path / "accounts.toml"
    access.add_user(path, "wang", "leader", PASSWORD)
    monkeypatch.setenv("LULONG_AUTH", "accounts")
    monkeypatch.setenv("LULONG_ACCOUNTS_FILE", str(path))
    monkeypatch.setenv("LULONG_LOCKOUT_ATTEMPTS", "5")
    monkeypatch.setenv("LULONG_AUDIT_FILE", str(tmp_path / "audit.jsonl"))
    return path


class CountingHasher:
    """argon2's hasher, counting the passwords it checks (from any thread)."""

    def __init__(self, fake: bool = False) -> None:
        import threading

        from argon2 import PasswordHasher

        self.real, self.fake, self.checked, self.lock = PasswordHasher(), fake, 0, threading.Lock()

    def hash(self, password: str) -> str:
        return self.real.hash(password)

    def verify(self, hashed: str, password: str) -> bool:
        with self.lock:
            self.checked += 1
        if self.fake:
            from argon2.exceptions import VerifyMismatchError

            raise VerifyMismatchError("fake")
        return self.real.verify(hashed, password)


def test_parallel_wrong_passwords_never_exceed_the_lock_out_limit(accounts, monkeypatch):
    """Finding 3: 16 threads x 5 rounds got 64 wrong passwords checked before the lock."""
    from concurrent.futures import ThreadPoolExecutor

    from lulong_data.settings import get_settings

    hasher = CountingHasher()
    monkeypatch.setattr(access, "_hasher", lambda: hasher)
    s = get_settings()

    def attack(i: int) -> list[str]:
        return [access.sign_in(s, "wang", f"guess-{i}-{r}").status for r in range(5)]

    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = [x for out in pool.map(attack, range(16)) for x in out]
    assert hasher.checked <= s.lockout_attempts, hasher.checked
    assert statuses.count("bad") + statuses.count("locked") == 80 and "ok" not in statuses
    assert access.sign_in(s, "wang", PASSWORD).status == "locked"  # even the right one, until it runs out


def test_weak_and_common_passwords_are_refused(tmp_path):
    """Finding 3: 1-character passwords were accepted."""
    path = tmp_path / "accounts.toml"
    for weak in ("x", "abc12345", "password123", "qwertyuiop", "Iloveyou!!", "zhangwei2024zhangwei"):
        with pytest.raises(access.AccessError):
            access.add_user(path, "zhangwei", "leader", weak)
    assert not access.load_accounts(path)
    access.add_user(path, "zhangwei", "leader", "卢龙-调度-2022-巩固")  # long and not common: fine


def test_removed_or_changed_user_loses_access_at_the_next_rerun(accounts):
    """Finding 3: a user removed from the accounts file kept the session."""
    at = open_page("overview", check=False)
    at.text_input(key="signin_name").input("wang")
    at.text_input(key="signin_password").input(PASSWORD)
    at.button[0].click().run()
    assert at.session_state["role"] == "leader" and at.metric
    access.add_user(accounts, "wang", "leader", "Another-pass-4410")  # the password was reset
    at.run()
    assert not at.metric and at.text_input(key="signin_name")  # back to the form
    at.text_input(key="signin_name").input("wang")
    at.text_input(key="signin_password").input("Another-pass-4410")
    at.button[0].click().run()
    assert at.metric
    access.save_accounts(accounts, {})  # removed
    at.run()
    assert not at.metric and "role" not in at.session_state


def test_unknown_names_do_not_grow_the_lock_out_state(accounts, monkeypatch):
    """Finding 3: the lock-out file grew with every unknown name."""
    from lulong_data.settings import get_settings

    hasher = CountingHasher(fake=True)  # the count matters here, not argon2's time
    monkeypatch.setattr(access, "_hasher", lambda: hasher)
    s = get_settings()
    for i in range(2000):
        access.sign_in(s, f"nobody-{i}", "x")
    state = json.loads(access.lockout_path(accounts).read_text(encoding="utf-8"))
    assert len(state) <= 300
    # Unknown names still lock like known ones: the form does not tell which names exist.
    assert [access.sign_in(s, "nobody-x", "x").status for _ in range(5)][-1] == "locked"


# --- 5. small counts cannot be undone by subtraction ---------------------------------------------------

PRESS_HEADERS = {"X-Remote-User": "li.na"}
# The village counts by registry name: the tables head them with the short label, the profile lists them
# by the full label (read from the registry, so a change of wording does not blind the test).
COUNTS = ("poverty_households", "poverty_persons", "monitored_households")


def _number(cell) -> float | None:
    try:
        return float(str(cell).replace(",", ""))
    except ValueError:
        return None


def what_subtraction_reveals(
    cells: list, total: float, k: int = 5, below: list | None = None, above: list | None = None
) -> list[tuple[str, float, float]]:
    """The attacker: (mark, low, high) of every hidden cell, from the township total and the visible cells.
    "<k" means 1..k-1; any other hidden mark means "some count" (at least k when "<k" cells are shown
    beside it, since those would have read "<k"; at least 0 when the whole column is hidden). ``below``:
    the row's cells of a column this one never exceeds (households ≤ persons), ``above``: of a column it
    is never below; where those are shown, they bound the hidden cell of their row."""
    visible = sum(n for c in cells if (n := _number(c)) is not None)
    rest = total - visible
    rows = [
        i for i, c in enumerate(cells) if _number(c) is None and c is not None and str(c) not in ("", "nan")
    ]
    hidden = [str(cells[i]) for i in rows]
    floor = k if f"<{k}" in hidden else 0
    lows = [1 if c == f"<{k}" else floor for c in hidden]
    highs = [k - 1 if c == f"<{k}" else float("inf") for c in hidden]
    for j, i in enumerate(rows):
        if below is not None and (n := _number(below[i])) is not None:
            highs[j] = min(highs[j], n)
        if above is not None and (n := _number(above[i])) is not None:
            lows[j] = max(lows[j], n)
    return [
        (mark, max(lo, rest - (sum(highs) - hi)), min(hi, rest - (sum(lows) - lo)))
        for mark, lo, hi in zip(hidden, lows, highs, strict=True)
    ]


def _attack(table, k: int = 5) -> dict[str, list[tuple[str, float, float]]]:
    """Every column's hidden cells as the attacker sees them, households bounded by persons and back."""
    total = {c: float(pd.to_numeric(table[c]).sum()) for c in ("h", "p")}
    shown = {c: list(table[f"{c}_shown"]) for c in ("h", "p")}
    return {
        "h": what_subtraction_reveals(shown["h"], total["h"], k, below=shown["p"]),
        "p": what_subtraction_reveals(shown["p"], total["p"], k, above=shown["h"]),
    }


@pytest.mark.parametrize(
    "households, persons",
    [
        ([3, 20, 30], [9, 21, 61]),  # a "×" of 20 households with 21 persons: the small one ≥ 2
        ([1, 9, 8, 40], [2, 10, 40, 90]),  # a "×" of 10 persons in 9 households: the small one ≤ 3
    ],
)
def test_a_related_column_narrows_no_small_count(households, persons):
    """Finding 5, across columns: a village's households never exceed its persons, so a shown figure of
    one column bounds the hidden cell of its row in the other. Per column alone, the protection leaves a
    small cell narrowed; told the relation, it hides enough that nothing beyond "<5" follows."""
    from lulong_data.privacy import protect_counts

    df = pd.DataFrame({"h": households, "p": persons})

    def shown(**kw):
        out = protect_counts(df, ["h", "p"], 5, **kw)
        return df.assign(h_shown=out["h"], p_shown=out["p"])

    alone = [r for col in _attack(shown()).values() for r in col if r[0] == "<5"]
    assert any((low, high) != (1, 4) for _, low, high in alone)  # the leak the relation opens
    told = _attack(shown(at_most=[("h", "p")]))
    small = [r for col in told.values() for r in col if r[0] == "<5"]
    assert small and all((low, high) == (1, 4) for _, low, high in small)
    assert all(high > low for col in told.values() for _, low, high in col)


@pytest.mark.slow
def test_press_cannot_undo_small_counts_by_subtraction(monkeypatch, tmp_path):
    """Finding 5: 刘家营乡 脱贫人口 290 on the overview, its villages summing to 289 with 桑园村 "<5" on
    the map page: 桑园村 = 1. Every press-visible figure: the overview league, each township's profile and
    village table on the map page, and that table's XLSX export."""
    import io

    import pandas as pd
    from apptest import download_data

    from lulong_data.metrics import METRICS

    header = {n: METRICS[n].label("zh", short=True) for n in COUNTS}
    signed_in(monkeypatch, tmp_path, headers=PRESS_HEADERS)
    overview = open_page("overview")
    assert overview.session_state["role"] == "press"
    persons = header["poverty_persons"]
    league = next(d.value for d in overview.dataframe if {"乡镇", persons} <= set(d.value.columns))
    totals = league.set_index("乡镇")
    assert totals.loc["刘家营乡", persons] == 290  # the attack's starting point is public
    at = open_page("map")
    checked = 0
    for code, name in zip(*_townships(), strict=True):
        at.session_state["township"] = code
        at.run()
        assert not at.exception
        screen = next(
            d.value for d in at.dataframe if {"村", header["poverty_households"]} <= set(d.value.columns)
        )
        profile = next(d.value for d in at.dataframe if "本乡镇" in d.value.columns).set_index("指标")
        sheet = pd.read_excel(
            io.BytesIO(download_data(at, "map_villages_xlsx")), header=2, dtype=object, engine="openpyxl"
        )
        for table in (screen, sheet):
            for key in COUNTS:
                col = header[key]
                assert col in table.columns, (col, list(table.columns))
                total = float(totals.loc[name, col])
                shown = profile.loc[METRICS[key].label("zh"), "本乡镇"]
                assert _number(shown.rstrip("户人")) in (total, None)
                related = {}
                if key == "poverty_households":
                    related["below"] = list(table[header["poverty_persons"]])
                if key == "poverty_persons":
                    related["above"] = list(table[header["poverty_households"]])
                for mark, low, high in what_subtraction_reveals(list(table[col]), total, **related):
                    assert high > low, (name, col, mark, low, high)  # never one value
                    if mark == "<5":
                        assert (low, high) == (1, 4), (name, col)  # nothing beyond "<5"
                        checked += 1
    assert checked  # (the sample has small cells: 桑园村 among them)


def _townships() -> tuple[list[str], list[str]]:
    import pandas as pd
    from paths import SAMPLE_DIR

    tw = pd.read_csv(SAMPLE_DIR / "townships.csv", dtype=str)
    return list(tw["township_code"]), list(tw["name"])


# --- 6. the rest ----------------------------------------------------------------------------------------


def test_utf8_and_percent_encoded_header_names_match_the_roles_file(tmp_path):
    """Finding 6: Tornado hands header bytes over as Latin-1, so 张伟 never matched the roles file."""
    from lulong_data.settings import get_settings

    roles_file = tmp_path / "roles.toml"
    roles_file.write_text(
        '[users."张伟"]\nrole = "leader"\n\n[groups."县领导"]\nrole = "press"\n', encoding="utf-8"
    )
    s = get_settings({"LULONG_AUTH": "header", "LULONG_ROLES_FILE": str(roles_file)})
    roles = access.load_roles(s.roles_file)

    def as_sent(text: str) -> str:  # what the server hands the app for UTF-8 bytes on the wire
        return text.encode("utf-8").decode("latin-1")

    for header in (as_sent("张伟"), "%E5%BC%A0%E4%BC%9F", "张伟"):
        who = access.identity_from_headers({"X-Remote-User": header}, s, roles)
        assert who is not None and (who.user, who.role) == ("张伟", "leader"), header
    group = access.identity_from_headers(
        {"X-Remote-User": "li", "X-Remote-Groups": as_sent("职工,县领导")}, s, roles
    )
    assert group is not None and group.role == "press"


def _as_nobody(path) -> bool:
    """Whether the unprivileged user ``nobody`` can read ``path`` (only possible to ask as root)."""
    import os
    import subprocess

    done = subprocess.run(
        ["/bin/cat", str(path)],
        preexec_fn=lambda: (os.setgroups([]), os.setgid(65534), os.setuid(65534)),
        capture_output=True,
        cwd="/",
    )
    assert b"No such file" not in done.stderr
    return done.returncode == 0


def test_version_folders_and_files_are_private():
    """Finding 6: version folders were world-readable. Modes are checked everywhere; as root (root
    reads anything, whatever the mode) the test also asks whether user ``nobody`` can read a version's
    household file — it cannot — next to a control file it can read."""
    import os
    import stat
    import tempfile
    from pathlib import Path

    from paths import SAMPLE_DIR

    base = Path(tempfile.mkdtemp(prefix="lulong-modes-"))
    try:
        os.chmod(base, 0o755)  # a parent others may enter, as a server's /srv would be
        store = Store(base / "versions")
        store.sync(SAMPLE_DIR)
        assert store.publish(
            [("manifest.toml", (SAMPLE_DIR / "manifest.toml").read_bytes() + b"\n#\n")], who="x"
        ).ok
        folders = [store.root, store.versions_dir, *(store.folder(v) for v in store.version_ids())]
        for folder in folders:
            assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
        files = [p for v in store.version_ids() for p in store.folder(v).iterdir()]
        files += [store.root / n for n in ("log.jsonl", "lock", "source.json")]
        for path in files:
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
        if os.geteuid() == 0:
            control = base / "public.txt"
            control.write_text("x")
            os.chmod(control, 0o644)
            assert _as_nobody(control)  # the probe works ...
            assert not _as_nobody(store.folder(store.current_id()) / "households.csv")  # ... and is refused
    finally:
        import shutil

        shutil.rmtree(base, ignore_errors=True)


def test_personal_numbers_with_separators_country_code_and_15_digits():
    """Finding 6: 138-1234-5678, +8613812345678, 138 1234 5678 and 15-digit ID numbers passed."""
    import pandas as pd

    from lulong_data.checks import personal_numbers

    cells = {
        "a": "138-1234-5678",
        "b": "+8613812345678",
        "c": "138 1234 5678",
        "d": "130324800101123",
        "e": "联系人 王 +86 139 0000 1111",
        "ok": "H130324100201001",
    }
    raw = pd.DataFrame({k: [v, "x"] for k, v in cells.items()}, dtype="str")
    problems, columns = personal_numbers(raw, "households", "households.csv", {})
    assert sorted(columns) == ["a", "b", "c", "d", "e"]
    assert all("1234" not in p.message_zh and "0000" not in p.message_zh for p in problems)  # masked


def test_digit_class_is_every_unicode_digit():
    """The personal-number patterns spell ``\\d`` as its characters (for Arrow's RE2): the stored ranges of
    Unicode 14.0 are those of the running Python, so a fullwidth or Arabic-Indic number is found as before."""
    from lulong_data import checks

    assert checks._digit_class() == checks._digit_ranges()


def _folder(tmp_path):
    import shutil

    from paths import SAMPLE_DIR

    folder = tmp_path / "data"
    shutil.copytree(SAMPLE_DIR, folder)
    return folder


def test_control_characters_and_huge_text_are_refused_and_never_echoed(tmp_path, capsys):
    """Finding 6: a 20-million-character name passed; NUL bytes were echoed."""
    from lulong_data.__main__ import main

    folder = _folder(tmp_path)
    path = folder / "townships.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    first, second = lines[1].split(","), lines[2].split(",")
    first[2] = "卢龙\x00镇\x1b[2J"  # NUL and a terminal escape
    second[2] = "潘" * 50_000  # (the attack used 20 million; the cap is what matters)
    lines[1], lines[2] = ",".join(first), ",".join(second)
    lines[3] = lines[3].replace("130324102", "1303\x0024102", 1)  # a NUL in a code cell
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for fmt in ("text", "json", "csv"):
        assert main(["check", str(folder), "--format", fmt]) == 1
        out = capsys.readouterr()
        assert "\x00" not in out.out + out.err and "\x1b" not in out.out + out.err
        assert len(out.out) < 200_000  # the long value is cut, not printed in full
        assert "U+0000" in out.out
    from lulong_data.loader import load_folder

    codes = {(p.code, p.row) for p in load_folder(folder).errors}
    assert {("text_control", 2), ("text_too_long", 3)} <= codes


def test_future_as_of_date_is_warned(tmp_path):
    """Finding 6: data_as_of = 2030-01-01 gave no warning."""
    from lulong_data.loader import load_folder

    folder = _folder(tmp_path)
    (folder / "manifest.toml").write_text(
        'county_code = "130324"\ndata_as_of = 2099-01-01\n', encoding="utf-8"
    )
    warned = [p for p in load_folder(folder).warnings if "2099-01-01" in p.message_zh]
    assert warned and "晚于今天" in warned[0].message_zh


def test_header_below_a_merged_title_row_is_found(tmp_path):
    """Finding 6: a merged title row in XLSX gave 669 follow-on errors and no hint."""
    import pandas as pd
    from openpyxl import Workbook

    from lulong_data.loader import load_folder

    folder = _folder(tmp_path)
    frame = pd.read_csv(folder / "households.csv", dtype=str, keep_default_na=False)
    (folder / "households.csv").unlink()
    wb = Workbook()
    ws = wb.active
    ws.append(["卢龙县脱贫户信息表"])
    ws.merge_cells("A1:F1")
    ws.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        ws.append(list(row))
    wb.save(folder / "households.xlsx")
    result = load_folder(folder)
    assert not result.errors, result.errors[:3]
    assert len(result.frames["households"]) == len(frame)
    assert any("表头似乎在第2行" in p.message_zh for p in result.warnings)


def test_one_dataset_in_two_formats_in_an_upload_is_refused(tmp_path):
    """Finding 6: households.xlsx uploaded with households.csv silently kept one of them."""
    import io

    import pandas as pd
    from paths import SAMPLE_DIR

    store = Store(tmp_path / "versions")
    store.sync(SAMPLE_DIR)
    csv_bytes = (SAMPLE_DIR / "households.csv").read_bytes()
    xlsx = io.BytesIO()
    pd.read_csv(io.BytesIO(csv_bytes), dtype=str).to_excel(xlsx, index=False)
    result = store.publish(
        [("households.csv", csv_bytes + b""), ("households.xlsx", xlsx.getvalue())], who="x"
    )
    assert not result.ok and store.current_id() == "0001"
    message = " ".join(p.message_zh for p in result.problems)
    assert "households.csv" in message and "households.xlsx" in message and "两种格式" in message
