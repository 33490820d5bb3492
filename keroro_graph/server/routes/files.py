"""GET ``/view``, POST ``/upload/image`` and POST ``/upload/mask``: ComfyUI's file
routes over the input, output and temp folders. Every client-named path goes through
``server.paths`` (confined to its folder, symlinks included); uploads are decoded with
a pixel cap (videos and audio probed with PyAV) before anything is written, reuse an identical existing file, otherwise
take ``name (n).ext`` unless ``overwrite`` is set, and land atomically. Image work runs
in a worker thread. Knows nothing of jobs or the engine."""
from __future__ import annotations

import asyncio
import io
import mimetypes
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from ...media import FLOAT_RGB_BYTES, MediaError, decoded_budget_bytes, encode, open_image
from ...video import probe_bytes
from ...registry.env import Paths
from ...settings import Settings
from ..errors import error_body, fail, parse_json
from ..keys import SETTINGS
from ...atomic import write_atomic
from ..paths import (confined, content_disposition, is_active, link_new, plain_name, relative_parts,
                     same_content, served_type, staged)

routes = web.RouteTableDef()

FOLDER_TYPES = ("input", "output", "temp")
_IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp")
#: Uploads LoadVideo, LoadAudio and RecordAudio take (ComfyUI sends them to /upload/image too).
_MEDIA_EXTENSIONS = (".mp4", ".mov", ".m4v", ".webm", ".mkv", ".avi", ".mpeg", ".mpg", ".wav", ".mp3", ".flac",
                     ".ogg", ".opus", ".m4a", ".aac")
_MAX_CLASH_SUFFIX = 10_000


@routes.get("/view")
async def view(request: web.Request) -> web.StreamResponse:
    settings, query = request.app[SETTINGS], request.query
    name, kind = annotated(query.get("filename", ""), query.get("type") or "output")
    path = locate(settings, kind=kind, subfolder=query.get("subfolder", ""), name=name)
    channel = query.get("channel", "rgba").lower()
    if channel not in ("rgb", "a", "rgba"):
        fail(400, f"unknown channel {channel!r}; expected rgb, a or rgba")
    disposition = content_disposition(name, "attachment" if is_active(mimetypes.guess_type(name)[0]) else None)
    headers = {"Content-Disposition": disposition, "X-Content-Type-Options": "nosniff"}
    preview = query.get("preview")
    if preview or channel != "rgba":
        body, mime = await asyncio.to_thread(render, path, preview=preview, channel=channel,
                                             alpha_asked="a" in query.get("channel", ""),
                                             max_pixels=settings.upload_max_pixels)
        return web.Response(body=body, headers={**headers, "Content-Type": mime,
                                                "Cache-Control": "public, max-age=86400"})
    if name.lower().endswith(_IMAGE_EXTENSIONS):
        headers["Cache-Control"] = "public, max-age=86400"
    # FileResponse answers Range requests (206 with Content-Range, Accept-Ranges:
    # bytes), so browsers can seek in videos and audio.
    return web.FileResponse(path, headers={**headers, "Content-Type": served_type(name)})


