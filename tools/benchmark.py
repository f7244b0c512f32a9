"""Benchmark the dashboard at county, city and province scale (issues #12 and #21).

    .venv/bin/python tools/benchmark.py [--scales county,city,province,import] [--skip-browser]
                                        [--spark-scales city,province] [--no-write]
                                        [--import-formats xlsx,csv] [--import-repeats 3]

county = the bundled sample; city = 7 and province = 175 synthetic counties (≈ 1,000,000 households) made
by ``python -m lulong_data.generator.scale`` into var/scale/ (git-ignored) and reused on later runs.

- Load: the pyarrow read of the folder's files (the floor), the loader's read + validation, writing the
  validated snapshot, and reading the snapshot back (lulong_data.snapshot; a server start), each in a
  fresh subprocess so peak memory is its own.
- Pages: a real ``streamlit run app.py`` and headless Chromium, as a leader signed in by the SSO proxy's
  headers (real HTTP headers; open mode serves only the sample). The server is started twice on a fresh
  versions store: the first start imports the folder (validates it and writes its snapshot), the second is
  an ordinary restart — its first page is "the first page after start", compared with warm pages of the
  same server. Then every page of the role: first visit, a warm visit (a new session) and a warm rerun (the
  server's script run, timed in the page from the rerun request to the end of the run).
- At city and province scale tools/spark_parity.py compares every metric on local-mode Spark with DuckDB.
- import (issue 16): the national export of one large county (the sample ten times over, ≈ 100,000 persons;
  made once into var/scale/import/ by lulong_data.generator.exports) imported onto that county's folder,
  next to pandas (openpyxl) reading the same XLSX and, for the same export saved as CSV, pandas reading it
  with its pyarrow engine (all columns as text: the floor of the target) and bare pyarrow reading it into an
  Arrow Table (reported beside it). The CSV children run --import-repeats times each, the fastest by CPU
  time kept (``--import-formats csv`` skips the XLSX pair, ≈ 3 CPU-min, while iterating).

Times are wall clock (what a user waits) with the CPU time of the measuring process next to it where it
is one process: on a shared machine the two differ, and CPU time tells whether the code or the machine
was slow. Results go to stdout and docs/benchmark.md; the hand-written findings below the marker in that
file are kept.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# Debian's Chromium, never a downloaded one (as the browser tests).
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]

SCALE_DIR = ROOT / "var" / "scale"
DOC = ROOT / "docs" / "benchmark.md"
FINDINGS_MARKER = "<!-- findings: hand-written, kept by tools/benchmark.py -->"
COUNTIES = {"county": 0, "city": 7, "province": 175}  # 0 = the bundled sample itself
SECTIONS = (*COUNTIES, "import")  # the rows of the results table, in this order
IMPORT_COPIES = 10  # the sample ten times over: ≈ 58,000 households, ≈ 103,000 persons
# Processes per CSV measurement, the fastest by CPU kept: its floors take a fraction of a CPU-second and
# this shared machine adds up to 1 CPU-s of kernel time (fresh huge pages) to any one of them.
IMPORT_REPEATS = 5
WARM_RUNS = 3
SESSIONS = 20
TIMEOUT = 900  # seconds for one page run or one browser open at province scale
GB, MB = 1024**3, 1024**2

# Targets: (scale, measurement key) -> (text, test on the measured value(s)).
TARGETS: dict[tuple[str, str], tuple[str, Callable[[dict], bool]]] = {
    ("county", "warm_page_max"): ("≤ 0.3 s", lambda r: r["warm_page_max"] <= 0.3),
    ("county", "browser_ratio"): ("≤ 2× one-line page", lambda r: r["browser_ratio"] <= 2.0),
    # Issue 21: a restart reads the validated snapshot instead of validating the folder again.
    ("county", "first_ratio"): ("≤ 2× warm page", lambda r: r["first_ratio"] <= 2.0),
    ("province", "snapshot_ratio"): ("≤ 2× pyarrow floor", lambda r: r["snapshot_ratio"] <= 2.0),
    ("province", "warm_page_max"): ("≤ 1.5 s", lambda r: r["warm_page_max"] <= 1.5),
    ("province", "load_ratio"): ("≤ 5× pyarrow floor", lambda r: r["load_ratio"] <= 5.0),
    ("province", "server_peak"): ("≤ 3 GB", lambda r: r["server_peak"] <= 3 * GB),
    ("province", "sessions_extra"): ("≤ 200 MB", lambda r: r["sessions_extra"] <= 200 * MB),
    # Beyond one machine: every metric gives the same result on local-mode Spark as on DuckDB.
    ("city", "spark_mismatches"): ("every case equal", lambda r: r["spark_mismatches"] == 0),
    ("province", "spark_mismatches"): ("every case equal", lambda r: r["spark_mismatches"] == 0),
    # Issue 16: a big county's weekly national export imports in at most 3× the time of just reading it,
    # by CPU time (on this shared machine wall clock is noise: the CSV floor takes a fraction of a second).
    ("import", "xlsx_ratio"): ("≤ 3× pandas (openpyxl) read", lambda r: r["xlsx_ratio"] <= 3.0),
    # CSV: the floor is pandas reading the file with its pyarrow engine, every column as text, the way one
    # "just reads" it with pandas/pyarrow; the multiple of bare pyarrow (an Arrow Table) is reported beside.
    ("import", "csv_ratio"): ("≤ 3× pandas (pyarrow engine) read", lambda r: r["csv_ratio"] <= 3.0),
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
# SSO proxy's headers (header mode), the view of the weekly meeting. The browser sends them as real HTTP
# headers; nothing in the app is patched.
LEADER = {"X-Remote-User": "benchmark", "X-Remote-Groups": "county-leaders"}
ROLES = '[groups."county-leaders"]\nrole = "leader"\n'
ROLE = "leader"


def app_env(folder: Path, var: Path) -> dict[str, str]:
    """The environment of a child or server reading ``folder`` in header mode; everything the app keeps
    (versions store, snapshots, state database, audit log) goes under ``var``, fresh for each run."""
    var.mkdir(parents=True, exist_ok=True)
    (var / "roles.toml").write_text(ROLES, encoding="utf-8")
    env = {
        **os.environ,
        "LULONG_DATA_DIR": str(folder),
        "LULONG_AUTH": "header",
        "LULONG_ROLES_FILE": str(var / "roles.toml"),
        "LULONG_AUDIT_FILE": str(var / "audit.jsonl"),
        "LULONG_VERSIONS_DIR": str(var / "versions"),
        "LULONG_STATE_DIR": str(var / "state"),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("LULONG_DB_URL", None)
    return env


def _child(mode: str, folder: Path, var: Path, timeout: float = 3 * TIMEOUT) -> dict:
    """Run one measurement in a fresh interpreter and return its JSON."""
    proc = subprocess.run(
        [sys.executable, __file__, f"--child={mode}", str(folder)],
        cwd=ROOT,
        env=app_env(folder, var),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{mode} on {folder} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- load, validate, snapshot


def _floor(folder: Path) -> tuple[dict, int, int]:
    """pyarrow reading every table file of the folder (its own threads): (time, rows, bytes)."""
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    files = sorted([*folder.glob("*.csv"), *folder.glob("*.parquet")])
    start = _clock()
    rows = 0
    for path in files:
        table = pacsv.read_csv(path) if path.suffix == ".csv" else pq.read_table(path)
        rows += table.num_rows
    return _since(start), rows, sum(p.stat().st_size for p in files)


def child_load(folder: Path) -> dict:
    """Floor, then load_bundle as a first start does it: read + validate, then write the validated snapshot
    (timed apart)."""
    # Imports are not part of a load: the server pays them once at start.
    import lulong_data.loader  # noqa: F401
    from lulong_data import snapshot
    from lulong_data.bundle import load_bundle

    floor, rows, size = _floor(folder)
    written: dict = {}
    write = snapshot.write

    def timed_write(*args, **kwargs):
        start = _clock()
        written["path"] = write(*args, **kwargs)
        written["time"] = _since(start)
        return written["path"]

    snapshot.write = timed_write
    start = _clock()
    b = load_bundle(folder)
    whole = _since(start)
    if not written.get("path"):
        raise RuntimeError(f"load_bundle wrote no snapshot of {folder} (changed in the last seconds?)")
    load = {k: whole[k] - written["time"][k] for k in whole}
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
        "write": written["time"],
        "snapshot_bytes": sum(p.stat().st_size for p in written["path"].iterdir()),
        "rows": rows,
        "bytes": size,
        "households": households,
        "counties": int(b.frames["townships"]["county_code"].nunique()),
        "errors": len(b.errors),
        "peak": _status_kb("self", "VmHWM"),
    }


def child_snapshot(folder: Path) -> dict:
    """A restart's load: the floor again (same moment, same machine load), then load_bundle reading the
    snapshot child_load wrote — and failing if it tried to validate instead."""
    from lulong_data import loader
    from lulong_data.bundle import load_bundle

    def no_validation(path):
        raise RuntimeError(f"the snapshot of {path} was not used: load_bundle validated the folder")

    loader.load_folder = no_validation
    floor, _, _ = _floor(folder)
    start = _clock()
    b = load_bundle(folder)
    load = _since(start)
    return {"floor": floor, "load": load, "errors": len(b.errors), "peak": _status_kb("self", "VmHWM")}


# ---------------------------------------------------------------- browser and server

DRAWN = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  if (!document.querySelector('[data-testid="stMain"] [data-testid="stElementContainer"]')) return false;
  // Every chart on screen is drawn (one in a closed tab or expander draws when it is opened).
  for (const c of document.querySelectorAll('[data-testid="stVegaLiteChart"]')) {
    if (c.getClientRects().length && !c.querySelector('canvas, svg')) return false;
  }
  return true;
}"""

