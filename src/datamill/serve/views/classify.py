"""``/-/classify``: the image classification API and its HTML form (classify.md CL-5).

- ``POST /-/classify`` with a multipart field ``image``, and ``GET /-/classify?url=...``,
  answer ``{"ok": true, "predictions": [...], "model": {"name": ..., "labels": N}}``; every
  ``ClassifyError`` is a 400 in SV-ERR-1's JSON.
- ``GET /-/classify`` without ``url`` is the form; the form sends ``_format=html`` and gets
  the result (or the error) as a page, with the 224×224 view of the image the network saw,
  served from ``/-/classify/images/<key>`` because the CSP allows images from this site only.
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message

from datamill.classify import MAX_IMAGE_BYTES, ClassifyError
from datamill.classify.errors import too_large
from datamill.serve.classifying import UPLOAD_LIMIT, ClassifyService
from datamill.serve.errors import ServeError, bad_request, not_found
from datamill.serve.json_output import dumps
from datamill.serve.views.context import JSON_TYPE, RequestContext

__all__ = ["classify_view", "classify_image_view"]

UPLOAD_NAME = "upload"  # how an uploaded image is named in error messages
DEFAULT_TOP = 3
_MISSING_IMAGE = "Send the image as a multipart/form-data file field named image"


def _service(ctx: RequestContext) -> ClassifyService:
    service = ctx.server.classify
    if service is None:
        raise not_found()
    return service


async def classify_view(ctx: RequestContext, request: Request) -> Response:
    """``/-/classify``: predictions as JSON, or the form and its result as HTML."""
    service = _service(ctx)
    fields: dict[str, Any] = {}
    if request.method == "POST":
        fields = await _read_form(request)
    html = (fields.get("_format") or ctx.param("_format")) == "html"
    url = ctx.param("url")
    top_text = fields.get("top") or ctx.param("top")
    shown = {"url": url, "top": top_text or DEFAULT_TOP}
    if request.method != "POST" and url is None:
        return _page(ctx, service, shown, 200)
    try:
        top = _top(top_text)
        if request.method == "POST":
            upload = fields.get("image")
            if not isinstance(upload, bytes):
                raise bad_request(_MISSING_IMAGE)
            data, source = upload, UPLOAD_NAME
        else:
            assert url is not None  # a GET without url returned the form above
            data, source = await service.fetch(url), url
        predictions, image_key = await service.predict(data, top, source, keep_image=html)
    except (ClassifyError, ServeError) as error:
        failure = error if isinstance(error, ServeError) else bad_request(str(error))
        if not html:
            raise failure from None
        return _page(ctx, service, {**shown, "error": failure.message}, failure.status)
    if html:
        image = ctx.server.urls.path("-", "classify", "images", image_key or "")
        result = {**shown, "predictions": predictions, "image": image}
        return _page(ctx, service, result, 200, {"Cache-Control": "no-store"})
    body = {"ok": True, "predictions": predictions, "model": service.model}
    return Response(dumps(body), headers=ctx.cache_headers(), media_type=JSON_TYPE)


def classify_image_view(ctx: RequestContext) -> Response:
    """One of the images the form showed recently, or 404 once it has been let go."""
    jpeg = _service(ctx).images.get(ctx.route.asset or "")
    if jpeg is None:
        raise not_found()
    return Response(jpeg, headers=ctx.cache_headers(), media_type="image/jpeg")


async def _read_form(request: Request) -> dict[str, Any]:
    """The form's fields, the file ``image`` as bytes; the body is refused while it is read
    once it passes ``UPLOAD_LIMIT``."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > UPLOAD_LIMIT:
        raise bad_request(str(too_large(UPLOAD_NAME, MAX_IMAGE_BYTES)))
    received = 0

    async def receive() -> Message:
        nonlocal received
        message = await request.receive()
        received += len(message.get("body", b""))
        if received > UPLOAD_LIMIT:
            raise bad_request(str(too_large(UPLOAD_NAME, MAX_IMAGE_BYTES)))
        return message

    limited = Request(request.scope, receive)
    try:
        form = await limited.form(max_files=1, max_fields=8)
    except MultiPartException as error:
        raise bad_request(f"Invalid multipart body: {error.message}") from None
    try:
        fields: dict[str, Any] = {}
        for name, value in form.multi_items():
            fields[name] = await value.read() if isinstance(value, UploadFile) else value
        return fields
    finally:
        await form.close()


def _top(value: str | None) -> int:
    if value is None or value == "":
        return DEFAULT_TOP
    if value.isascii() and value.isdigit() and int(value) >= 1:
        return int(value)
    raise bad_request(f"top must be a positive integer, got '{value}'")


def _page(
    ctx: RequestContext,
    service: ClassifyService,
    shown: dict[str, Any],
    status: int,
    headers: dict[str, str] | None = None,
) -> Response:
    urls = ctx.server.urls
    context = {
        "urls": urls,
        "crumbs": [{"text": "home", "href": urls.index()}],
        "action": urls.path("-", "classify"),
        "model": service.model,
        **shown,
    }
    return ctx.server.templates.render("classify.html", context, status, headers)