@routes.post("/upload/image")
async def upload_image(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    upload = await read_upload(request)
    await asyncio.to_thread(checked_upload, upload.data, upload.name, settings.upload_max_pixels)
    folder = upload_folder(settings, upload)
    name = await asyncio.to_thread(store, folder, upload.name, upload.data, overwrite=upload.overwrite)
    return web.json_response(upload.answer(name))


@routes.post("/upload/mask")
async def upload_mask(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    upload = await read_upload(request)
    original = original_path(settings, parse_original_ref(upload.original_ref))
    data = await asyncio.to_thread(apply_mask, original, upload.data, settings.upload_max_pixels)
    folder = upload_folder(settings, upload)
    name = await asyncio.to_thread(store, folder, upload.name, data, overwrite=upload.overwrite)
    return web.json_response(upload.answer(name))


@dataclass(frozen=True, slots=True)
class Upload:
    """A parsed upload form: the file's bytes and where it should go."""

    data: bytes
    name: str
    kind: str
    subfolder: str
    overwrite: bool
    original_ref: str | None

    def answer(self, name: str) -> dict[str, str]:
        return {"name": name, "subfolder": self.subfolder, "type": self.kind}


async def read_upload(request: web.Request) -> Upload:
    """The multipart form of an upload; a 400 naming what is missing or malformed."""
    form = await read_form(request)
    image = form.get("image")
    if not isinstance(image, web.FileField):
        fail(400, "the form has no 'image' file field")
    kind = _text(form.get("type")) or "input"
    if kind not in FOLDER_TYPES:
        fail(400, f"unknown type {kind!r}; expected input, output or temp")
    subfolder = _text(form.get("subfolder"))
    relative_parts(subfolder, what="'subfolder'")
    original_ref = form.get("original_ref")
    return Upload(data=image.file.read(), name=plain_name(image.filename or "", what="the file name"),
                  kind=kind, subfolder=subfolder, overwrite=_text(form.get("overwrite")) in ("true", "1"),
                  original_ref=original_ref if isinstance(original_ref, str) else None)


async def read_form(request: web.Request) -> Any:
    """The request's form; a malformed body is the client's problem (400), never a 500."""
    try:
        return await request.post()
    except web.HTTPException:
        raise
    except Exception as exc:
        fail(400, f"the request body is not a readable form: {exc}")


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def parse_original_ref(original_ref: str | None) -> dict[str, str]:
    """``original_ref`` of a mask upload: ``{filename, subfolder?, type?}``."""
    if original_ref is None:
        fail(400, "the form has no 'original_ref' field")
    ref = parse_json(original_ref, "'original_ref'")
    if not isinstance(ref, dict) or not isinstance(ref.get("filename"), str) or \
            not all(isinstance(ref.get(k, ""), str) for k in ("subfolder", "type")):
        fail(400, "'original_ref' must be an object {filename, subfolder, type} of strings")
    return ref


def annotated(filename: str, kind: str) -> tuple[str, str]:
    """``name.png [input]`` → ``("name.png", "input")``; otherwise ``kind`` stands."""
    if not filename:
        fail(404, "'filename' is required")
    return Paths.split_annotation(filename, kind)


def folder_of(settings: Settings, kind: str) -> Path:
    try:
        return settings.paths.folder(kind)
    except ValueError:
        fail(400, f"unknown type {kind!r}; expected input, output or temp")


def locate(settings: Settings, *, kind: str, subfolder: str, name: str) -> Path:
    """The existing file ``name`` in ``subfolder`` of the ``kind`` folder; 400/403 for
    a refused path, 404 when there is no such file."""
    filename = plain_name(name, what="'filename'")
    base = folder_of(settings, kind)
    parts = relative_parts(subfolder, what="'subfolder'")
    path = confined(base, (*parts, filename), what="the requested file")
    if not path.is_file():
        cache = {"Cache-Control": "max-age=3600"} if filename.lower().endswith(_IMAGE_EXTENSIONS) else {}
        raise web.HTTPNotFound(text=json.dumps(error_body(404, f"no file {name!r} in {kind}")),
                               content_type="application/json", headers=cache)
    return path


def original_path(settings: Settings, ref: dict[str, str]) -> Path:
    name, kind = annotated(ref["filename"], ref.get("type") or "output")
    return locate(settings, kind=kind, subfolder=ref.get("subfolder", ""), name=name)


def upload_folder(settings: Settings, upload: Upload) -> Path:
    parts = relative_parts(upload.subfolder, what="'subfolder'")
    return confined(folder_of(settings, upload.kind), parts, what="'subfolder'")


def checked_upload(data: bytes, name: str, max_pixels: int) -> None:
    """An image must decode within the pixel cap; a video or audio file (by its
    extension) must be one PyAV can decode. A 400 naming the problem otherwise."""
    if name.lower().endswith(_MEDIA_EXTENSIONS):
        try:  # frames too large for the decoded-image budget are not decoded while probing
            probe_bytes(data, max_pixels=min(max_pixels, decoded_budget_bytes() // FLOAT_RGB_BYTES))
        except MediaError as exc:
            fail(400, f"the upload {name!r} is not an acceptable video or audio file: {exc}")
        return
    checked_image(data, max_pixels)


def checked_image(data: bytes, max_pixels: int) -> Image.Image:
    """Decode ``data`` (blocking); a 400 when it is not an image or too large."""
    try:
        return open_image(data, max_pixels=max_pixels)
    except MediaError as exc:
        fail(400, f"the upload is not an acceptable image: {exc}")


def store(folder: Path, name: str, data: bytes, *, overwrite: bool) -> str:
    """Write ``data`` as ``name`` in ``folder`` (blocking) and return the name used:
    ``name`` itself when overwriting, else an identical existing file's name or the
    first free ``name (n).ext``."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if overwrite:
            write_atomic(folder / name, data)
            return name
        stem, ext = os.path.splitext(name)
        with staged(folder, data) as tmp:
            for n in range(_MAX_CLASH_SUFFIX):
                candidate = f"{stem} ({n}){ext}" if n else name
                if link_new(tmp, folder / candidate) or same_content(folder / candidate, data):
                    return candidate
    except OSError as exc:
        fail(400, f"cannot store {name!r}: {exc.strerror or exc}")
    fail(409, f"too many files named like {name!r}")


def render(path: Path, *, preview: str | None, channel: str, alpha_asked: bool,
           max_pixels: int) -> tuple[bytes, str]:
    """Re-encode the image at ``path`` (blocking) as ComfyUI's /view does: ``preview``
    (``webp;90``, ``jpeg;80``; webp whenever an alpha channel was asked for) wins;
    else channel ``rgb`` or ``a`` as PNG."""
    try:
        with path.open("rb") as stream:
            img = open_image(stream, max_pixels=max_pixels)
    except MediaError as exc:
        fail(400, f"cannot re-encode {path.name!r}: {exc}")
    if preview:
        fmt, _, quality = preview.partition(";")
        fmt = fmt.lower() if fmt.lower() in ("webp", "jpeg") and not alpha_asked else "webp"
        if fmt == "jpeg" or channel == "rgb":
            img = img.convert("RGB")
        level = min(100, max(1, int(quality))) if quality.isdigit() else 90
        return encode(img, fmt, quality=level), f"image/{fmt}"
    if channel == "rgb":
        return encode(img.convert("RGB"), "PNG"), "image/png"
    alpha = img.convert("RGBA").getchannel("A") if img.has_transparency_data \
        else Image.new("L", img.size, 255)
    only_alpha = Image.new("RGBA", img.size)
    only_alpha.putalpha(alpha)
    return encode(only_alpha, "PNG"), "image/png"


def apply_mask(original: Path, mask_data: bytes, max_pixels: int) -> bytes:
    """The original image with the mask upload's alpha channel, as PNG bytes that
    keep the original's text chunks (blocking)."""
    mask = checked_image(mask_data, max_pixels)
    try:
        with original.open("rb") as stream:
            img = open_image(stream, max_pixels=max_pixels)
    except MediaError as exc:
        fail(400, f"the original image cannot be opened: {exc}")
    if img.size != mask.size:
        fail(400, f"the mask is {mask.width}x{mask.height} but the original is {img.width}x{img.height}")
    info = PngInfo()
    for key, value in getattr(img, "text", {}).items():
        info.add_text(key, value)
    result = img.convert("RGBA")
    result.putalpha(mask.convert("RGBA").getchannel("A"))
    buffer = io.BytesIO()
    result.save(buffer, "PNG", pnginfo=info, compress_level=4)
    return buffer.getvalue()
