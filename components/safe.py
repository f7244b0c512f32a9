"""Data is text: how a value that came from the county's files meets Markdown or HTML.

Streamlit renders Markdown in st.markdown, captions, titles, subheaders, alerts, metric labels, expander
and tab labels and button labels. A township named ``![x](http://evil.example/x.png)`` would make every
browser that opens the page contact that host, and one named ``**…**`` or ``:red[…]`` would restyle the
page. So every value from data (names, notes, reasons, publish notes, user names, file names) goes
through :func:`text` before it is put into such a string, and through :func:`html` before it is put
into HTML (folium tooltips and labels, the few ``unsafe_allow_html`` blocks, which otherwise hold fixed
markup only). Fixed interface text needs neither.

    st.subheader(t(f"{safe.text(name)} 概况", f"{safe.text(name)}: profile"))
"""

from __future__ import annotations

import html as _html
import re
from typing import Any

# Every ASCII punctuation character may be backslash-escaped in CommonMark and then stands for itself.
# Escaped everywhere: what makes emphasis, code, links and images ("[", "]" and "!": a "(" alone starts
# nothing, so names keep their parentheses), HTML, tables, strike-through, and ":" (Streamlit's :color[…]
# and :material/…: directives, and bare URLs), "$" (its LaTeX).
_MARKDOWN = re.compile(r"([\\`*_\[\]<>#!|~$:&])")
# At the start only: a list item ("- ", "+ ", "1. "), a thematic break ("---"), a heading underline.
_LEADING = re.compile(r"^(\s*)([-+=]|\d+(?=[.)]))")
_BREAKS = re.compile(r"[\r\n\t\x0b\x0c\u2028\u2029\x85]+")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def _plain(value: Any) -> str:
    if value is None:
        return ""
    try:
        import pandas as pd

        if not isinstance(value, str) and pd.isna(value):
            return ""
    except (TypeError, ValueError, ImportError):
        pass
    return _CONTROL.sub("\ufffd", str(value))


def text(value: Any) -> str:
    """``value`` as literal text inside Markdown: one line, every Markdown character escaped."""
    escaped = _MARKDOWN.sub(r"\\\1", _BREAKS.sub(" ", _plain(value)))
    return _LEADING.sub(_leading, escaped)


def _leading(m: re.Match) -> str:
    space, mark = m.groups()
    return f"{space}{mark}\\" if mark.isdigit() else f"{space}\\{mark}"  # "1\. …" / "\- …"


def bullets(lines: Any) -> str:
    """Values from data as a Markdown list, one item a line, each as literal text (:func:`text`)."""
    return "\n".join(f"- {text(line)}" for line in lines)


def html(value: Any) -> str:
    """``value`` as literal text inside HTML (element content or a quoted attribute)."""
    return _html.escape(_BREAKS.sub(" ", _plain(value)), quote=True)
