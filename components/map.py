"""The township map: folium/Leaflet, fully offline, coloured by one indicator, clickable.

Offline means: Leaflet is served by the app (components.assets), every other folium default link (jQuery,
Bootstrap, awesome-markers, glyphicons) is dropped because polygons, tooltips and text labels don't need
them, there is no basemap unless an intranet tile URL is configured, and the legend is drawn by Streamlit
(a branca colormap would make streamlit-folium inject d3 from d3js.org).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

import folium
import streamlit as st
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from jinja2 import Template

from components import assets, theme
from components.context import t, term
from lulong_data import geo

# The only links the map may load, by folium's names for them; everything else is dropped.
LOCAL_JS = {"leaflet": assets.FROM_COMPONENT + assets.LEAFLET_JS}
LOCAL_CSS = {"leaflet_css": assets.FROM_COMPONENT + assets.LEAFLET_CSS}
# Returned to Python on a click; pans and zooms change nothing here, so they never rerun the script.
RETURNED = ["last_active_drawing"]


def _walk(element: Any):
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def make_offline(m: folium.Map) -> folium.Map:
    """Point every JS/CSS link of the map's elements at the app's own files, dropping what isn't needed.

    Raises ValueError for an element that needs a library we don't serve, rather than ship a CDN link.
    """
    for element in _walk(m):
        if not isinstance(element, JSCSSMixin):
            continue
        js, css = [], []
        for name, url in element.default_js:
            if name in LOCAL_JS:
                js.append((name, LOCAL_JS[name]))
            elif element is not m:
                raise ValueError(f"{type(element).__name__} needs {url}, which is not served offline")
        for name, url in element.default_css:
            if name in LOCAL_CSS:
                css.append((name, LOCAL_CSS[name]))
            elif element is not m:
                raise ValueError(f"{type(element).__name__} needs {url}, which is not served offline")
        # Instance attributes: folium's class-level lists stay untouched for anyone else.
        element.default_js = js
        element.default_css = css
    return m


class GovernmentScale(MacroElement):
    """A metric-only scale bar, and an attribution line without Leaflet's own credit and flag.

    A map on a county government screen names only its data source (the intranet basemap, when there is
    one); Leaflet 1.9 prefixes every attribution with a national flag and its own link, and its default
    scale shows miles.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            L.control.scale({metric: true, imperial: false, maxWidth: 160}).addTo({{ this._parent.get_name() }});
            if ({{ this._parent.get_name() }}.attributionControl) {
                {{ this._parent.get_name() }}.attributionControl.setPrefix(false);
            }
        {% endmacro %}
        """
    )


class MapLegend(MacroElement):
    """The colour key inside the map (a plain Leaflet control: branca's legend would pull d3 from the web)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            (function () {
                var legend = L.control({position: "bottomleft"});
                legend.onAdd = function () {
                    var div = L.DomUtil.create("div", "map-legend");
                    div.innerHTML = {{ this.html|tojson }};
                    return div;
                };
                legend.addTo({{ this._parent.get_name() }});
            })();
        {% endmacro %}
        """
    )

    def __init__(self, title: str, items: list[tuple[str, str]]) -> None:
        super().__init__()
        self._name = "MapLegend"
        rows = "".join(
            f'<div class="row"><span class="swatch" style="background:{c}"></span>{html.escape(text)}</div>'
            for c, text in items
        )
        self.html = f'<div class="title">{html.escape(title)}</div>{rows}'


class TextLabel(MacroElement):
    """A township's name (and figure) at a point: a Leaflet marker created with its div icon.

    folium.Marker(icon=DivIcon) first draws Leaflet's default marker image and then swaps the icon, so the
    browser asked for marker-icon.png / marker-shadow.png from a path Leaflet guessed wrong (a 404 on /map).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            L.marker({{ this.location|tojson }}, {
                icon: L.divIcon({html: {{ this.html|tojson }}, iconSize: [90, 36], iconAnchor: [45, 18],
                                 className: "empty"}),
                interactive: false, keyboard: false
            }).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, location: list[float], html_text: str) -> None:
        super().__init__()
        self._name = "TextLabel"
        self.location = location
        self.html = html_text


