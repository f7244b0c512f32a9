"""Shared settings of one generator run and the per-module random streams."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "reference"


@dataclass(frozen=True)
class Context:
    """What every generator module needs to know about the run.

    ``as_of`` is the sample's data_as_of (the day before the press conference of 2022-07-27); no event
    in the sample is dated after it. ``start`` is the first month of the monthly history.
    """

    seed: int = 20220726
    as_of: date = date(2022, 7, 26)
    start: date = date(2021, 1, 1)
    reference: Path = field(default=REFERENCE_DIR)

    def rng(self, name: str) -> np.random.Generator:
        """An independent random stream for ``name`` (e.g. "people.households").

        The stream is derived from a SHA-256 of the seed and the name (Python's ``hash()`` is salted per
        process and would break reproducibility), so adding draws in one module never shifts the
        numbers of another.
        """
        digest = hashlib.sha256(f"{self.seed}:{name}".encode()).digest()
        words = [int.from_bytes(digest[i : i + 4], "little") for i in range(0, 32, 4)]
        return np.random.default_rng(np.random.SeedSequence(words))
