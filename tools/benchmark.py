"""Benchmark the dashboard at county, city and province scale (issue #12).

    .venv/bin/python tools/benchmark.py [--scales county,city,province] [--skip-browser]
                                        [--spark-scales city,province] [--no-write]

county = the bundled sample; city = 7 and province = 175 synthetic counties (≈ 1,000,000 households) made
by ``python -m lulong_data.generator.scale`` into var/scale/ (git-ignored) and reused on later runs.
Every measurement runs in a fresh subprocess, so "cold" really is cold and peak memory is its own; the
app runs as a leader signed in by SSO headers (open mode serves only the sample). At city and province
scale tools/spark_parity.py compares every metric on local-mode Spark with DuckDB.
Times are wall clock (what a user waits) with the CPU time of the measuring process next to it: on a
shared machine the two differ, and CPU time tells whether the code or the machine was slow.
Results go to stdout and docs/benchmark.md; the hand-written findings below the marker in that file
are kept.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, Server  # noqa: E402

SCALE_DIR = ROOT / "var" / "scale"
DOC = ROOT / "docs" / "benchmark.md"
FINDINGS_MARKER = "<!-- findings: hand-written, kept by tools/benchmark.py -->"
COUNTIES = {"county": 0, "city": 7, "province": 175}  # 0 = the bundled sample itself
WARM_RUNS = 3
SESSIONS = 20
TIMEOUT = 900  # seconds for one page run or one browser open at province scale
GB, MB = 1024**3, 1024**2

# Targets: (scale, measurement key) -> (text, test on the measured value(s)).
TARGETS: dict[tuple[str, str], tuple[str, Callable[[dict], bool]]] = {
    ("county", "warm_page_max"): ("≤ 0.3 s", lambda r: r["warm_page_max"] <= 0.3),
    ("county", "browser_ratio"): ("≤ 2× one-line page", lambda r: r["browser_ratio"] <= 2.0),
    ("province", "warm_page_max"): ("≤ 1.5 s", lambda r: r["warm_page_max"] <= 1.5),
    ("province", "load_ratio"): ("≤ 5× pyarrow floor", lambda r: r["load_ratio"] <= 5.0),
    ("province", "server_peak"): ("≤ 3 GB", lambda r: r["server_peak"] <= 3 * GB),
    ("province", "sessions_extra"): ("≤ 200 MB", lambda r: r["sessions_extra"] <= 200 * MB),
    # Beyond one machine: every metric gives the same result on local-mode Spark as on DuckDB.
    ("city", "spark_mismatches"): ("every case equal", lambda r: r["spark_mismatches"] == 0),
    ("province", "spark_mismatches"): ("every case equal", lambda r: r["spark_mismatches"] == 0),
}
SPARK_SCALES = ("city", "province")  # the county's own parity runs in the test suite


# ---------------------------------------------------------------- helpers


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(start: tuple[float, float]) -> dict[str, float]:
    wall, cpu = _clock()
    return {"wall": wall - start[0], "cpu": cpu - start[1]}


def _status_kb(pid: int | str, field: str) -> int:
    """A field of /proc/<pid>/status in bytes (VmHWM = peak resident set, VmRSS = current)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise KeyError(field)