def build_map(
    townships: Mapping[str, Any] | None,
    county: Mapping[str, Any] | None,
    values: Mapping[str, Mapping[str, Any]],
    *,
    field: str,
    tooltip: Callable[[Mapping[str, Any]], str],
    edges: list[float],
    label: Callable[[Mapping[str, Any]], str] | None = None,
    selected: str | None = None,
    tile_url: str | None = None,
    legend: tuple[str, list[tuple[str, str]]] | None = None,
) -> folium.Map:
    """Township polygons coloured by ``values[code][field]`` over the county outline.

    ``values[code]`` also carries ``name``; ``tooltip(props)`` writes the hover text and ``label(props)``
    the figure printed under the name, so the map reads without telling colours apart. ``legend`` is
    (title, legend_items(...)): the colour key drawn in the map's lower left corner.
    """
    box = geo.bounds(county, townships) or [[39.7, 118.8], [40.2, 119.2]]
    m = folium.Map(
        location=[(box[0][0] + box[1][0]) / 2, (box[0][1] + box[1][1]) / 2],
        zoom_start=10,
        tiles=None,
        control_scale=False,  # Leaflet's default scale adds miles: GovernmentScale draws metres only
        zoom_snap=0.25,  # fit the county snugly instead of jumping a whole zoom level
        prefer_canvas=False,  # SVG paths: clickable, and countable by the browser tests
    )
    GovernmentScale().add_to(m)
    if tile_url:
        folium.TileLayer(tiles=tile_url, attr=t("内网底图", "intranet basemap"), name="basemap").add_to(m)

    feats = geo.features(townships, values)
    for f in feats:
        # folium's tooltip puts the field into innerHTML, in an iframe that may run scripts: text only.
        f["properties"]["tip"] = html.escape(tooltip(f["properties"]), quote=True)

    def style(feature: dict) -> dict:
        props = feature["properties"]
        chosen = props.get("township_code") == selected
        return {
            "fillColor": theme.color_for(props.get(field), edges),
            "fillOpacity": 0.85,
            "color": "#000000" if chosen else "#FFFFFF",
            "weight": 4 if chosen else 1.5,
        }

    folium.GeoJson(
        {"type": "FeatureCollection", "features": feats},
        name="townships",
        style_function=style,
        highlight_function=lambda _f: {"weight": 4, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True),
    ).add_to(m)
    if county:
        folium.GeoJson(
            county,
            name="county",
            style_function=lambda _f: {"fill": False, "color": "#333333", "weight": 3},
            interactive=False,
        ).add_to(m)
    for code, (lon, lat) in geo.centroids(townships).items():
        props = values.get(code) or {}
        name = props.get("name")
        if name:
            figure = f"<br><span>{html.escape(label(props))}</span>" if label else ""
            TextLabel([lat, lon], f'<div class="twp-label">{html.escape(str(name))}{figure}</div>').add_to(m)
    m.get_root().header.add_child(
        folium.Element(
            "<style>.twp-label{font:600 14px 'Noto Sans CJK SC','Microsoft YaHei',sans-serif;color:#111;"
            "text-align:center;white-space:nowrap;line-height:1.25;text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 3px #fff;}"
            ".leaflet-container{background:#F7F7F7;}"
            ".map-legend{background:rgba(255,255,255,.92);padding:6px 8px;border:1px solid #bbb;border-radius:4px;"
            "font:13px 'Noto Sans CJK SC','Microsoft YaHei',sans-serif;color:#111;line-height:1.5;}"
            ".map-legend .title{font-weight:600;margin-bottom:2px;}"
            ".map-legend .swatch{display:inline-block;width:20px;height:13px;border:1px solid #888;"
            "margin-right:6px;vertical-align:-2px;}</style>"
        )
    )
    if legend:
        MapLegend(*legend).add_to(m)
    # Room on the left for the legend (lower left corner), so it covers no township.
    m.fit_bounds(box, padding_top_left=(150 if legend else 10, 10), padding_bottom_right=(10, 10))
    return make_offline(m)


def show_map(m: folium.Map, *, key: str, height: int = 640) -> str | None:
    """Draw the map; returns the township code of the last clicked polygon (None before any click)."""
    # Imported in a script run: a Streamlit component registers with the server only when it is declared
    # (on import) inside a session, and serve.py imports this module before the server runs.
    from streamlit_folium import st_folium

    out = st_folium(m, key=key, height=height, use_container_width=True, returned_objects=RETURNED)
    drawing = (out or {}).get("last_active_drawing") or {}
    code = (drawing.get("properties") or {}).get("township_code")
    return str(code) if code else None


def legend_items(edges: list[float], fmt: Callable[[float], str]) -> list[tuple[str, str]]:
    """(colour, range text) per class of the ramp, then "no data": the legend of the screen and the export."""
    if edges:
        lows = [None, *edges]
        highs = [*edges, None]
        items = []
        for lo, hi in zip(lows, highs, strict=True):
            colour = theme.color_for(lo if lo is not None else edges[0] - 1, edges)
            if lo is None:
                text = t(f"低于{fmt(hi)}", f"below {fmt(hi)}")
            elif hi is None:
                text = t(f"{fmt(lo)}及以上", f"{fmt(lo)} and above")
            else:
                # classes include their lower edge only: no value reads as belonging to two classes
                text = t(f"{fmt(lo)}至不足{fmt(hi)}", f"{fmt(lo)} to under {fmt(hi)}")
            items.append((colour, text))
    else:
        items = [(theme.color_for(0, []), t("各乡镇相同", "same everywhere"))]
    items.append((theme.NO_DATA, term("no_data")))
    return items


