"""Deterministic generator of the bundled sample data folder (``python -m lulong_data.generator``).

Every module makes a few datasets from the frames made before it and returns them as a dict of
DataFrames with the contract's column names. ``__main__`` runs them in order and writes the folder.
The data are synthetic: real township and village codes and names, invented households and events.
"""

from lulong_data.generator.context import Context

__all__ = ["Context"]
