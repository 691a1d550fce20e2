"""Fetching an image by URL (CL-2, CL-5): track's fetch with its time and size limits, plus an
optional refusal of addresses on this host or a private network.

The check runs when each connection is made, on the very addresses connected to, so neither
a redirect nor a second DNS answer can lead a request to a private address.
"""

from __future__ import annotations

import http.client
import io
import ipaddress
import re
import socket
import urllib.request
from typing import Any

from datamill.classify.errors import FetchError, PrivateAddressError
from datamill.track.errors import TrackError
from datamill.track.fetch import Limits, display_url, fetch_url

SIZE_LIMIT_NAME = "the image size limit"  # as in errors.too_large
SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


def is_url(source: str) -> bool:
    """True for ``scheme://...``: a URL, to be fetched or refused, never a file name."""
    return SCHEME.match(source) is not None


def fetch_image(url: str, *, timeout: float, max_bytes: int, allow_private: bool = False) -> bytes:
    """The body of ``url`` (http or https), within ``timeout`` seconds and ``max_bytes``.

    Raises :class:`FetchError` (with the URL as typed, credentials masked) and, unless
    ``allow_private``, :class:`PrivateAddressError` for a loopback, private, link-local,
    multicast or otherwise non-global address.
    """
    shown = display_url(url)
    match = SCHEME.match(url)
    if match is None or match.group(1).lower() not in ("http", "https"):
        raise FetchError(f"{shown}: only http:// and https:// URLs can be fetched")
    handlers = () if allow_private else (_PublicHTTPHandler(), _PublicHTTPSHandler())
    limits = Limits(timeout=timeout, max_bytes=max_bytes, size_name=SIZE_LIMIT_NAME)
    body = io.BytesIO()
    try:
        fetch_url(url, shown, [], limits, body, handlers=handlers)
    except TrackError as error:
        raise FetchError(str(error)) from None
    return body.getvalue()


def is_private_address(address: str) -> bool:
    """True unless ``address`` is a global unicast address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_multicast or not ip.is_global


#: http.client's "no timeout given" sentinel, passed through to the connection.
_DEFAULT_TIMEOUT: object = socket._GLOBAL_DEFAULT_TIMEOUT  # type: ignore[attr-defined]  # private, not in typeshed


def _connect_public(
    address: tuple[str, int],
    timeout: Any = _DEFAULT_TIMEOUT,
    source_address: tuple[str, int] | None = None,
    *_: Any,
) -> socket.socket:
    """``socket.create_connection`` that refuses when any address of the host is private."""
    host, port = address
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except UnicodeError as error:
        raise OSError(f"invalid host name {host!r}") from error
    if any(is_private_address(str(info[4][0])) for info in infos):
        raise PrivateAddressError()
    last_error: OSError | None = None
    for family, kind, proto, _canonical, sockaddr in infos:
        sock = socket.socket(family, kind, proto)
        try:
            if timeout is not _DEFAULT_TIMEOUT:
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(sockaddr)
            return sock
        except OSError as failure:
            last_error = failure
            sock.close()
    raise last_error or OSError(f"no address found for {host}")


class _PublicHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _connect_public


class _PublicHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _connect_public


class _PublicHTTPHandler(urllib.request.HTTPHandler):
    def do_open(self, http_class, req, **kwargs):
        return super().do_open(_PublicHTTPConnection, req, **kwargs)


class _PublicHTTPSHandler(urllib.request.HTTPSHandler):
    def do_open(self, http_class, req, **kwargs):
        return super().do_open(_PublicHTTPSConnection, req, **kwargs)
