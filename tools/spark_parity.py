"""Compare every metric on DuckDB and on local-mode Spark for one data folder (issue #12).

    .venv/bin/python tools/spark_parity.py FOLDER [--no-tables] [--cores N] [--memory 4g] [--verbose]

Loads FOLDER as the app does, copies its typed frames into a local PySpark session (lulong_data.engine),
runs the comparison of lulong_data.parity (every registered metric county-wide at two as-of dates and at
two townships, and the pages' table functions), and prints a summary: cases compared, each mismatch, and
the time on DuckDB and on Spark. Exit status 0 when every case agrees, 1 on a mismatch, 2 when Spark
cannot start (no pyspark or java). The benchmark calls it on var/scale/province.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lulong_data import engine, parity  # noqa: E402
from lulong_data.bundle import load_bundle  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--no-tables", action="store_true", help="registered metrics only")
    ap.add_argument("--cores", type=int, default=2, help="Spark local[N] (default 2)")
    ap.add_argument("--memory", default="4g", help="Spark driver heap (default 4g; the province needs more)")
    ap.add_argument("--verbose", "-v", action="store_true", help="print every case as it runs")
    args = ap.parse_args(argv)

    missing = engine.spark_available()
    if missing:
        print(f"cannot run Spark: {missing}", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    b = load_bundle(args.folder)
    t_load = time.perf_counter() - t0
    if b.errors:
        print(f"{args.folder}: {len(b.errors)} data errors (compared anyway)", file=sys.stderr)
    t0 = time.perf_counter()
    spark = engine.spark_backend(cores=args.cores, memory=args.memory)
    t_start = time.perf_counter() - t0
    try:
        t0 = time.perf_counter()
        sb = engine.on_backend(b, spark)
        t_copy = time.perf_counter() - t0
        rows = sum(len(df) for df in b.frames.values())
        print(
            f"{args.folder}: {rows:,} rows, as of {b.as_of}; load {t_load:.1f} s, "
            f"Spark start {t_start:.1f} s, copy into Spark {t_copy:.1f} s",
            flush=True,
        )

        def progress(o: parity.Outcome) -> None:
            if args.verbose or not o.ok:
                flag = "ok" if o.ok else f"MISMATCH {o.problem}"
                print(f"  {o.case.label}: {o.seconds_a:.2f} s / {o.seconds_b:.2f} s {flag}", flush=True)

        outcomes = parity.compare(b, sb, parity.cases(b, tables=not args.no_tables), progress=progress)
    finally:
        engine.stop(spark)
    print(parity.report(outcomes))
    return 0 if all(o.ok for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
