"""The per-bundle memo of the metrics' shared base frames (lulong_data/metrics/memo.py)."""

from __future__ import annotations

import gc

import pandas as pd

from lulong_data.metrics import memo


class Holder:  # stands for a bundle: any object that can be weakly referenced
    pass


def test_built_once_and_handed_out_as_copies():
    b, built = Holder(), []

    def build() -> pd.DataFrame:
        built.append(1)
        return pd.DataFrame({"n": [1, 2, 3]})

    first = memo.memo(b, ("k",), build)
    first["extra"] = 0  # a caller adds a column
    second = memo.memo(b, ("k",), build)
    assert built == [1]
    assert list(second.columns) == ["n"]
    assert memo.memo(b, ("other",), build) is not None and built == [1, 1]


def test_the_entries_go_with_the_bundle():
    b = Holder()
    memo.memo(b, ("k",), lambda: pd.DataFrame({"n": [1]}))
    assert b in memo._STORE
    del b
    gc.collect()
    assert not [k for k in list(memo._STORE) if isinstance(k, Holder)]


def test_oldest_frames_leave_when_the_budget_is_spent(monkeypatch):
    monkeypatch.setattr(memo, "BUDGET", 3 * 8 * 1000 + 500)  # three frames of 1,000 int64 (plus index)
    b = Holder()
    for i in range(5):
        memo.memo(b, (i,), lambda: pd.DataFrame({"n": range(1000)}, dtype="int64"))
    kept = list(memo._STORE[b])
    assert kept[-1] == (4,) and (0,) not in kept and len(kept) < 5