# Installed before a rerun is requested: resolves with the milliseconds from the first change of the
# script state (the rerun request) to the end of the run. A page may start a run of its own just after it
# is drawn (components.viewport reports the column's width); an "R" pressed during it joins that run,
# whose start the observer never sees: such a run is timed from now, else the span waited for a start that
# never came ("no rerun within 300 s" on a random page; 1 rerun in 32 right after a visit, 2026-12-05).
RERUN_SPAN = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  window.__rerunSpan = new Promise((resolve, reject) => {
    setTimeout(() => reject(new Error('no rerun within 300 s')), 300000);
    let t0 = app.getAttribute('data-test-script-state') !== 'notRunning' ? performance.now() : null;
    const obs = new MutationObserver(() => {
      const state = app.getAttribute('data-test-script-state');
      if (t0 === null && state !== 'notRunning') t0 = performance.now();
      else if (t0 !== null && state === 'notRunning') { obs.disconnect(); resolve(performance.now() - t0); }
    });
    obs.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
  });
}"""


# ---------------------------------------------------------------- importing a national export


def import_files(regenerate: bool = False) -> tuple[Path, Path, Path]:
    """(the large county's folder, its national export as XLSX, the same as CSV), made once."""
    out = SCALE_DIR / "import"
    folder, xlsx, csv_path = out / "county", out / "national.xlsx", out / "national.csv"
    if regenerate or not (xlsx.is_file() and csv_path.is_file() and (folder / "manifest.toml").is_file()):
        print(f"generating the import benchmark's files into {out} ...", file=sys.stderr, flush=True)
        code = (
            "import sys; from pathlib import Path; from lulong_data.generator import exports as e; "
            "o = Path(sys.argv[1]); f = e.big_county(o / 'county', int(sys.argv[2])); "
            "h, r = e.national_table(f); e.write_table(o / 'national.xlsx', 'x', [h], r); "
            "e.write_table(o / 'national.csv', 'x', [h], r)"
        )
        subprocess.run([sys.executable, "-c", code, str(out), str(IMPORT_COPIES)], cwd=ROOT, check=True)
    return folder, xlsx, csv_path


def child_import(spec: Path) -> dict:
    """<mode>:<path>, mode one of floor-xlsx, floor-csv-pandas, floor-csv (just reading the export: pandas
    with openpyxl, pandas with its pyarrow engine, bare pyarrow), xlsx, csv (importing it onto the county's
    folder beside it), base (validating that folder once, leaving its snapshot, as the app does when it
    publishes or first loads a folder)."""
    mode, _, path = str(spec).partition(":")
    path = Path(path)
    if mode == "base":
        from lulong_data.bundle import load_bundle

        start = _clock()
        b = load_bundle(path.parent / "county")
        return {"time": _since(start), "errors": len(b.errors)}
    if mode == "floor-xlsx":
        import pandas as pd

        start = _clock()
        frame = pd.read_excel(path, dtype=str, header=2, engine="openpyxl")
        return {"time": _since(start), "rows": len(frame)}
    if mode == "floor-csv-pandas":
        import pandas as pd

        start = _clock()
        frame = pd.read_csv(path, engine="pyarrow", dtype=str, skiprows=2)
        return {"time": _since(start), "rows": len(frame)}
    if mode == "least-csv":
        # What no import can skip (issue 16 item 5): the floor's read, then every ID number normalised
        # (15 digits to 18) and replaced by its keyed pseudonym, with the import's own functions.
        import numpy as np
        import pandas as pd

        from lulong_data.imports import people, secret

        work = Path(tempfile.mkdtemp(prefix="lulong-import-bench-"))
        try:
            key = secret.load(secret.init(work / "state" / "pseudonym.key"))
            start = _clock()
            frame = pd.read_csv(path, engine="pyarrow", dtype=str, skiprows=2)
            number, kind = people.normalise(frame["证件号码"])
            _, uniques = pd.factorize(number, use_na_sentinel=True)
            pids = key.pseudonyms(np.asarray(uniques, dtype=object))
            took = _since(start)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return {"time": took, "rows": len(pids)}
    if mode == "floor-csv":
        import pyarrow.csv as pacsv

        start = _clock()
        table = pacsv.read_csv(path, read_options=pacsv.ReadOptions(skip_rows=2))
        return {"time": _since(start), "rows": table.num_rows}
    # module imports are paid once by a server (or the CLI's start), not per import
    import lulong_data.bundle  # noqa: F401
    import lulong_data.loader  # noqa: F401
    from lulong_data.imports import secret
    from lulong_data.imports.run import run_import

    work = Path(tempfile.mkdtemp(prefix="lulong-import-bench-"))
    try:
        key = secret.init(work / "state" / "pseudonym.key")
        start = _clock()
        outcome = run_import(
            [("national", path)], base=path.parent / "county", out=work / "out", secret_file=key
        )
        took = _since(start)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {
        "time": took,
        "status": outcome.status,
        "rows": outcome.rows,
        "steps": outcome.timings,
        "peak": _status_kb("self", "VmHWM"),
    }


def measure_import(regenerate: bool, var: Path, formats: tuple[str, ...], repeats: int) -> list[tuple]:
    folder, xlsx, csv_path = import_files(regenerate)
    rows: list[tuple] = []
    values: dict = {}

    def add(key: str | None, what: str, value: str) -> None:
        target, met = TARGETS.get(("import", key), ("", None)) if key else ("", None)
        ok = "" if met is None else ("yes" if met(values) else "**no**")
        rows.append(("import", what, value, target, ok))

    def runs(mode: str, path: Path, n: int) -> tuple[dict, str]:
        """The fastest run by CPU time among ``n`` (each its own process) and the CPU range as text."""
        done = [_child("import", Path(f"{mode}:{path}"), var) for _ in range(n)]
        for d in done:
            if d.get("status", 0) != 0:
                raise RuntimeError(f"the {mode} import failed with status {d['status']}")
        done.sort(key=lambda d: d["time"]["cpu"])
        cpus = [d["time"]["cpu"] for d in done]
        spread = f"; {n} runs, cpu {cpus[0]:.2f}–{cpus[-1]:.2f} s" if n > 1 else ""
        return done[0], spread

    print("[import] reading and importing a large national export ...", file=sys.stderr, flush=True)
    base = _child("import", Path(f"base:{xlsx}"), var)
    if base["errors"]:
        raise RuntimeError(f"the county's folder has {base['errors']} errors")
    data = (
        f"national export of one county: {{rows:,}} persons, {{households:,}} households, "
        f"{xlsx.stat().st_size / MB:.0f} MB XLSX, {csv_path.stat().st_size / MB:.0f} MB CSV; the county's "
        f"folder validated once beforehand ({_s(base['time']['wall'])}, cpu {_s(base['time']['cpu'])}), "
        "as publishing it does"
    )
    for fmt, path in (("xlsx", xlsx), ("csv", csv_path)):
        if fmt not in formats:
            continue
        n = 1 if fmt == "xlsx" else repeats  # the XLSX pair takes minutes; its noise is small beside it
        if fmt == "xlsx":
            floors = [("floor-xlsx", "pandas (openpyxl) reads the XLSX (floor)")]
        else:
            floors = [
                ("floor-csv-pandas", "pandas (pyarrow engine, all columns text) reads the CSV (floor)"),
                ("floor-csv", "bare pyarrow reads the CSV into an Arrow Table"),
            ]
        measured = [(runs(mode, path, n), name) for mode, name in floors]
        least = runs("least-csv", path, n) if fmt == "csv" else None
        done, done_spread = runs(fmt, path, n)
        if data:
            add(
                None, "data", data.format(rows=done["rows"]["persons"], households=done["rows"]["households"])
            )
            data = ""
        for (floor, spread), name in measured:
            add(None, name, f"{_s(floor['time']['wall'])} (cpu {_s(floor['time']['cpu'])}{spread})")
        if least:
            (got, spread), floor = least, measured[0][0][0]
            add(None, "the floor's read plus what no import may skip: each ID number normalised and replaced by "
                "its keyed pseudonym (HMAC-SHA256), with the import's own functions",
                f"{_s(got['time']['wall'])} (cpu {_s(got['time']['cpu'])}{spread}) = "
                f"{got['time']['cpu'] / floor['time']['cpu']:.1f}× the floor by CPU; {got['rows']:,} numbers")  # fmt: skip
        cpu = [done["time"]["cpu"] / floor["time"]["cpu"] for (floor, _), _ in measured]
        wall = done["time"]["wall"] / measured[0][0][0]["time"]["wall"]
        values[f"{fmt}_ratio"] = cpu[0]
        versus = f"{cpu[0]:.1f}× the floor by CPU ({wall:.1f}× by wall clock)"
        if len(cpu) > 1:
            versus += f", {cpu[1]:.1f}× bare pyarrow by CPU"
        steps = ", ".join(f"{k} {v:.2f}" for k, v in done["steps"].items())
        add(f"{fmt}_ratio", f"import {fmt.upper()} onto the county's folder (read, shape, write, validate)",
            f"{_s(done['time']['wall'])} (cpu {_s(done['time']['cpu'])}{done_spread}) = {versus}; "
            f"cpu s by step: {steps}; peak {done['peak'] / MB:,.0f} MB")  # fmt: skip
    return rows


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A headless Streamlit server on a free port, its log kept for failure messages: the dashboard as
    ``make run`` starts it (serve.py), or ``streamlit run`` of another script."""

    def __init__(self, app: Path, env: dict[str, str], log: Path, *, plain: bool = False) -> None:
        self.app, self.env, self.log, self.plain = app, env, log, plain
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.started = 0.0  # seconds from the command to the first answer of the health check

    def __enter__(self) -> Server:
        warm = self.app == ROOT / "app.py" and not self.plain
        start = [sys.executable, str(ROOT / "serve.py")] if warm else [
            sys.executable, "-m", "streamlit", "run", str(self.app)]  # fmt: skip
        cmd = [
            *start,
            "--server.headless=true", f"--server.port={self.port}", "--server.address=127.0.0.1",
            "--browser.gatherUsageStats=false", "--server.fileWatcherType=none",
        ]  # fmt: skip
        t0 = time.perf_counter()
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=self.env)
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited early:\n{self.log.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        self.started = time.perf_counter() - t0
                        return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"streamlit did not start:\n{self.log.read_text(errors='replace')}")

    def __exit__(self, *exc) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Visit:
    """One page opened in a new browser context (a new session), offline as on the intranet."""

    def __init__(self, browser, base: str, path: str = "/", charts: bool = True) -> None:
        self.context = browser.new_context(
            viewport={"width": 1600, "height": 1000}, extra_http_headers=LEADER
        )

        # Anything not served by the app itself (or inline: data:, blob:, about:) is refused.
        def route(r) -> None:
            url = r.request.url
            r.continue_() if url.startswith((base, "data:", "blob:", "about:")) else r.abort()

        self.context.route("**/*", route)
        self.page = self.context.new_page()
        start = time.perf_counter()
        self.page.goto(base + path, timeout=TIMEOUT * 1000)
        self.page.wait_for_function(DRAWN, polling=50, timeout=TIMEOUT * 1000)
        self.seconds = time.perf_counter() - start
        body = self.page.inner_text("body")
        # A refusal (sign-in, open mode on real data, a page outside the role) also "draws" at once: it
        # must not count as the page.
        if (
            "无权访问" in body
            or "未授权" in body
            or (charts and self.page.locator('[data-testid="stVegaLiteChart"]').count() == 0)
        ):
            self.close()
            raise RuntimeError(f"{base}{path}: the page was not drawn for a leader:\n{body[:500]}")

    def rerun(self) -> float:
        """Seconds of one rerun of this page (Streamlit's "R" shortcut), from the request to the end."""
        self.page.wait_for_function(DRAWN, polling=50, timeout=TIMEOUT * 1000)  # any run of its own ended
        self.page.evaluate(RERUN_SPAN)
        self.page.locator("body").press("r")
        return self.page.evaluate("() => window.__rerunSpan") / 1000

    def close(self) -> None:
        self.context.close()


def _median(xs: list[float]) -> float:
    return statistics.median(xs)


def browser_run(folder: Path, var: Path) -> dict:
    from playwright.sync_api import sync_playwright

    from lulong_data import access

    pages = list(access.pages_for(ROLE))
    env = app_env(folder, var)
    out: dict = {"pages": {}}
    with sync_playwright() as p, tempfile.TemporaryDirectory() as tmp:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            tiny = Path(tmp) / "tiny.py"
            tiny.write_text('import streamlit as st\nst.write("ok")\n', encoding="utf-8")
            with Server(tiny, env, var / "tiny.log") as server:
                Visit(browser, server.url, charts=False).close()
                out["tiny"] = _median(
                    [_timed_close(Visit(browser, server.url, charts=False)) for _ in range(WARM_RUNS)]
                )
            # First start on a fresh versions store: the folder is imported (validated, snapshot written).
            with Server(ROOT / "app.py", env, var / "first.log") as server:
                out["start_import"] = server.started
                out["first_import"] = _timed_close(Visit(browser, server.url))
            # A restart with plain `streamlit run`: the snapshot is read when the first visitor comes.
            with Server(ROOT / "app.py", env, var / "plain.log", plain=True) as server:
                out["start_plain"] = server.started
                out["first_plain"] = _timed_close(Visit(browser, server.url))
            # An ordinary restart (serve.py): the snapshot is read and the default page drawn before.
            with Server(ROOT / "app.py", env, var / "restart.log") as server:
                out["start_restart"] = server.started
                out["first_after_start"] = _timed_close(Visit(browser, server.url))
                out["overview_warm"] = _median(
                    [_timed_close(Visit(browser, server.url)) for _ in range(WARM_RUNS)]
                )
                for url_path in pages:
                    path = "/" if url_path == "overview" else f"/{url_path}"
                    row: dict = {}
                    try:
                        first = Visit(browser, server.url, path, charts=False)
                        row["first"] = _timed_close(first)
                        visits = [Visit(browser, server.url, path, charts=False) for _ in range(WARM_RUNS)]
                        row["warm"] = _median([v.seconds for v in visits])
                        row["rerun"] = _median([visits[-1].rerun() for _ in range(WARM_RUNS)])
                        for v in visits:
                            v.close()
                    except Exception as exc:  # noqa: BLE001 - one page's failure is a row, not the end
                        row["error"] = str(exc).splitlines()[0][:300]
                    out["pages"][url_path] = row
                time.sleep(1)
                out["rss_before"] = _status_kb(server.proc.pid, "VmRSS")
                kept = [Visit(browser, server.url) for _ in range(SESSIONS)]
                time.sleep(2)
                out["rss_after"] = _status_kb(server.proc.pid, "VmRSS")
                out["server_peak"] = _status_kb(server.proc.pid, "VmHWM")
                for v in kept:
                    v.close()
        finally:
            browser.close()
    return out


def _timed_close(visit: Visit) -> float:
    visit.close()
    return visit.seconds


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

    def timed(t: dict) -> str:
        return f"{_s(t['wall'])} (cpu {_s(t['cpu'])})"

    var = Path(tempfile.mkdtemp(prefix=f"lulong-benchmark-{scale}-"))
    page_rows: list[tuple] = []
    try:
        print(f"[{scale}] load, validate, snapshot ...", file=sys.stderr, flush=True)
        load = _child("load", folder, var)
        values["load_ratio"] = load["load"]["wall"] / load["floor"]["wall"]
        add(None, "data", f"{load['counties']} counties, {load['households']:,} households, "
            f"{load['rows']:,} rows, {load['bytes'] / MB:.0f} MB; {load['errors']} errors")  # fmt: skip
        add(None, "pyarrow read (floor)", timed(load["floor"]))
        add("load_ratio", "load_bundle: load + validate",
            f"{timed(load['load'])} = {values['load_ratio']:.1f}× floor")  # fmt: skip
        add(None, "peak memory of the load process", f"{load['peak'] / MB:,.0f} MB")
        add(
            None,
            "validated snapshot: write",
            f"{timed(load['write'])}, {load['snapshot_bytes'] / MB:,.0f} MB",
        )
        snap = _child("snapshot", folder, var)
        values["snapshot_ratio"] = snap["load"]["wall"] / snap["floor"]["wall"]
        add("snapshot_ratio", "load_bundle from the validated snapshot (a restart)",
            f"{timed(snap['load'])} = {values['snapshot_ratio']:.1f}× floor ({_s(snap['floor']['wall'])} "
            f"in the same process); {snap['errors']} errors")  # fmt: skip
        add(None, "peak memory of the snapshot load", f"{snap['peak'] / MB:,.0f} MB")
        if load.get("subset"):
            add(None, "one county cut out of the folder (first visit of a county)", timed(load["subset"]))

        if not skip_browser:
            print(f"[{scale}] server and Chromium ...", file=sys.stderr, flush=True)
            shutil.rmtree(var / "state", ignore_errors=True)  # the server starts from nothing
            br = browser_run(folder, var)
            values["first_ratio"] = br["first_after_start"] / br["overview_warm"]
            values["browser_ratio"] = br["overview_warm"] / br["tiny"]
            values["server_peak"] = br["server_peak"]
            values["sessions_extra"] = br["rss_after"] - br["rss_before"]
            reruns = {k: r["rerun"] for k, r in br["pages"].items() if "rerun" in r}
            values["warm_page_max"] = max(reruns.values()) if reruns else float("inf")
            slowest = max(reruns, key=reruns.get) if reruns else "-"
            add(None, "one-line page in Chromium", _s(br["tiny"]))
            add(None, "first start until the server answers (serve.py: imports the folder — validates "
                "it, writes its snapshot — and draws the default page)", _s(br["start_import"]))  # fmt: skip
            add(None, "overview, first page after the first start", _s(br["first_import"]))
            add(None, "restart with plain `streamlit run app.py`: until it answers / its first page (reads "
                "the snapshot then)", f"{_s(br['start_plain'])} / {_s(br['first_plain'])}")  # fmt: skip
            add(None, "restart until the server answers (serve.py: reads the snapshot, draws the default "
                "page)", _s(br["start_restart"]))  # fmt: skip
            add("first_ratio", "overview, first page after a restart (validated snapshot)",
                f"{_s(br['first_after_start'])} = {values['first_ratio']:.1f}× warm page")  # fmt: skip
            add("browser_ratio", "overview, warm page (a new session), all charts drawn",
                f"{_s(br['overview_warm'])} = {values['browser_ratio']:.1f}× one-line page")  # fmt: skip
            add("warm_page_max", "slowest warm rerun (the server's script run)",
                f"{_s(values['warm_page_max'])} ({slowest})")  # fmt: skip
            add("server_peak", "server peak memory (VmHWM)", f"{br['server_peak'] / MB:,.0f} MB")
            add("sessions_extra", f"{SESSIONS} more sessions (RSS after − before)",
                f"{values['sessions_extra'] / MB:,.0f} MB")  # fmt: skip
            for url_path, r in br["pages"].items():
                if "error" in r:
                    page_rows.append((scale, url_path, "", "", "", r["error"]))
                else:
                    page_rows.append((scale, url_path, _s(r["first"]), _s(r["warm"]), _s(r["rerun"]), ""))
    finally:
        shutil.rmtree(var, ignore_errors=True)
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


def report(
    results: list[tuple],
    page_rows: list[tuple],
    info: dict[str, str],
    loads: tuple[str, str],
    measured: tuple[str, ...] = (),
    kept: tuple[str, ...] = (),
) -> str:
    facts = "\n".join(f"- {k}: {v}" for k, v in info.items())
    if kept:  # rows of other runs, made on another day and possibly another machine
        facts += (
            f"\n- measured in this run: {', '.join(measured)} only; the rows of {', '.join(kept)} are kept "
            "from earlier runs (their date, machine and load are in the findings below)"
        )
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

## Pages (Chromium against the restarted server, signed in as a leader)

First visit = the page's first open on this server (its figures not cached yet); warm visit = median of
{WARM_RUNS} new sessions, to every chart drawn; warm rerun = median of {WARM_RUNS} reruns of one session
(Streamlit's "R"), from the request to the end of the script run — the server's share of a warm page.

{table(("scale", "page", "first visit", "warm visit", "warm rerun", "error"), page_rows)}

{FINDINGS_MARKER}
"""


def previous_rows(measured: set[str], kept_formats: tuple[str, ...] = ()) -> tuple[list[tuple], list[tuple]]:
    """Rows of docs/benchmark.md's two tables whose scale is not in ``measured`` (page rows only when
    they were measured the way this version measures them: same columns), and the import rows of the
    export formats in ``kept_formats`` (not measured in this run: ``--import-formats``)."""
    if not DOC.is_file():
        return [], []
    text = DOC.read_text(encoding="utf-8").split(FINDINGS_MARKER, 1)[0]
    tables: list[list[tuple]] = [[], []]
    widths = [5, 6]
    which = -1
    for line in text.splitlines():
        if line.startswith("| scale |"):
            which += 1
        elif line.startswith("| ") and 0 <= which < 2:
            cells = tuple(c.strip() for c in line.strip().strip("|").split(" | "))
            if cells[0] in SECTIONS and cells[0] not in measured and len(cells) == widths[which]:
                tables[which].append(cells)
            elif (
                which == 0
                and cells[0] == "import"
                and len(cells) == widths[0]
                and any(f.upper() in cells[1] for f in kept_formats)
            ):
                tables[0].append(cells)
    return tables[0], tables[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scales", default="county,city,province,import")
    parser.add_argument("--skip-browser", action="store_true")
    parser.add_argument(
        "--spark-scales",
        default=",".join(SPARK_SCALES),
        help="scales whose folder tools/spark_parity.py compares (empty: none; the province takes ≈ 30 min)",
    )
    parser.add_argument("--regenerate", action="store_true", help="make the scaled folders again")
    parser.add_argument(
        "--import-formats",
        default="xlsx,csv",
        help="exports the import section measures (csv alone skips the XLSX pair, ≈ 3 CPU-min)",
    )
    parser.add_argument(
        "--import-repeats",
        type=int,
        default=IMPORT_REPEATS,
        help="processes per CSV measurement (the fastest by CPU is kept)",
    )
    parser.add_argument("--no-write", action="store_true", help=f"print only; do not write {DOC.name}")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("folder", nargs="?", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    # A terminated run still stops its servers and browser (the context managers' exits run).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.child:
        sys.path.insert(0, str(ROOT))
        children = {"load": child_load, "snapshot": child_snapshot, "import": child_import}
        result = children[args.child](args.folder)
        print(json.dumps(result))
        return 0

    scales = [s.strip() for s in args.scales.split(",") if s.strip()]
    unknown = set(scales) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown scales {sorted(unknown)}; known: {list(SECTIONS)}")
    formats = tuple(f.strip() for f in args.import_formats.split(",") if f.strip())
    if set(formats) - {"xlsx", "csv"}:
        parser.error(f"unknown import formats {formats}; known: xlsx, csv")
    start_load = f"{os.getloadavg()[0]:.1f}"
    results, page_rows = [], []
    for scale in scales:
        if scale == "import":
            with tempfile.TemporaryDirectory(prefix="lulong-benchmark-") as var:
                rows = measure_import(args.regenerate, Path(var), formats, max(1, args.import_repeats))
            results += rows
            print(table(("scale", "measurement", "value", "target", "met?"), rows), flush=True)
            continue
        spark = scale in {x.strip() for x in args.spark_scales.split(",")}
        rows, pages = measure(scale, args.skip_browser, args.regenerate, spark)
        results += rows
        page_rows += pages
        print(table(("scale", "measurement", "value", "target", "met?"), rows), flush=True)
    if not args.no_write:
        # Scales not measured in this run keep their rows from the previous report.
        unmeasured = tuple(f for f in ("xlsx", "csv") if f not in formats) if "import" in scales else ()
        old_results, old_pages = previous_rows(set(scales), unmeasured)
        results, page_rows = old_results + results, old_pages + page_rows
        # Scales in their natural order, the data row first, rows within a scale as measured (stable sort).
        results.sort(key=lambda row: (SECTIONS.index(row[0]), row[1] != "data"))
        page_rows.sort(key=lambda row: SECTIONS.index(row[0]))
    kept_scales = (
        ()
        if args.no_write
        else tuple(s for s in SECTIONS if s not in scales and any(r[0] == s for r in results))
    )
    text = report(
        results, page_rows, machine(), (start_load, f"{os.getloadavg()[0]:.1f}"), tuple(scales), kept_scales
    )
    print(text)
    if not args.no_write:
        kept = ""
        if DOC.is_file() and FINDINGS_MARKER in DOC.read_text(encoding="utf-8"):
            kept = DOC.read_text(encoding="utf-8").split(FINDINGS_MARKER, 1)[1]
        DOC.write_text(text + kept.lstrip("\n"), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
