"""Order of attention on the overview (issue 22 item 5): the tiles whose figure moved this week come first."""

from __future__ import annotations

from lulong_data import glossary
from lulong_data.metrics import overview


def test_tiles_that_moved_this_week_lead(sample_bundle):
    tiles = overview.tiles(sample_bundle, as_of=sample_bundle.as_of)
    moved = [t.moved for t in tiles]
    assert moved == sorted(moved, reverse=True), [(t.name, t.change) for t in tiles]
    assert any(moved) and not all(moved)  # the sample has both kinds on its own date
    first_still = moved.index(False)
    # 脱贫人口 does not change within a week: it is no longer the first tile.
    assert (
        tiles[0].name != "poverty_persons" and not next(t for t in tiles if t.name == "poverty_persons").moved
    )
    # Within each group the order of TILES is kept.
    order = [spec[0][0] for spec in overview.TILES]
    for group in (tiles[:first_still], tiles[first_still:]):
        names = [t.name for t in group]
        assert names == sorted(names, key=order.index)


def test_every_tile_label_is_a_glossary_term():
    for _, _, label, _ in overview.TILES:
        glossary.get(label)
