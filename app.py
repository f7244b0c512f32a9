"""卢龙县巩固拓展脱贫攻坚成果同乡村振兴有效衔接 工作看板 — the router.

Run with ``streamlit run app.py``. This file only frames the pages: page config, offline assets, theme,
the shared sidebar and header, and the page list. Pages live in pages/, widgets and drawing in components/,
data and figures in lulong_data/.
"""

from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st

from components import assets, auth, nav, streamlit_css, theme, viewport
from components.context import bundle, start_run, t
from components.header import render_header
from components.sidebar import render_sidebar

ICON = Path(__file__).with_name("static") / "icon.png"

st.set_page_config(
    page_title="卢龙县巩固衔接工作看板",
    page_icon=str(ICON),  # a local file: a :material: icon would be fetched from the internet
    layout="wide",
    initial_sidebar_state="auto",  # open on a PC, collapsed on a phone
)
start_run()  # before any figure: the data version is resolved once per run (components.context)
assets.ensure_leaflet()
theme.enable()
streamlit_css.inject()  # Streamlit's own English texts in Chinese mode, and what must fit

try:
    b = bundle()
except Exception:  # noqa: BLE001 - the loader should never raise; if it does, say so plainly
    logging.getLogger(__name__).exception("loading the data folder failed")
    st.error(
        t(
            "数据文件夹无法读取。请数据办公室运行 `python -m lulong_data check` 查看原因。",
            "The data folder could not be read. Run `python -m lulong_data check` to see why.",
        ),
        icon=":material/error:",
    )
    st.stop()

# Who is asking comes before any figure: a refusal or the sign-in form stops the run here.
identity = auth.identify(b)
pg = st.navigation(nav.navigation(identity.role))
nav.forward(pg, identity.role)  # "/" and "/总览" go on to their page before any widget is drawn
render_sidebar(b)
auth.render_user_box(identity)
viewport.report()  # the main column's width class, for tables that choose their columns
nav.follow_deep_link(pg)
render_header(b)
pg.run()
