"""The error a request can end in: an HTTP status and the exact SV-ERR message."""

from __future__ import annotations

__all__ = ["ServeError", "not_found", "bad_request", "forbidden"]


class ServeError(Exception):
    """A request that cannot be answered; rendered as JSON or HTML with ``status`` (SV-ERR)."""

    def __init__(
        self, message: str, status: int = 400, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.headers = headers or {}


def not_found(message: str = "Not found") -> ServeError:
    return ServeError(message, 404)


def bad_request(message: str) -> ServeError:
    return ServeError(message, 400)


def forbidden(message: str) -> ServeError:
    return ServeError(message, 403)
