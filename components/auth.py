"""Who is asking, on every run: identity → role in session state, the sign-in form, ``require`` and audited
downloads. The rules themselves (matrix, header mapping, hashes, lock-out) live in lulong_data.access.

The role is recomputed on every run from the configured source (headers, the signed-in account), so nothing
a browser sends other than that source can change it. In ``open`` mode (the bundled sample only) the role
defaults to the data office (a leader's view plus data status); tests may seed ``st.session_state["role"]`` — no widget writes that key.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import streamlit as st

from components import safe
from components.context import ROLE_KEY, USER_TOWNSHIP_KEY, role, t, term
from lulong_data import access, audit
from lulong_data.access import Identity
from lulong_data.bundle import Bundle
from lulong_data.settings import get_settings

USER_KEY = "user_name"  # also read by components.publish_panel.who()
AUTH_KEY = "_auth_identity"  # the signed-in account (accounts mode)
TOKEN_KEY = "_auth_token"  # digest of its entry in the accounts file when it signed in
SEEN_KEY = "_auth_seen"  # the header identity already logged as signed in this session
OPEN_USER = "样例访客"


def role_name(r: str | None) -> str:
    zh, en = access.ROLE_NAMES.get(r or "", (r or "?", r or "?"))
    return t(zh, en)


def current_user() -> str:
    return str(st.session_state.get(USER_KEY) or OPEN_USER)


def log(action: str, detail: str = "", *, who: str | None = None, as_role: str | None = None) -> None:
    """One audit entry for the current user (or ``who``/``as_role`` for events before sign-in). Open mode
    (the bundled sample, nobody signed in) writes nothing, the audit log included."""
    if get_settings().auth_mode == "open":
        return
    audit.record(
        get_settings().audit_file,
        who=who if who is not None else current_user(),
        role=as_role if as_role is not None else role(),
        action=action,
        detail=detail,
    )


def _headers() -> Mapping[str, str]:
    # Read only in header mode; st.context.headers is empty in AppTest and outside a request.
    try:
        return dict(st.context.headers)
    except Exception:  # noqa: BLE001
        return {}


def _only(render: Callable[[], None], title: str) -> None:
    """Run a single page instead of the app (a refusal or the sign-in form) and stop: no data behind it.

    Registered under every page's url_path, so a deep link (/monitoring) shows the form instead of a
    "page not found" dialog, and after signing in the same address opens the page it names.
    """
    from components.nav import DEFAULT, SPECS

    title = term(title)
    pages = [
        st.Page(
            render,
            title=title,
            url_path=p,
            default=p == DEFAULT,
            visibility="visible" if p == DEFAULT else "hidden",
        )
        for p in SPECS
    ]
    st.navigation(pages, position="hidden").run()
    st.stop()


def _refusal(zh: str, en: str) -> Callable[[], None]:
    def render() -> None:
        st.title(term("app_title"))
        st.error(t(zh, en), icon=":material/block:")

    return render


def _set(identity: Identity) -> Identity:
    st.session_state[ROLE_KEY] = identity.role
    st.session_state[USER_KEY] = identity.user
    if identity.township:
        st.session_state[USER_TOWNSHIP_KEY] = identity.township
    else:
        st.session_state.pop(USER_TOWNSHIP_KEY, None)
    return identity


def identify(b: Bundle) -> Identity:
    """The identity of this run, or a refusal/sign-in page and ``st.stop()``."""
    s = get_settings()
    mode = "header" if s.auth_mode == "proxy" else s.auth_mode
    if mode == "open":
        if not access.is_sample_version(str(b.folder), b.fingerprint):
            _only(
                _refusal(
                    "公开模式(LULONG_AUTH=open)只能用于内置样例数据。当前数据文件夹含真实数据,"
                    "请管理员改用 header(内网统一认证)或 accounts(本地账号)模式。",
                    "Open mode (LULONG_AUTH=open) is for the bundled sample only. This data folder holds other "
                    "data: the administrator must switch to header (intranet SSO) or accounts mode.",
                ),
                "page_refused",
            )
        # Demo on fictitious data: the widest role (a leader's view plus data status and publishing).
        r = st.session_state.setdefault(ROLE_KEY, access.OPEN_ROLE)
        return Identity(
            user=str(st.session_state.get(USER_KEY) or OPEN_USER),
            role=r,
            township=st.session_state.get(USER_TOWNSHIP_KEY),
            source="open",
        )
    if mode == "header":
        try:
            roles = access.load_roles(s.roles_file)
        except access.AccessError:
            _only(_config_error(), "page_config_error")
        identity = access.identity_from_headers(_headers(), s, roles)
        if identity is None:
            _only(
                _refusal(
                    "您的账号未获授权访问本看板。请联系县防贫中心开通权限。",
                    "Your account is not authorised for this dashboard. Ask the county data office for access.",
                ),
                "page_not_authorised",
            )
        if st.session_state.get(SEEN_KEY) != identity.user:
            st.session_state[SEEN_KEY] = identity.user
            log("sign-in", "header", who=identity.user, as_role=identity.role)
        return _set(identity)
    if mode == "accounts":
        identity = st.session_state.get(AUTH_KEY)
        # Every run: a user removed from the accounts file, or whose password or role changed, is out.
        if isinstance(identity, Identity) and not access.still_valid(
            s, identity, str(st.session_state.get(TOKEN_KEY, ""))
        ):
            log("sign-out", "account removed or changed", who=identity.user, as_role=identity.role)
            identity = None
        if not isinstance(identity, Identity):
            for key in (AUTH_KEY, TOKEN_KEY, ROLE_KEY, USER_KEY, USER_TOWNSHIP_KEY):
                st.session_state.pop(key, None)
            _only(_sign_in_form, "sign_in")
        return _set(identity)
    _only(_config_error(), "page_config_error")
    raise AssertionError("unreachable")  # st.stop() above


def _config_error() -> Callable[[], None]:
    return _refusal(
        "访问控制配置有误(LULONG_AUTH 及相关文件),看板暂不可用。请管理员查看服务器日志。",
        "Access control is misconfigured (LULONG_AUTH and its files); ask the administrator.",
    )


def _sign_in_form() -> None:
    st.title(term("app_title"))
    s = get_settings()
    # clear_on_submit: the password must not linger in session state after the attempt.
    with st.form("signin", clear_on_submit=True):
        name = st.text_input(term("user_name"), key="signin_name")
        password = st.text_input(term("password"), type="password", key="signin_password")
        submitted = st.form_submit_button(term("sign_in"), type="primary")
    if not submitted:
        return
    name = (name or "").strip()
    try:
        result = access.sign_in(s, name, password or "")
    except access.AccessError:
        st.error(_config_error_text(), icon=":material/error:")
        return
    if result.identity is not None:
        st.session_state[AUTH_KEY] = result.identity
        st.session_state[TOKEN_KEY] = result.token
        log("sign-in", "accounts", who=result.identity.user, as_role=result.identity.role)
        st.rerun()
    log("sign-in-failure", result.status, who=name, as_role="")
    if result.status == "locked":
        until = result.locked_until.astimezone().strftime("%H:%M") if result.locked_until else ""
        st.error(
            t(
                f"登录失败次数过多,账号已锁定至 {until}。",
                f"Too many failed attempts: locked until {until}.",
            ),
            icon=":material/lock:",
        )
    else:
        st.error(t("用户名或密码不正确。", "Wrong user name or password."), icon=":material/error:")


def _config_error_text() -> str:
    return t("账号文件无法读取,请联系管理员。", "The accounts file cannot be read; ask the administrator.")


def render_user_box(identity: Identity) -> None:
    """Sidebar: who is signed in and as what; sign-out for local accounts; the open-mode banner."""
    with st.sidebar:
        if identity.source == "open":
            st.info(
                t(
                    "演示模式:内置样例数据(虚构),无需登录,所有人可查看县领导和数据管理的全部页面。",
                    "Demo mode: the bundled fictitious sample; no sign-in, everyone sees the leaders' and the "
                    "data office's pages.",
                ),
                icon=":material/visibility:",
            )
            return
        st.caption(
            t(
                f"用户:{safe.text(identity.user)} · {role_name(identity.role)}",
                f"{safe.text(identity.user)} · {role_name(identity.role)}",
            )
        )
        if identity.source == "accounts" and st.button(term("sign_out"), key="signout"):
            log("sign-out")
            for key in (AUTH_KEY, TOKEN_KEY, ROLE_KEY, USER_KEY, USER_TOWNSHIP_KEY):
                st.session_state.pop(key, None)
            st.rerun()


def require(permission: str) -> None:
    """Stop the page with a plain "no access" message unless the current role has ``permission``."""
    if access.can(role(), permission):
        return
    st.error(
        t(
            f"无权访问:当前角色({role_name(role())})不能查看此内容。",
            f"No access: this content is not available to your role ({role_name(role())}).",
        ),
        icon=":material/block:",
    )
    st.stop()


def require_page(url_path: str) -> None:
    require(access.page_permission(url_path))


def audited(
    build: Callable[[], bytes], file_name: str, *, extra: Mapping | None = None
) -> Callable[[], bytes]:
    """``build`` for ``st.download_button(data=…)`` that re-checks the role and logs the export.

    The callable runs when the button is clicked, outside the script run (no session state there), so the
    user and role are taken now, at render time. ``extra`` goes into the audit entry (e.g. the number
    check of an exported text). Open mode (the bundled sample, anonymous visitors) writes no entry: it
    writes nothing at all.
    """
    who, as_role = current_user(), role()
    settings = get_settings()
    path, writes = settings.audit_file, settings.auth_mode != "open"

    def run() -> bytes:
        if not access.can(as_role, access.EXPORT):
            raise PermissionError(f"role {as_role!r} may not export")
        data = build()
        if writes:
            audit.record(path, who=who, role=as_role, action="export", detail=file_name, **(extra or {}))
        return data

    return run


def current_identity() -> Identity:
    """This session's identity as :func:`identify` set it, for writes to the state database (open mode
    comes back with ``source="open"``, which lulong_data.store refuses)."""
    s = get_settings()
    mode = "header" if s.auth_mode == "proxy" else s.auth_mode
    signed = st.session_state.get(AUTH_KEY) if mode == "accounts" else None
    if isinstance(signed, Identity):
        return signed
    return Identity(
        user=current_user(),
        role=role(),
        township=st.session_state.get(USER_TOWNSHIP_KEY) if role() == access.TOWNSHIP else None,
        source=mode if mode in ("header", "accounts") else "open",
    )