def legend(items: list[tuple[str, str]], title: str) -> None:
    """The colour key as a line of swatches under a map, where the map is too narrow to carry it (a phone)."""
    swatches = "".join(
        f'<span style="display:inline-flex;align-items:center;margin:0 12px 4px 0;white-space:nowrap">'
        f'<span style="display:inline-block;width:20px;height:14px;background:{c};border:1px solid #888;'
        f'margin-right:5px"></span>{html.escape(text)}</span>'
        for c, text in items
    )
    st.markdown(f"<div><b>{html.escape(title)}</b><br>{swatches}</div>", unsafe_allow_html=True)


def schematic_notice() -> None:
    """The notice every map of schematic polygons must carry on screen."""
    st.warning(t(geo.SCHEMATIC_NOTICE_ZH, geo.SCHEMATIC_NOTICE_EN), icon=":material/info:")


def _coloured_by(league: Any, name: str) -> tuple[dict[str, dict], list[float], Callable[[Any], str]]:
    """The overview league's rows by township code, the colour classes of the registered figure ``name``
    and its formatter (value and unit, "—" for none): what a map of that figure draws."""
    from components import kpi
    from lulong_data.metrics import METRICS

    values = {r["township_code"]: r for r in league.to_dict("records")}
    return (
        values,
        theme.bins([v[name] for v in values.values()]),
        partial(kpi.fmt_value, unit=METRICS[name].unit, key=name),
    )


def figure_map(
    league: Any,
    name: str,
    *,
    townships: Any,
    county: Any,
    selected: str | None,
    tile_url: str | None,
    key: str,
) -> str | None:
    """The interactive map of the registered figure ``name`` (a column of the overview's league table):
    townships coloured and labelled by it, its value on hover, the colour key in a corner and ``selected``
    outlined. Returns the code of the township clicked last (None before any click)."""
    from components import kpi

    values, edges, fmt = _coloured_by(league, name)
    title = kpi.label(name)
    m = build_map(
        townships,
        county,
        values,
        field=name,
        edges=edges,
        tile_url=tile_url,
        tooltip=lambda props: f"{props.get('name', '')}: {title} {fmt(props.get(name))}",
        label=lambda props: fmt(props.get(name)),
        selected=selected,
        legend=(title, legend_items(edges, fmt)),
    )
    return show_map(m, key=key)


def figure_choropleth(league: Any, name: str, *, key: str, with_legend: bool = True) -> None:
    """The townships coloured by the registered figure ``name`` (a column of the overview's league table),
    as an exportable chart with its legend and, on schematic boundaries, the notice."""
    from components import charts, viewport
    from components.chart import show_chart, source_of
    from components.context import as_of, bundle, lang
    from lulong_data.metrics import METRICS

    shapes = bundle().geo.get("township_boundaries")
    if not shapes:
        st.info(t("数据中没有乡镇边界文件。", "The data has no township boundary file."))
        return
    m = METRICS[name]
    values, edges, fmt = _coloured_by(league, name)
    schematic = geo.has_schematic(shapes)
    chart = charts.choropleth(
        shapes,
        values,
        field=name,
        edges=edges,
        texts={c: fmt((values.get(c) or {}).get(name)) for c in geo.codes(shapes)},
        missing=fmt(None),
        title=m.label(lang()),
        place_title=term("township"),
        subtitle=t(geo.SCHEMATIC_NOTICE_ZH, geo.SCHEMATIC_NOTICE_EN) if schematic else "",
        # the key inside the picture (exported too); a phone's map is too narrow for it: it goes under the map
        legend=() if viewport.phone() else tuple(legend_items(edges, fmt)),
        legend_title=term("legend_of", name=m.label(lang())),
    )
    # A yearly figure names its year in the exported title (卢龙县2022年各乡镇就业目标完成率, issue 19); a
    # point-in-time figure's date is the picture's 数据截至 line.
    label = m.label(lang())
    title = (
        term("by_township_in_year", name=label, year=as_of().year)
        if m.yearly
        else term("by_township", name=label)
    )
    show_chart(chart, key=key, title=title, unit=m.unit, source=source_of(name), schematic=schematic)
    if with_legend:
        if viewport.phone():
            legend(legend_items(edges, fmt), term("legend_of", name=m.label(lang())))
        if schematic:
            schematic_notice()
