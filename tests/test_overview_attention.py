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


# -- a monthly list is compared with the month before, never with seven days earlier ---------------------


def test_a_monthly_list_compares_with_the_list_month_before(sample_bundle):
    from lulong_data.metrics import registry

    b, day = sample_bundle, sample_bundle.as_of
    month = f"{day:%Y-%m}"
    before = registry.earlier(b, "env_black_villages", as_of=day)
    # Seven days earlier is the same month's list: its change would always read 0 (issue: "0 较7天前").
    assert registry.week_before(b, "env_black_villages", as_of=day).period.start.month == day.month
    assert before.period.start.month == (day.month - 2) % 12 + 1  # the sample inspects every month
    prev = f"{before.period.start:%Y-%m}"
    assert before.value == evaluate(b, "env_black_villages", as_of=day, period=prev).value is not None
    assert prev < month
    # Decided by the metric's definition (its ``previous``), for every monthly list and nothing else.
    assert registry.comparison("env_black_villages") == "vs_last_month"
    assert registry.comparison("env_mean_score") == "vs_last_month"
    assert (
        registry.comparison("monitored_households") == registry.comparison("employment_placed") == "vs_7_days"
    )
    assert glossary.term("vs_last_month") == "较上月"
    # The very first list month has nothing before it: no change rather than a false one.
    first = registry.earlier(b, "env_red_villages", as_of=day, period="2021-01")
    assert first.value is None and first.missing.code == "no_earlier_list"


def test_the_environment_tile_and_the_dispatch_headline_say_against_last_month(sample_bundle):
    from lulong_data import dispatch
    from lulong_data.metrics import registry

    b, day = sample_bundle, sample_bundle.as_of
    tiles = {t.name: t for t in overview.tiles(b, as_of=day)}
    # The tile leads with the black list: the red list is the best ten every month, so its change is
    # always 0; the black list is what moves (and what the dispatch meeting follows).
    env, jobs = tiles["env_black_villages"], tiles["employment_placed"]
    assert [f.name for f in env.figures] == ["env_black_villages", "env_red_villages"]
    assert env.versus == "vs_last_month" and jobs.versus == "vs_7_days"
    last = registry.earlier(b, "env_black_villages", as_of=day)
    assert env.change == env.figures[0].value - last.value and env.change != 0
    assert jobs.change == jobs.figures[0].value - jobs.week_ago.value
    # The dispatch meeting (compared with last week) still compares the black list with the month before.
    h = {x.key: x for x in dispatch.headlines(b, as_of=day, since=day - overview.WEEK)}
    black = h["env_black_villages"]
    assert black.then == registry.earlier(b, "env_black_villages", as_of=day).value
    assert black.since("zh", "上周") == "上月" and h["overdue_items"].since("zh", "上周") == "上周"
