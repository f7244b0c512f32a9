"""KPI tiles: a figure, its change against seven days earlier, and a link to the page behind it."""

from __future__ import annotations

from typing import Any

import streamlit as st

from components import nav, theme, viewport
from components.context import as_of, lang, t, term
from components.help import metric_help
from lulong_data import formatting
from lulong_data.figures import Figure
from lulong_data.formatting import MINUS, fmt_delta
from lulong_data.metrics import METRICS

# Which way is good: "up" (more is better), "down" (fewer is better), None (a size: neither).
_DELTA_COLOR = {"up": "normal", "down": "inverse", None: "off"}


def delta_text(change: float | None) -> str | None:
    """fmt_delta with an ASCII minus: Streamlit reads the arrow's direction from a leading "-"."""
    if change is None:
        return None
    return fmt_delta(change).replace(MINUS, "-")


def tile(
    label: str,
    value: str,
    change: float | str | None = None,
    *,
    better: str | None = None,
    help: str | None = None,
    note: str | None = None,
    page: str | None = None,
    versus: str | None = None,
) -> None:
    """One bordered tile. ``note`` is a second line (e.g. the target); ``page`` the url_path it opens.
    ``change`` against seven days earlier, or against what ``versus`` says ("较上周 443户"); a text change
    ("+0.3个百分点") is shown as given."""
    with st.container(border=True):
        st.metric(
            label,
            value,
            delta=change.replace(MINUS, "-") if isinstance(change, str) else delta_text(change),
            delta_color=_DELTA_COLOR[better],
            delta_description=(versus or term("vs_7_days")) if change is not None else None,
            help=help,
        )
        if note:
            st.caption(note)
        if page:
            nav.link(page, term("details"), icon=":material/arrow_forward:")


def definition(metric: str) -> str | None:
    """The metric's 口径 from the registry, for a tile's help tooltip."""
    # One wording for every tooltip: components.help builds it (definition, unit, source, frequency).
    return metric_help(metric) if metric in METRICS else None


def fmt_value(value: float | None, unit: str, key: str | None = None) -> str:
    """A figure with its unit, the Chinese way (lulong_data.formatting.fmt_value; ``key`` a registry name)."""
    digits = METRICS[key].digits if key in METRICS else None
    return formatting.fmt_value(value, unit, key, lang=lang(), digits=digits)


def figure_tile(
    fig: Figure,
    *,
    label: str | None = None,
    change: float | str | None = None,
    note: str | None = None,
    page: str | None = None,
    said: frozenset[str] = frozenset(),
    versus: str | None = None,
    shown: str | None = None,
) -> None:
    """A tile of one registered figure: its label, value and unit from the registry, and its own period
    ("截至6月底", "1月1日至7月26日") under it — never the page's date for a figure of another date. A missing
    value reads "—" with the reason. ``said``: caveats already said once for the whole row; ``shown``: the
    value as the caller writes it (a rate with one decimal where its change is lost in rounding)."""
    m = METRICS[fig.name]
    notes = [note, fig.period.short(lang(), today=as_of()), *(n for n in fig.notes(lang()) if n not in said)]
    own = m.label(lang())
    tile(
        label or own[:1].upper() + own[1:],  # English labels are written for sentences: capitalise a tile's
        shown or fmt_value(fig.value, fig.unit or m.unit, fig.name),
        change,
        better=m.better,
        help=definition(fig.name),
        note=" · ".join(n for n in notes if n),
        page=page,
        versus=versus,
    )


def _value(f: Figure) -> str:
    return fmt_value(f.value, f.unit or METRICS[f.name].unit, f.name)


def figures_tile(view: Any, *, label: str, page: str | None = None) -> None:
    """A tile of registered figures (lulong_data.metrics.overview.Tile): the first figures as the value,
    the change of the first on what the tile says (seven days earlier; a monthly list: the month before),
    then its own period ("截至7月26日", "1月1日至7月26日") and caveats, and the second-line figures with their labels — each with its period where it differs
    ("就业目标 3,946人(2022年全年)"): a figure never borrows another's date."""
    first = view.figures[0]
    period = first.period

    def when(f: Figure) -> str:
        return (
            ""
            if f.period == period
            else t(f"({f.period.short('zh', today=as_of())})", f" ({f.period.short('en', today=as_of())})")
        )

    notes = [period.short(lang(), today=as_of())]
    for f in view.figures + view.notes:
        notes += [n for n in f.notes(lang()) if n not in notes]
    seconds = [f"{METRICS[f.name].label(lang(), short=True)} {_value(f)}{when(f)}" for f in view.notes]
    tile(
        label,
        " / ".join(_value(f) + when(f) for f in view.figures),
        view.change,
        better=METRICS[first.name].better,
        help=definition(first.name),
        note=" · ".join([*seconds, *notes]),
        page=page,
        versus=term(view.versus),
    )


