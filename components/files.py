"""A file to download: built only when its button is clicked, checked against the role and written to the
audit log (components.auth.audited), with the MIME type its extension says."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

from components.auth import audited

MIME = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pdf": "application/pdf",
    "zip": "application/zip",
}


def download(
    label: str,
    build: Callable[[], bytes],
    name: str,
    *,
    key: str,
    extra: Mapping | None = None,
    where: Any = st,
    **button: Any,
) -> None:
    """A download button for the file ``name`` (``build()`` makes its bytes on click; ``extra`` goes into
    the audit entry), drawn in ``where`` (a column or container; default the page); ``button``: more
    arguments of st.download_button (type, disabled, help)."""
    where.download_button(
        label,
        data=audited(build, name, extra=extra),
        file_name=name,
        mime=MIME[name.rpartition(".")[2]],
        on_click="ignore",
        key=key,
        **button,
    )