def machine() -> dict[str, str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    ram = _status_like("/proc/meminfo", "MemTotal")
    os_name = next(
        (
            line.split("=", 1)[1].strip('"')
            for line in Path("/etc/os-release").read_text().splitlines()
            if line.startswith("PRETTY_NAME")
        ),
        platform.platform(),
    )
    import streamlit

    return {
        "CPU": cpu,
        "cores": str(os.cpu_count()),
        "RAM": f"{ram / GB:.1f} GB",
        "Python": platform.python_version(),
        "Streamlit": streamlit.__version__,
        "OS": f"{os_name} ({platform.release()})",
    }


def _status_like(path: str, field: str) -> int:
    for line in Path(path).read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    return 0


def folder_for(scale: str, regenerate: bool = False) -> Path:
    """The data folder of a scale, generated once into var/scale/<scale>."""
    n = COUNTIES[scale]
    if n == 0:
        return ROOT / "lulong_data" / "sample"
    out = SCALE_DIR / scale
    if regenerate or not (out / "manifest.toml").is_file():
        print(f"generating {scale}: {n} counties into {out} ...", file=sys.stderr, flush=True)
        subprocess.run(
            [sys.executable, "-m", "lulong_data.generator.scale", "--counties", str(n), "--out", str(out)],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return out


# Open mode serves the fictitious sample only: every scale is measured as a leader signed in through the
# SSO proxy's headers (header mode), the view of the weekly meeting.
LEADER = {"X-Remote-User": "benchmark", "X-Remote-Groups": "county-leaders"}
ROLES = '[groups."county-leaders"]\nrole = "leader"\n'


def app_env(folder: Path) -> dict[str, str]:
    """The environment of an app process (AppTest child or server) reading ``folder`` in header mode."""
    var = Path(tempfile.gettempdir()) / "lulong-benchmark"
    var.mkdir(exist_ok=True)
    (var / "roles.toml").write_text(ROLES, encoding="utf-8")
    return {
        **os.environ,
        "LULONG_DATA_DIR": str(folder),
        "LULONG_AUTH": "header",
        "LULONG_ROLES_FILE": str(var / "roles.toml"),
        "LULONG_AUDIT_FILE": str(var / "audit.jsonl"),
        "PYTHONPATH": str(ROOT),
    }


def _child(mode: str, folder: Path, timeout: float = 3 * TIMEOUT) -> dict:
    """Run one measurement in a fresh interpreter and return its JSON."""
    env = app_env(folder)
    proc = subprocess.run(
        [sys.executable, __file__, f"--child={mode}", str(folder)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{mode} on {folder} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- load and validate


def child_load(folder: Path) -> dict:
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    # Imports are not part of a load: the server pays them once at start.
    import lulong_data.loader  # noqa: F401
    from lulong_data.bundle import load_bundle

    files = sorted([*folder.glob("*.csv"), *folder.glob("*.parquet")])
    start = _clock()
    rows = 0
    for path in files:
        table = pacsv.read_csv(path) if path.suffix == ".csv" else pq.read_table(path)
        rows += table.num_rows
    floor = _since(start)
    start = _clock()
    b = load_bundle(folder)
    load = _since(start)
    households = len(b.frames["households"])
    # A folder of several counties: the app serves one county at a time, cut out on its first visit.
    from lulong_data import county

    codes = county.county_codes(b)
    subset = None
    if len(codes) > 1:
        start = _clock()
        county.subset(b, codes[0])
        subset = _since(start)
    return {
        "subset": subset,
        "floor": floor,
        "load": load,
        "rows": rows,
        "bytes": sum(p.stat().st_size for p in files),
        "households": households,
        "counties": int(b.frames["townships"]["county_code"].nunique()),
        "errors": len(b.errors),
        "peak": _status_kb("self", "VmHWM"),
    }


# ---------------------------------------------------------------- pages through AppTest


def registered_pages() -> tuple[list[str], str | None]:
    """url_paths of the router's pages (components.nav's list, else the modules in pages/), and the
    default page's (registered under the url_pathname "")."""
    try:
        from components import nav

        return [p.url_path for _, _, pages in nav.SECTIONS for p in pages], getattr(nav, "DEFAULT", None)
    except ImportError:
        return sorted(p.stem for p in (ROOT / "pages").glob("*.py") if not p.stem.startswith("_")), None


def child_pages(folder: Path) -> dict:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    def timed_run(at: AppTest) -> dict:
        start = _clock()
        at.run()
        out = _since(start)
        if at.exception:
            out["error"] = str(at.exception[0].value)[:300]
        return out

    empty = AppTest.from_string('import streamlit as st\nst.write("ok")', default_timeout=TIMEOUT)
    timed_run(empty)  # the first run of any script pays Streamlit's own start-up
    empty_runs = [timed_run(empty) for _ in range(WARM_RUNS)]

    # The page tests' way through the router (tests/apptest.py: the AppTest workarounds live there).
    sys.path.insert(0, str(ROOT / "tests"))
    import apptest

    from components import auth

    auth._headers = lambda: dict(LEADER)  # AppTest has no request headers (tests/test_county_pages.py)
    pages = {}
    paths, default = registered_pages()
    with apptest.router_only():
        at = AppTest.from_file(str(apptest.APP), default_timeout=TIMEOUT)
        first = timed_run(at)  # loads and validates the folder (st.cache_resource) + the default page
        if not at.metric:
            # A refused page (open mode on real data, no role) runs fast and shows nothing: not a page run.
            raise RuntimeError("the default page shows no tiles: " + " / ".join(e.value for e in at.error))
        for url_path in paths:
            if url_path not in {info.get("url_pathname") for info in at._registered_pages.values()} | {
                default
            }:
                pages[url_path] = {"error": "not registered"}
                continue
            apptest.request(at, url_path)
            # Cold = the folder is loaded (st.cache_resource) but no metric is cached yet (st.cache_data).
            st.cache_data.clear()
            cold = timed_run(at)
            warm = [timed_run(at) for _ in range(WARM_RUNS)]
            pages[url_path] = {
                "cold": cold,
                "warm": statistics.median(r["wall"] for r in warm),
                "warm_cpu": statistics.median(r["cpu"] for r in warm),
                "error": cold.get("error") or next((r["error"] for r in warm if "error" in r), None),
            }
    return {
        "empty": statistics.median(r["wall"] for r in empty_runs),
        "first": first,
        "pages": pages,
        "peak": _status_kb("self", "VmHWM"),
    }


# ---------------------------------------------------------------- browser and server memory

DRAWN = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  if (!document.querySelector('[data-testid="stMain"] [data-testid="stElementContainer"]')) return false;
  for (const c of document.querySelectorAll('[data-testid="stVegaLiteChart"]')) {
    if (!c.querySelector('canvas, svg')) return false;
  }
  return true;
}"""


def start_server(app: Path, env: dict[str, str]) -> Server:
    # The browser tests' server (one way to start Streamlit), with this run's data folder.
    return Server(app=app, env=env, startup_timeout=120).start()


def _open(browser, url: str, keep: list | None = None, charts: bool = True) -> float:
    """Seconds from navigation to every chart drawn, in a new browser context (a new session)."""
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, extra_http_headers=LEADER)
    # Offline, as on the intranet: anything not served by the app itself is refused.
    context.route(
        "**/*", lambda route: route.continue_() if route.request.url.startswith(url) else route.abort()
    )
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url + "/", timeout=TIMEOUT * 1000)
    page.wait_for_function(DRAWN, polling=50, timeout=TIMEOUT * 1000)
    seconds = time.perf_counter() - start
    if charts and page.locator('[data-testid="stVegaLiteChart"]').count() == 0:
        # A refusal (sign-in, open mode on real data) also "draws" at once: it must not count as the page.
        raise RuntimeError(f"{url}: no chart drawn:\n{page.inner_text('body')[:500]}")
    if keep is None:
        context.close()
    else:
        keep.append(context)
    return seconds


def browser_run(folder: Path) -> dict:
    from playwright.sync_api import sync_playwright

    env = app_env(folder)
    out: dict = {}
    with sync_playwright() as p, tempfile.TemporaryDirectory() as tmp:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tiny = Path(tmp) / "tiny.py"
        tiny.write_text('import streamlit as st\nst.write("ok")\n', encoding="utf-8")
        server = start_server(tiny, env)
        url = server.url
        try:
            _open(browser, url, charts=False)
            out["tiny"] = statistics.median(_open(browser, url, charts=False) for _ in range(WARM_RUNS))
        finally:
            server.stop()
        server = start_server(ROOT / "app.py", env)
        url = server.url
        try:
            out["overview_cold"] = _open(browser, url)  # includes loading the folder into the server
            out["overview"] = statistics.median(_open(browser, url) for _ in range(WARM_RUNS))
            time.sleep(1)
            out["rss_before"] = _status_kb(server.proc.pid, "VmRSS")
            contexts: list = []
            for _ in range(SESSIONS):
                _open(browser, url, keep=contexts)
            time.sleep(2)
            out["rss_after"] = _status_kb(server.proc.pid, "VmRSS")
            out["server_peak"] = _status_kb(server.proc.pid, "VmHWM")
            for c in contexts:
                c.close()
        finally:
            server.stop()
        browser.close()
    return out


# ---------------------------------------------------------------- report


def _s(x: float) -> str:
    return f"{x:.2f} s" if x < 100 else f"{x:.0f} s"


def spark_run(folder: Path) -> dict:
    """tools/spark_parity.py on the folder: cases compared, mismatches, time on each engine."""
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "spark_parity.py"), str(folder), "--memory", "10g"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=4 * TIMEOUT,
    )
    wall = time.perf_counter() - start
    lines = proc.stdout.strip().splitlines()
    compared = next((x for x in lines if x.startswith("compared ")), None)
    mismatches = next((x for x in lines if x.startswith("mismatches: ")), None)
    timing = next((x for x in lines if x.startswith("time: ")), "")
    if proc.returncode == 2 or compared is None or mismatches is None:
        raise RuntimeError(f"spark parity on {folder} failed:\n{proc.stderr[-3000:]}")
    n = int(mismatches.split(":")[1])
    return {
        "mismatches": n,
        "text": f"{compared.removeprefix('compared ')}; {n} mismatches; {timing.removeprefix('time: ')}"
        f" (whole run {_s(wall)})",
    }


def measure(
    scale: str, skip_browser: bool, regenerate: bool, spark: bool = False
) -> tuple[list[tuple], list[tuple]]:
    """Rows of the results table and of the per-page table for one scale."""
    folder = folder_for(scale, regenerate)
    rows: list[tuple] = []
    values: dict = {}

    def add(key: str | None, what: str, value: str) -> None:
        target, met = TARGETS.get((scale, key), ("", None)) if key else ("", None)
        ok = "" if met is None else ("yes" if met(values) else "**no**")
        rows.append((scale, what, value, target, ok))

    print(f"[{scale}] load and validate ...", file=sys.stderr, flush=True)
    load = _child("load", folder)
    values["load_ratio"] = load["load"]["wall"] / load["floor"]["wall"]
    add(None, "data", f"{load['counties']} counties, {load['households']:,} households, "
        f"{load['rows']:,} rows, {load['bytes'] / MB:.0f} MB; {load['errors']} errors")  # fmt: skip
    add(None, "pyarrow read (floor)", f"{_s(load['floor']['wall'])} (cpu {_s(load['floor']['cpu'])})")
    add("load_ratio", "load_bundle: load + validate",
        f"{_s(load['load']['wall'])} (cpu {_s(load['load']['cpu'])}) = {values['load_ratio']:.1f}× floor")  # fmt: skip
    add(None, "peak memory of the load process", f"{load['peak'] / MB:,.0f} MB")
    if load.get("subset"):
        add(None, "one county cut out of the folder (first visit of a county)",
            f"{_s(load['subset']['wall'])} (cpu {_s(load['subset']['cpu'])})")  # fmt: skip

    print(f"[{scale}] pages through AppTest ...", file=sys.stderr, flush=True)
    pages = _child("pages", folder)
    page_rows = []
    for url_path, r in pages["pages"].items():
        if "cold" not in r:
            page_rows.append((scale, url_path, "", "", r.get("error") or ""))
            continue
        page_rows.append(
            (
                scale,
                url_path,
                _s(r["cold"]["wall"]),
                f"{_s(r['warm'])} (cpu {_s(r['warm_cpu'])})",
                r["error"] or "",
            )
        )
    warm = {k: r["warm"] for k, r in pages["pages"].items() if "warm" in r}
    values["warm_page_max"] = max(warm.values()) if warm else float("inf")
    slowest = max(warm, key=warm.get) if warm else "-"
    add(None, "empty page run (AppTest)", _s(pages["empty"]))
    add(None, "first app run (load + default page)", _s(pages["first"]["wall"]))
    add("warm_page_max", "slowest warm page", f"{_s(values['warm_page_max'])} ({slowest})")

    if not skip_browser:
        print(f"[{scale}] browser ...", file=sys.stderr, flush=True)
        br = browser_run(folder)
        values["browser_ratio"] = br["overview"] / br["tiny"]
        values["server_peak"] = br["server_peak"]
        values["sessions_extra"] = br["rss_after"] - br["rss_before"]
        add(None, "one-line page in Chromium", _s(br["tiny"]))
        add(None, "overview, first open (server loads data)", _s(br["overview_cold"]))
        add("browser_ratio", "overview in Chromium, all charts drawn",
            f"{_s(br['overview'])} = {values['browser_ratio']:.1f}× one-line page")  # fmt: skip
        add("server_peak", "server peak memory (VmHWM)", f"{br['server_peak'] / MB:,.0f} MB")
        add("sessions_extra", f"{SESSIONS} more sessions (RSS after − before)",
            f"{values['sessions_extra'] / MB:,.0f} MB")  # fmt: skip
    if spark:
        print(f"[{scale}] Spark parity ...", file=sys.stderr, flush=True)
        sp = spark_run(folder)
        values["spark_mismatches"] = sp["mismatches"]
        add("spark_mismatches", "Spark parity (local mode) vs DuckDB", sp["text"])
    # Targets of this scale that were not measured (e.g. --skip-browser) are listed as such.
    for (s, key), (text, _) in TARGETS.items():
        if s == scale and key not in values:
            rows.append((scale, key, "not measured", text, "-"))
    return rows, page_rows


def table(header: tuple[str, ...], rows: list[tuple]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def report(results: list[tuple], page_rows: list[tuple], info: dict[str, str], loads: tuple[str, str]) -> str:
    facts = "\n".join(f"- {k}: {v}" for k, v in info.items())
    return f"""# Benchmark

Made by `tools/benchmark.py` on {time.strftime("%Y-%m-%d %H:%M")}. Re-run: `.venv/bin/python tools/benchmark.py`
(`--scales county,city` and `--skip-browser` for a quick run). Scaled folders are generated into `var/scale/`
by `python -m lulong_data.generator.scale` (see its docstring for how they are made).

## Machine

{facts}
- load average (1 min) at start / end: {loads[0]} / {loads[1]} — times are wall clock; the CPU time of the
  measuring process is given next to them where it matters, because this machine is shared.

## Results

{table(("scale", "measurement", "value", "target", "met?"), results)}

## Pages (AppTest; cold = first visit with empty metric caches, warm = median of {WARM_RUNS} reruns)

{table(("scale", "page", "cold", "warm", "error"), page_rows)}

{FINDINGS_MARKER}
"""


def previous_rows(measured: set[str]) -> tuple[list[tuple], list[tuple]]:
    """Rows of docs/benchmark.md's two tables whose scale is not in ``measured``."""
    if not DOC.is_file():
        return [], []
    text = DOC.read_text(encoding="utf-8").split(FINDINGS_MARKER, 1)[0]
    tables: list[list[tuple]] = [[], []]
    which = -1
    for line in text.splitlines():
        if line.startswith("| scale |"):
            which += 1
        elif line.startswith("| ") and 0 <= which < 2:
            cells = tuple(c.strip() for c in line.strip().strip("|").split(" | "))
            if cells[0] in COUNTIES and cells[0] not in measured:
                tables[which].append(cells)
    return tables[0], tables[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scales", default="county,city,province")
    parser.add_argument("--skip-browser", action="store_true")
    parser.add_argument(
        "--spark-scales",
        default=",".join(SPARK_SCALES),
        help="scales whose folder tools/spark_parity.py compares (empty: none; the province takes ≈ 30 min)",
    )
    parser.add_argument("--regenerate", action="store_true", help="make the scaled folders again")
    parser.add_argument("--no-write", action="store_true", help=f"print only; do not write {DOC.name}")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("folder", nargs="?", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        sys.path.insert(0, str(ROOT))
        result = {"load": child_load, "pages": child_pages}[args.child](args.folder)
        print(json.dumps(result))
        return 0

    scales = [s.strip() for s in args.scales.split(",") if s.strip()]
    unknown = set(scales) - set(COUNTIES)
    if unknown:
        parser.error(f"unknown scales {sorted(unknown)}; known: {list(COUNTIES)}")
    start_load = f"{os.getloadavg()[0]:.1f}"
    results, page_rows = [], []
    for scale in scales:
        spark = scale in {x.strip() for x in args.spark_scales.split(",")}
        rows, pages = measure(scale, args.skip_browser, args.regenerate, spark)
        results += rows
        page_rows += pages
        print(table(("scale", "measurement", "value", "target", "met?"), rows), flush=True)
    if not args.no_write:
        # Scales not measured in this run keep their rows from the previous report.
        old_results, old_pages = previous_rows(set(scales))
        results, page_rows = old_results + results, old_pages + page_rows
        # Scales in their natural order, rows within a scale as measured (sorts are stable).
        results.sort(key=lambda row: list(COUNTIES).index(row[0]))
        page_rows.sort(key=lambda row: list(COUNTIES).index(row[0]))
    text = report(results, page_rows, machine(), (start_load, f"{os.getloadavg()[0]:.1f}"))
    print(text)
    if not args.no_write:
        kept = ""
        if DOC.is_file() and FINDINGS_MARKER in DOC.read_text(encoding="utf-8"):
            kept = DOC.read_text(encoding="utf-8").split(FINDINGS_MARKER, 1)[1]
        DOC.write_text(text + kept.lstrip("\n"), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
