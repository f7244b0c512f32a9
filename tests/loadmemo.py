"""One file's read, typing and validation, done once per test process for the same bytes.

Most loader, snapshot, publishing and page tests load a copy of the sample with one file changed; reading,
typing and validating the sixteen unchanged files again was about a second per load. The loader's
``_load_table(path, dataset)`` is a function of the file's bytes, its name and the dataset alone — the
product relies on that already: an import hands the loader the datasets it copied unchanged as
``loader.Known`` instead of having them read again — so the result for the same (dataset, file name,
content digest) is the result, whatever folder the file sits in.

``load_memo`` (autouse, session) puts a memoised ``_load_table`` in its place. A test that patches
``loader._load_table`` itself wraps this one and still sees every call. Each call returns its own frame
(a copy-on-write shallow copy), problems list and headers, so no test can alter another's result.
Set ``LULONG_TEST_NO_LOAD_MEMO=1`` to run without it.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path

import pytest

from lulong_data import loader

# Files above this size (a province folder's, say) are read every time: their frames would hold the memory.
MAX_BYTES = 8 * 1024 * 1024
MAX_ENTRIES = 512

_MEMO: OrderedDict[tuple[str, str, bytes], tuple] = OrderedDict()
_LOCK = threading.Lock()


def memoised(real):
    def load_table(path, name):
        try:
            data = Path(path).read_bytes() if Path(path).stat().st_size <= MAX_BYTES else None
        except OSError:
            data = None
        if data is None:
            return real(path, name)
        key = (name, Path(path).name, hashlib.blake2b(data, digest_size=20).digest())
        with _LOCK:
            hit = _MEMO.get(key)
            if hit is not None:
                _MEMO.move_to_end(key)
        if hit is None:
            hit = real(path, name)
            with _LOCK:
                _MEMO[key] = hit
                while len(_MEMO) > MAX_ENTRIES:
                    _MEMO.popitem(last=False)
        frame, problems, headers = hit
        return (
            None if frame is None else frame.copy(deep=False),
            list(problems),
            None if headers is None else dict(headers),
        )

    load_table.__wrapped__ = real
    return load_table


@pytest.fixture(autouse=True, scope="session")
def load_memo() -> Iterator[None]:
    if os.environ.get("LULONG_TEST_NO_LOAD_MEMO") == "1":
        yield
        return
    real = loader._load_table
    loader._load_table = memoised(real)
    try:
        yield
    finally:
        loader._load_table = real
        _MEMO.clear()
