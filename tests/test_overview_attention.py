"""Order of attention on the overview (issue 22 item 5): the tiles off target or moving come first."""

from __future__ import annotations

from lulong_data import attention, glossary
from lulong_data.metrics import overview
from lulong_data.metrics.registry import METRICS, evaluate


def test_tiles_follow_the_order_of_attention(sample_bundle):
    b, day = sample_bundle, sample_bundle.as_of
    tiles = overview.tiles(b, as_of=day)
    assert sorted(t.name for t in tiles) == sorted(spec[0][0] for spec in overview.TILES)
    pace = evaluate(b, "employment_pace", as_of=day).value
    ranks = [
        attention.signal(
            t.name, t.figures[0].value, t.week_ago.value, better=METRICS[t.name].better,
            target=pace if t.name == "employment_placed" else None,
        ).rank
        for t in tiles
    ]  # fmt: skip
    assert ranks == sorted(ranks), [(t.name, r) for t, r in zip(tiles, ranks, strict=True)]
    # 脱贫人口 stands still within a week and has no target: it no longer leads the page.
    names = [t.name for t in tiles]
    assert tiles[0].name != "poverty_persons" and ranks[names.index("poverty_persons")] == 3
    # Overdue items above zero (fewer is better) are off target: they come before anything that only moved.
    assert ranks[names.index("overdue_items")] <= 1


def test_every_tile_label_is_a_glossary_term():
    for _, _, label, _ in overview.TILES:
        glossary.get(label)
