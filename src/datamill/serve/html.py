"""HTML pages: one Jinja2 environment with autoescaping everywhere (SV-APP-1, SV-SEC-8).

No template marks data-bearing text safe; cells are prepared as plain text and link targets
in Python, and Jinja escapes everything on output.
"""

from __future__ import annotations

import re
from importlib import resources
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.responses import Response

__all__ = ["Cell", "Templates", "display_cell", "count_text", "STATIC_FILES"]

#: The only files ``/-/static/`` serves, with their content types (SV-URL-3).
STATIC_FILES = {
    "app.css": "text/css; charset=utf-8",
    "icon.svg": "image/svg+xml",
}
_URL = re.compile(r"https?://[^\s<>\"']+\Z", re.IGNORECASE)


def count_text(count: int | None, truncated: bool) -> str:
    """SV-CNT-2: ``1 row``, ``190,000 rows``, ``>= 25,310 rows`` or ``rows not counted``."""
    if count is None:
        return "rows not counted"
    noun = "row" if count == 1 and not truncated else "rows"
    return f"{'>= ' if truncated else ''}{count:,} {noun}"


class Cell:
    """One table cell as a template shows it (slots: templates read these attributes fast)."""

    __slots__ = ("column", "kind", "text", "href", "row_href", "fk_href")

    def __init__(self, column: str, kind: str, text: str, href: str | None) -> None:
        self.column = column
        self.kind = kind
        self.text = text
        self.href = href
        self.row_href: str | None = None
        self.fk_href: str | None = None


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
        )
        self.env.globals["static_version"] = static_version
        self.env.filters["count_text"] = lambda pair: count_text(*pair)
        self.env.filters["number"] = lambda n: f"{n:,}"

    def render(
        self,
        template: str,
        context: dict[str, Any],
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> Response:
        body = self.env.get_template(template).render(**context)
        return Response(body, status, headers=headers, media_type="text/html; charset=utf-8")
