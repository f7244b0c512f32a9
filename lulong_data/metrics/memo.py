"""Frames and values a bundle's metrics compute again and again, kept per bundle.

A page and its neighbours start from the same few base frames (monitoring's cases at a date, the
environment ranking at a date); a bundle is immutable, so each is built once and the entry dies with the
bundle. Frames are handed out as copies: callers may add columns, the memo stays as built.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any, TypeVar

import pandas as pd

if TYPE_CHECKING:
    from lulong_data.bundle import Bundle

T = TypeVar("T")

SIZE = 128  # entries per bundle (oldest first out) ...
BUDGET = 256 * 1024 * 1024  # ... and at most this many bytes of frames per bundle

_STORE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def memo(b: Bundle, key: tuple[Hashable, ...], build: Callable[[], T]) -> T:
    """``build()`` once per bundle and ``key`` (which must say everything the result depends on besides
    the bundle). A frame comes back as a copy; other values must be immutable."""
    with _LOCK:
        store = _STORE.setdefault(b, {})
        found = key in store
        value: Any = store[key][0] if found else None
    if not found:
        value = build()  # outside the lock: two threads may both build; both get the same result
        size = int(value.memory_usage(index=True).sum()) if isinstance(value, pd.DataFrame) else 0
        with _LOCK:
            store[key] = (value, size)
            while len(store) > SIZE or (len(store) > 1 and sum(s for _, s in store.values()) > BUDGET):
                store.pop(next(iter(store)))
    return value.copy() if isinstance(value, pd.DataFrame) else value
