"""How a bundle runs its Ibis queries: one Ibis table per dataset, each expression compiled to SQL once, and
every thread on its own DuckDB cursor (a cached bundle serves every session of the server at once)."""

from __future__ import annotations

import threading

import pytest
from ibis.backends.duckdb import Backend

from lulong_data.bundle import Bundle
from lulong_data.metrics import registry

# Point-in-time and yearly figures over several datasets (monitoring, employment, environment, welfare).
SPECS = (
    "monitored_households",
    "employment_placed",
    "env_black_villages",
    "assistance_households:scheme=dibao",
    "overdue_items",
)


@pytest.fixture
def fresh(sample_bundle) -> Bundle:
    """A bundle of its own on the sample's frames: empty caches, its own database."""
    return Bundle.from_frames(sample_bundle.frames, as_of=sample_bundle.as_of, rules=sample_bundle.rules)


@pytest.fixture
def compiled(monkeypatch) -> list[str]:
    """Every SQL text Ibis compiles from here on (the bundle's cache calls it only on a miss)."""
    out: list[str] = []
    real = Backend.compile

    def counting(self, expr, /, **kwargs):
        sql = real(self, expr, **kwargs)
        out.append(sql)
        return sql

    monkeypatch.setattr(Backend, "compile", counting)
    return out


def figures(b: Bundle, as_of) -> list:
    return [registry.evaluate(b, spec, as_of=as_of).value for spec in SPECS]


def test_an_expression_built_again_is_not_compiled_again(fresh, compiled):
    first = figures(fresh, fresh.as_of)
    assert compiled, "the figures ran no query"
    n = len(compiled)
    assert figures(fresh, fresh.as_of) == first
    assert len(compiled) == n  # the same expressions, built anew, found their SQL
    figures(fresh, fresh.as_of.replace(day=1))
    assert len(compiled) > n  # another date is another query


def test_a_table_is_made_once_for_every_thread(fresh):
    tables: list = []
    thread = threading.Thread(target=lambda: tables.append(fresh.table("households")))
    thread.start()
    thread.join()
    assert fresh.table("households") is tables[0]
    with pytest.raises(KeyError, match="unknown dataset"):
        fresh.table("no_such_dataset")


def test_threads_at_once_get_the_figures_of_one_thread(fresh, sample_bundle):
    """Eight sessions computing at once on one bundle: no "connection is busy", no mixed-up results."""
    dates = [sample_bundle.as_of, sample_bundle.as_of.replace(day=1)]
    expected = {d: figures(sample_bundle, d) for d in dates}
    results: dict[int, list] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def session(i: int) -> None:
        try:
            start.wait()
            d = dates[i % 2]
            results[i] = [(d, figures(fresh, d)) for _ in range(2)]
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=session, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len(results) == 8
    for runs in results.values():
        for d, values in runs:
            assert values == expected[d]


def test_no_expression_runs_itself():
    """``expr.execute()`` would run on the bundle's shared connection, which serves one call at a time;
    every query goes through ``b.execute(expr)`` (the calling thread's cursor, the compiled-SQL cache)."""
    import ast

    from paths import ROOT

    found = []
    for folder in ("lulong_data", "components", "pages"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("execute", "to_pyarrow", "to_polars")
                    and not node.args
                    and not node.keywords
                ):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not found, found
