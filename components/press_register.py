"""The press page's register of published figures: what was said in public, checked against the data, a
form to record a new figure (or a new version of one), its history, and withdrawal. Writes go to the state
database (``lulong_data.store.register``); open mode reads and writes nothing new."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from components import safe
from components.auth import current_user
from components.cache import compute
from components.context import bundle, lang, t, term
from components.table import show_table
from lulong_data import access, briefing, store, textcheck
from lulong_data.metrics.published import DIFFERS, MATCH, check_figures
from lulong_data.store import register
from lulong_data.textcheck import Published

NEW = "__new__"


def writable() -> bool:
    """A signed-in session may write the register; the public demo (open mode) may not."""
    return access.writes_allowed()


def published() -> list[Published]:
    """The published figures the checks of this run use (the register's, importing the file's new ones)."""
    return register.published_for(bundle(), writable=writable())


def show_register(pubs: list[Published]) -> None:
    st.subheader(term("register_heading"))
    st.caption(
        t(
            "登记表记录每个已公开的数字(表述、数值、截至日期、出处)及其修改历史;文稿核对使用全部出处,按截至日期由新到旧。",
            "Every figure said in public, with its source and history; text checks use every source, newest first.",
        )
    )
    df = compute(check_figures, figures=tuple(pubs))
    n_match, n_diff = int((df["status"] == MATCH).sum()), int((df["status"] == DIFFERS).sum())
    a, b_, c = st.columns(3)
    a.metric("√ " + term("register_match"), n_match)
    b_.metric("× " + term("register_differs"), n_diff)
    c.metric("○ " + term("register_not_computable"), len(df) - n_match - n_diff)
    table = pd.DataFrame(
        {
            term("figure_id"): df["figure_id"],
            term("statement"): df["statement"],
            term("published_value"): df["value"],
            term("unit"): df["unit"],
            term("as_of_short"): df["as_of"].astype(str),
            term("published_source"): df["source"],
            term("computed_now"): df["computed"],
            term("status"): [briefing.published_label(r, lang()) for r in df.to_dict("records")],
            term("register_metric"): df["metric"],
        }
    )
    show_table(table, t("已发布数字登记", "published_register"), key="press_published")
    wrong = register.disagreements(textcheck.default_published(bundle()))
    if wrong:
        st.warning(
            t(
                f"已发布口径表中有{len(wrong)}条表述与数值不一致,未导入登记表:",
                f"{len(wrong)} row(s) of the published_figures file say otherwise than their value (not imported):",
            )
            + ";".join(f"{safe.text(k)} {safe.text(reason)}" for k, reason in wrong),
            icon=":material/warning:",
        )
    if not writable():
        st.info(
            t(
                "演示模式(未登录)不保存登记。登录后可登记新发布的数字。",
                "Demo mode saves nothing: sign in to record figures.",
            ),
            icon=":material/lock:",
        )
        return
    _form([p.id for p in pubs])
    _history([p.id for p in pubs])


def _form(keys: list[str]) -> None:
    st.markdown("**" + t("登记已发布的数字", "Record a published figure") + "**")
    done = st.session_state.pop("press_reg_done", None)
    if done:
        st.success(done, icon=":material/check_circle:")
    with st.form("press_register_form", clear_on_submit=False):
        key = st.selectbox(
            term("record_as"),
            [NEW, *keys],
            format_func=lambda k: (
                t("新数字", "a new figure") if k == NEW else t(f"{k} 的新版本", f"new version of {k}")
            ),
            key="press_reg_key",
        )
        statement = st.text_input(term("statement_as_said"), key="press_reg_statement")
        left, mid, right = st.columns(3)
        value = left.number_input(term("numeric_value"), value=None, format="%g", key="press_reg_value")
        unit = mid.text_input(term("unit"), key="press_reg_unit")
        as_of = right.date_input(term("data_as_of"), value=bundle().as_of, key="press_reg_as_of")
        left, mid, right = st.columns(3)
        source = left.selectbox(
            term("published_source"), register.SOURCES, accept_new_options=True, key="press_reg_source"
        )
        said = mid.date_input(term("published_on"), value=None, key="press_reg_said")
        metric = right.text_input(term("register_metric_optional"), key="press_reg_metric")
        note = st.text_input(term("remark"), key="press_reg_note")
        submitted = st.form_submit_button(term("record"), type="primary")
    if not submitted:
        return
    try:
        with store.begin(write=True) as conn:
            entry = register.record(
                conn,
                register.county_of(bundle()),
                statement=statement,
                value=value,
                unit=unit,
                as_of=as_of,
                source=source or "",
                who=current_user(),
                published_on=said,
                metric=metric,
                note=note,
                key=None if key == NEW else key,
            )
    except (register.RegisterError, store.StoreError) as exc:
        st.error(t(f"未登记:{safe.text(exc)}", f"Not recorded: {safe.text(exc)}"), icon=":material/block:")
        return
    # Rerun: the table and every check of the page read the register again (their cache keys hold it).
    st.session_state["press_reg_done"] = t(
        f"已登记 {safe.text(entry.key)}(第{entry.version}版)。",
        f"Recorded {safe.text(entry.key)} (version {entry.version}).",
    )
    st.rerun()


def _history(keys: list[str]) -> None:
    if not keys:
        return
    st.markdown(f"**{term('change_history')}**")
    key = st.selectbox(term("figure_number"), keys, key="press_reg_history")
    with store.begin() as conn:
        versions = register.history(conn, register.county_of(bundle()), key)
    rows = pd.DataFrame(
        {
            term("version"): [v.version for v in versions],
            term("statement"): [v.statement for v in versions],
            term("numeric_value"): [v.value for v in versions],
            term("unit"): [v.unit for v in versions],
            term("as_of_short"): [v.as_of.isoformat() for v in versions],
            term("published_source"): [v.source for v in versions],
            term("status"): [t("已撤回", "withdrawn") if v.withdrawn else "" for v in versions],
            term("recorded_by"): [v.recorded_by for v in versions],
            term("recorded_at"): [_local(v.recorded_at) for v in versions],
        }
    )
    show_table(rows, t("修改历史", "history"), key="press_reg_versions")
    if st.button(term("withdraw", key=safe.text(key)), key="press_reg_withdraw"):
        with store.begin(write=True) as conn:
            register.withdraw(conn, register.county_of(bundle()), key, who=current_user())
        st.rerun()


def _local(at: dt.datetime) -> str:
    return at.astimezone().strftime("%Y-%m-%d %H:%M")