def column(name: str) -> Any:
    """The column_config of a table column holding the registered figure ``name``."""
    m = METRICS[name]
    if name in formatting.RATES:
        return st.column_config.ProgressColumn(
            format=f"%.{formatting.RATE_DIGITS}f%%", min_value=0, max_value=120
        )
    if m.unit == "%":
        return st.column_config.NumberColumn(format=f"%.{1 if m.digits is None else m.digits}f%%")
    if m.unit in ("分", "万元", "万人"):
        return st.column_config.NumberColumn(format="%.2f")
    return st.column_config.NumberColumn(format="localized")


def cue(status: str, words: str) -> str:
    """A judgment from lulong_data as icon + words ("√ 已完成全年目标"); colour never carries it alone."""
    return f"{theme.STATUS[status]['icon']} {words}"


def versus_note(now: Figure, before: Figure) -> str:
    """The same figure a year earlier, with its own period and the change: "2021年1月1日至7月26日 2,227人(+207)";
    a percentage changes in 个百分点."""
    if before.value is None:
        return " · ".join(before.notes(lang())) or ""
    unit = before.unit or METRICS[before.name].unit
    text = f"{before.period.short(lang(), today=as_of())} {fmt_value(before.value, unit, before.name)}"
    if now.value is None:
        return text
    delta = now.value - before.value
    if unit == "%":
        return text + t(f"({delta:+.1f}个百分点)", f" ({delta:+.1f} pp)").replace("-", MINUS)
    return text + f"({fmt_delta(delta)})"


def figure_row(tiles: list[tuple], *, said: frozenset[str] = frozenset()) -> None:
    """Tiles of registered figures side by side: (figure, label (None: the registry's), note, change)
    each, and optionally what the change is against (default 较7天前). A caveat every figure of the row
    carries (a month still being inspected) is said once, under the row; ``said``: caveats the page
    prints itself (the deadline notes under the monitoring tiles)."""
    common = frozenset.intersection(*(frozenset(c.text(lang()) for c in f.caveats) for f, *_ in tiles))
    for col, (fig, label, note, change, *against) in zip(
        viewport.columns(len(tiles), min_px=170), tiles, strict=True
    ):
        versus = against[0] if against else None
        with col:
            figure_tile(fig, label=label, note=note, change=change, said=common | said, versus=versus)
    for text in sorted(common - said):
        st.caption(text)


def status_line(status: str, words: str) -> None:
    """A judgment from lulong_data as a coloured box with its icon: good → success, else warning."""
    (st.success if status == "good" else st.warning)(cue(status, words))


def companions(figs: list[Figure]) -> str:
    """Figures on a tile's second line: "低保户 5,617户 · 月保障金 377.54万元/月" (short labels)."""
    return " · ".join(f"{METRICS[f.name].label(lang(), short=True)} {_value(f)}" for f in figs)


def short_label(name: str) -> str:
    """A registered figure's short label in the chosen language."""
    return METRICS[name].label(lang(), short=True)


def in_year(name: str, year: int) -> str:
    """A tile's label for a yearly figure: its short label with the year ("2022年培训期数")."""
    return term("in_year", year=year, name=short_label(name))


def figure_tiles(
    entries: list[tuple[str, str | tuple[str, str] | None, str | tuple[str, ...] | None]],
    *,
    week: bool = False,
    said: frozenset[str] = frozenset(),
    short: bool = False,
    **params: Any,
) -> None:
    """A row of tiles of the registered figures ``entries`` names: (spec, label, note) each — the label a
    glossary term (``term(key)``), None for the registry's own, or (zh, en); the note a sentence, or a tuple
    of specs: those figures on the tile's second line (:func:`companions`) — evaluated with ``params``
    (as_of, year, township …). ``week``: each with its change on seven days earlier, a monthly list's on
    the list month before (registry.earlier, registry.comparison); ``said``: see :func:`figure_row`;
    ``short``: a tile without a label of its own takes the registry's short label."""
    from components.cache import figure
    from components.cache import week as week_ago
    from lulong_data.metrics.registry import change, comparison

    def tile(spec: str, label: str | tuple[str, str] | None, note: str | tuple[str, ...] | None) -> tuple:
        now, before = week_ago(spec, **params) if week else (figure(spec, **params), None)
        text = _text(label) or (short_label(now.name) if short else None)
        if isinstance(note, tuple):
            note = companions([figure(other, **params) for other in note])
        return now, text, note, change(now, before) if before else None, term(comparison(spec))

    figure_row([tile(*entry) for entry in entries], said=said)


def _text(label: str | tuple[str, str] | None) -> str | None:
    return t(*label) if isinstance(label, tuple) else label


def versus_tiles(entries: list[tuple[str, str | tuple[str, str]]], **params: Any) -> None:
    """A row of tiles of registered figures, each with the same figure for the same period of the year
    before under it (registry.year_before): (spec, label) each (a glossary term, or (zh, en))."""
    from components.cache import versus

    tiles = []
    for spec, label in entries:
        now, before = versus(spec, **params)
        tiles.append((now, _text(label), versus_note(now, before), None))
    figure_row(tiles)


def label(name: str) -> str:
    """A registered figure's label in the chosen language (e.g. a selectbox's format_func)."""
    return METRICS[name].label(lang())


def unit(name: str) -> str:
    """A registered figure's unit in the chosen language (English: the glossary's word for it, else none)."""
    return t(METRICS[name].unit, "")
