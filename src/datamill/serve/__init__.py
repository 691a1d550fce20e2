"""``datamill serve``: a read-only web interface, JSON API and CSV export (serve.md).

``create_app`` needs the ``serve`` extra (Starlette, uvicorn, Jinja2, python-multipart); the
rest of this package (settings, metadata, history data) works without it.
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app", "INSTALL_HINT"]

INSTALL_HINT = "datamill serve needs extra packages: pip install 'datamill[serve]'"


def __getattr__(name: str) -> Any:
    if name == "create_app":
        try:
            import jinja2  # noqa: F401
            import python_multipart  # noqa: F401
            import starlette  # noqa: F401
            import uvicorn  # noqa: F401
        except ImportError as error:
            raise ImportError(INSTALL_HINT) from error
        from datamill.serve.app import create_app

        return create_app
    raise AttributeError(f"module 'datamill.serve' has no attribute {name!r}")
