"""HTML pages: one Jinja2 environment with autoescaping everywhere (SV-APP-1, SV-SEC-8).

No template marks data-bearing text safe; cells are prepared as plain text and link targets
in Python, and Jinja escapes everything on output.
"""

from __future__ import annotations

import re
from importlib import resources
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.responses import Response

__all__ = [
    "Cell",
    "Templates",
    "display_cell",
    "count_text",
    "snippet_markup",
    "STATIC_FILES",
    "SNIPPET_OPEN",
    "SNIPPET_CLOSE",
]

#: The only files ``/-/static/`` serves, with their content types (SV-URL-3).
STATIC_FILES = {
    "app.css": "text/css; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "icon.svg": "image/svg+xml",
}
#: Private-use characters the snippet SQL wraps matches in (SV-FTS-3).
SNIPPET_OPEN, SNIPPET_CLOSE = "\ue000", "\ue001"
LONG_TEXT = 32  # characters; longer values wrap in a wider cell, shorter ones stay on one line
_URL = re.compile(r"https?://[^\s<>\"']+\Z", re.IGNORECASE)


def count_text(count: int | None, truncated: bool) -> str:
    """SV-CNT-2: ``1 row``, ``190,000 rows``, ``>= 25,310 rows`` or ``rows not counted``."""
    if count is None:
        return "rows not counted"
    noun = "row" if count == 1 and not truncated else "rows"
    return f"{'>= ' if truncated else ''}{count:,} {noun}"


def snippet_markup(snippet: str | None) -> Markup:
    """SV-FTS-3: escape the whole snippet, and only then turn the markers into ``<mark>``."""
    escaped = str(escape(snippet or ""))
    return Markup(escaped.replace(SNIPPET_OPEN, "<mark>").replace(SNIPPET_CLOSE, "</mark>"))


def file_size(size: int) -> str:
    """``912 bytes``, ``1.2 MB``: a database's size as the index shows it."""
    if size < 1024:
        return f"{size:,} bytes"
    scaled = float(size)
    for unit in ("KB", "MB", "GB"):
        scaled /= 1024
        if scaled < 1024 or unit == "GB":
            break
    return f"{scaled:,.1f} {unit}"


class Cell:
    """One table cell as a template shows it (slots: templates read these attributes fast)."""

    __slots__ = ("column", "kind", "text", "href", "row_href", "fk_href", "css")

    def __init__(self, column: str, kind: str, text: str, href: str | None) -> None:
        self.column = column
        self.kind = kind
        self.text = text
        self.href = href
        self.row_href: str | None = None
        self.fk_href: str | None = None
        #: The cell's class: ``null``, ``blob``, ``long`` (wraps) or empty (one line).
        self.css = kind if kind != "value" else ("long" if len(text) > LONG_TEXT else "")


def display_cell(column: str, value: Any, truncate: int) -> Cell:
    """How a value shows in a cell: NULL empty, a BLOB's size, long text cut, whole URLs linked."""
    if value is None:
        return Cell(column, "null", "", None)
    if isinstance(value, (bytes, memoryview)):
        return Cell(column, "blob", f"<Binary: {len(bytes(value))} bytes>", None)
    text = str(value)
    href = text if isinstance(value, str) and _URL.match(text) else None
    if truncate and len(text) > truncate:
        text = text[:truncate] + "…"
    return Cell(column, "value", text, href)


class Templates:
    """The package's templates, rendered into responses."""

    def __init__(self, static_version: str) -> None:
        folder = resources.files("datamill.serve") / "templates"
        self.env = Environment(
            loader=FileSystemLoader(str(folder)),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,  # packaged templates never change: no stat() per render
        )
        self.env.globals["static_version"] = static_version
        self.env.filters["count_text"] = lambda pair: count_text(*pair)
        self.env.filters["number"] = lambda n: f"{n:,}"
        self.env.filters["filesize"] = file_size

    def render(
        self,
        template: str,
        context: dict[str, Any],
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> Response:
        body = self.env.get_template(template).render(**context)
        return Response(body, status, headers=headers, media_type="text/html; charset=utf-8")
