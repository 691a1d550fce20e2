"""CL-2/CL-5 image fetching: track's limits, and the refusal of private addresses, checked on
the addresses actually connected to (redirects included)."""

from __future__ import annotations

import pytest

from datamill.classify import (
    FetchError,
    PrivateAddressError,
    fetch_image,
)
from datamill.classify import fetch as fetch_module
from datamill.classify.fetch import is_private_address


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "::1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # link-local: cloud metadata services
        "fe80::1",
        "224.0.0.1",
        "239.255.255.250",
        "ff02::1",
        "0.0.0.0",
        "::",
        "100.64.0.1",  # shared address space
        "fc00::1",
        "::ffff:127.0.0.1",  # IPv4-mapped loopback
        "::ffff:10.0.0.1",
    ],
)
def test_private_addresses(address):
    assert is_private_address(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
def test_public_addresses(address):
    assert not is_private_address(address)


def test_refused_before_any_request(server):
    url = server.serve("/cat.png", b"image")
    with pytest.raises(PrivateAddressError, match="^Refusing to fetch a private address$"):
        fetch_image(url, timeout=5, max_bytes=1000)
    assert server.requests == []


def test_allowed_when_asked(server):
    url = server.serve("/cat.png", b"image bytes")
    assert fetch_image(url, timeout=5, max_bytes=1000, allow_private=True) == b"image bytes"


def pretend_only_127_0_0_1_is_public(monkeypatch):
    monkeypatch.setattr(fetch_module, "is_private_address", lambda address: address != "127.0.0.1")


def test_the_guarded_connection_fetches_public_addresses(server, monkeypatch):
    pretend_only_127_0_0_1_is_public(monkeypatch)
    url = server.serve("/cat.png", b"image bytes")
    assert fetch_image(url, timeout=5, max_bytes=1000) == b"image bytes"


def test_a_redirect_to_a_private_address_is_refused(server, monkeypatch):
    pretend_only_127_0_0_1_is_public(monkeypatch)
    port = server.httpd.server_address[1]
    url = server.serve(
        "/go", b"", status=302, headers={"Location": f"http://127.0.0.2:{port}/secret"}
    )
    with pytest.raises(PrivateAddressError):
        fetch_image(url, timeout=5, max_bytes=1000)
    assert [path for path, _ in server.requests] == ["/go"]


def test_time_limit(server):
    url = server.serve("/slow.jpg", b"late", delay=2)
    with pytest.raises(FetchError, match=r"^GET .*/slow\.jpg timed out after 0\.5 seconds$"):
        fetch_image(url, timeout=0.5, max_bytes=1000, allow_private=True)


def test_size_limit(server):
    url = server.serve("/big.jpg", b"x" * 2000)
    with pytest.raises(
        FetchError, match=r"^http://.*/big\.jpg is larger than the image size limit \(1000 bytes\)$"
    ):
        fetch_image(url, timeout=5, max_bytes=1000, allow_private=True)


def test_status_and_scheme(server):
    url = server.url("/gone.jpg")
    with pytest.raises(FetchError, match=r"returned HTTP 404 Not Found$"):
        fetch_image(url, timeout=5, max_bytes=1000, allow_private=True)
    with pytest.raises(FetchError, match=r"^file:///etc/passwd: only http:// and https://"):
        fetch_image("file:///etc/passwd", timeout=5, max_bytes=1000)
