"""数据状态: what data is served (as-of, version, fingerprint, files), the full validation report, and
the data office's publishing: upload → validate → install as a new version, version list, rollback."""

from __future__ import annotations

import streamlit as st

from components import import_panel, nav, publish_panel, publish_status
from components.auth import require_page
from components.context import served, t, term


def render() -> None:
    require_page("data")  # re-checked here: a deep link or page switch bypasses the menu
    s = served()
    st.title(term("page_data"))
    publish_status.summary(s)

    st.subheader(term("datasets"))
    publish_status.datasets_frame_table(s.bundle)

    st.subheader(term("validation_report"))
    st.caption(
        t(
            "与 `python -m lulong_data check` 输出的报告相同。",
            "The same report as `python -m lulong_data check`.",
        )
    )
    publish_status.report(s.latest.problems, key="status_report")

    if publish_panel.read_only_notice():
        return
    if s.store is None:
        st.info(
            t(
                "版本库不可用(只读磁盘?),无法在此发布数据。",
                "The versions store is unavailable; publishing is off.",
            )
        )
        return
    st.subheader(term("import_exports"))
    import_panel.form(s.store)
    st.subheader(term("publish_new_data"))
    publish_panel.publish_form(s.store)
    st.subheader(term("versions"))
    publish_panel.versions(s.store)
    with st.expander(term("full_log")):
        publish_panel.history(s.store)


if __name__ == "__main__":
    nav.back_to_router(__file__)  # a legacy run: to the router, keeping the address
