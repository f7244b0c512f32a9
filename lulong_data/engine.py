"""Run the metric functions on another Ibis backend than the bundle's embedded DuckDB (issue #12).

The metrics only ever touch data through ``b.table(name)``, ``b.execute(expr)`` and ``b.backend``, so a
bundle whose tables live in another engine runs them unchanged:

    from lulong_data import engine
    from lulong_data.bundle import load_bundle

    b = load_bundle("var/scale/city")
    spark = engine.spark_backend()           # local-mode PySpark, wrapped by ibis.pyspark.connect
    sb = engine.on_backend(b, spark)         # same frames, as_of, rules...; tables in Spark
    employment.employment_placed(sb, as_of=sb.as_of, year=2022)
    engine.stop(spark)

:func:`on_backend` copies the bundle's typed frames into the backend with the column types
``bundle._register`` gives DuckDB (dates as DATE, ints as BIGINT, bools as BOOLEAN, text as STRING).
A warehouse whose contract tables already exist is attached with ``tables_exist=True`` instead: nothing is
copied and ``b.table(name)`` reads the warehouse table (see docs/warehouse.md).

No streamlit here; pyspark is a dev/test dependency only and is imported lazily.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile
from collections.abc import Mapping
from typing import Any

import ibis
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from lulong_data.bundle import Bundle, to_arrow

__all__ = [
    "EngineBundle",
    "arrow_table",
    "load_table",
    "on_backend",
    "spark_available",
    "spark_backend",
    "stop",
]


def arrow_table(df: pd.DataFrame) -> pa.Table:
    """A typed frame as Arrow with the column types the bundle gives DuckDB: dates as date32, not timestamps.

    Extra columns of mixed python objects become text, as in the bundle's own DuckDB (``bundle.to_arrow``).
    """
    table = to_arrow(df)
    columns, fields = [], []
    for f, col in zip(table.schema, table.columns, strict=True):
        if pa.types.is_timestamp(f.type):
            col = pc.cast(col, pa.date32())
            f = pa.field(f.name, pa.date32())
        elif pa.types.is_large_string(f.type) or pa.types.is_null(f.type):  # null: an all-missing extra
            col = pc.cast(col, pa.string())
            f = pa.field(f.name, pa.string())
        columns.append(col)
        fields.append(f)
    return pa.Table.from_arrays(columns, schema=pa.schema(fields))


class EngineBundle(Bundle):
    """A :class:`Bundle` whose :meth:`table`, :attr:`backend` and :meth:`execute` use another Ibis backend.

    Everything else (frames, as_of, rules, manifest, geo, present, fingerprint, problems) is the source
    bundle's. Built by :func:`on_backend`; the embedded DuckDB is not created for it.
    """

    _engine: Any = None
    _names: Mapping[str, str] = {}

    def __post_init__(self) -> None:  # the tables live in the other backend: register nothing here
        pass

    def table(self, name: str) -> ibis.Table:
        if name not in self.frames:
            raise KeyError(f"unknown dataset {name!r}; known: {sorted(self.frames)}")
        return self._engine.table(self._names.get(name, name))

    @property
    def backend(self) -> Any:
        return self._engine

    @property
    def connection(self) -> Any:
        return self._engine

    def execute(self, expr: ibis.Expr) -> Any:
        return self._engine.execute(expr)


def _spark_session(backend: Any) -> Any:
    return getattr(backend, "_session", None)


def load_table(backend: Any, name: str, df: pd.DataFrame) -> None:
    """Copy one typed frame into the backend as ``name`` (a cached temporary view on Spark)."""
    table = arrow_table(df)
    session = _spark_session(backend)
    if session is not None:
        # ibis' create_table(pandas) loses nullable Int64 values on this pyspark/pandas pair (they come
        # back NaN), so hand Spark the Arrow table; cache it so every metric does not re-read the rows.
        sdf = session.createDataFrame(table)
        sdf.cache()
        sdf.createOrReplaceTempView(name)
    else:
        backend.create_table(name, table, overwrite=True)


def on_backend(
    b: Bundle,
    backend: Any,
    *,
    tables_exist: bool = False,
    names: Mapping[str, str] | None = None,
) -> EngineBundle:
    """The bundle ``b`` with its tables in the Ibis ``backend``.

    By default every frame of ``b`` is copied into the backend under its dataset name (temporary views on
    Spark, tables elsewhere). With ``tables_exist=True`` nothing is copied: ``b.table(name)`` reads the
    backend's table ``names.get(name, name)`` — the warehouse case, where the contract datasets are already
    tables or views with the contract's column names and types.
    """
    names = dict(names or {})
    if not tables_exist:
        for name, df in b.frames.items():
            load_table(backend, names.get(name, name), df)
    init = {f.name: getattr(b, f.name) for f in dataclasses.fields(b) if f.init}
    out = EngineBundle(**init)
    object.__setattr__(out, "_engine", backend)
    object.__setattr__(out, "_names", names)
    return out


# -- local-mode Spark --------------------------------------------------------------------------------


def spark_available() -> str | None:
    """None when pyspark and a java runtime are installed, else why not (for a skip message)."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install -r requirements-dev.txt)"
    java_home = os.environ.get("JAVA_HOME")
    if not shutil.which("java") and not (
        java_home and os.path.exists(os.path.join(java_home, "bin", "java"))
    ):
        return "no java runtime (Debian: apt-get install openjdk-17-jre-headless; scripts/system-deps.sh)"
    return None


def spark_backend(*, cores: int = 2, memory: str = "2g", app: str = "lulong-parity") -> Any:
    """A local-mode PySpark session wrapped by ``ibis.pyspark.connect``: no UI, UTC, bound to 127.0.0.1.

    Small shuffle partitions (the data are small and the machine has few cores), quiet logging, a
    throw-away warehouse directory. ``memory`` is the JVM heap (every table copied by :func:`on_backend`
    lives there: 2g holds the city-scale data; give the province ~4 times its CSV size). Stop it with
    :func:`stop`.
    """
    # The JVM reads these when it starts: keep it on the loopback interface (no network needed).
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    scratch = tempfile.mkdtemp(prefix="lulong-spark-")
    session = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName(app)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", str(cores))
        .config("spark.default.parallelism", str(cores))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.warehouse.dir", os.path.join(scratch, "warehouse"))
        .config("spark.local.dir", scratch)
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.driver.memory", memory)  # local mode: the driver holds every copied table
        .config("spark.sql.adaptive.enabled", "false")  # re-planning costs more than it saves on small data
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    backend = ibis.pyspark.connect(session)
    backend._lulong_scratch = scratch  # removed by stop()
    return backend


def stop(backend: Any) -> None:
    """Stop the Spark session behind an Ibis pyspark backend (no-op for other backends)."""
    session = _spark_session(backend)
    if session is None:
        return
    session.stop()
    scratch = getattr(backend, "_lulong_scratch", None)
    if scratch:
        shutil.rmtree(scratch, ignore_errors=True)
    # stop() leaves the py4j gateway's JVM running until python exits: end it too, so a test session
    # does not carry an idle JVM (and its memory) through the rest of the suite.
    from pyspark import SparkContext

    gateway = SparkContext._gateway
    if gateway is not None:
        proc = getattr(gateway, "proc", None)
        try:
            gateway.shutdown()
        finally:
            if proc is not None:
                proc.terminate()
                try:
                    proc.wait(timeout=20)
                except Exception:
                    proc.kill()
            SparkContext._gateway = None
            SparkContext._jvm = None
