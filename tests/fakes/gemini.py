"""A fake of the native Gemini API (spec §3.6): ``POST /v1beta/models/{model}:
generateContent`` with the key in ``x-goog-api-key`` or ``?key=``, request checks
answered in google.rpc form (bad key → 400 API_KEY_INVALID, malformed parts, unknown
aspect ratios, imageSize on models without it, requests over 20 MB), image answers
as camelCase ``inlineData`` or (switch) snake_case, images inside the text instead
(switch), blocked prompts, moderation finish reasons, and helpers for 429 bodies
with RetryInfo and QuotaFailure. Vision answers describe what they received so
tests can check the frames that were sent."""
from __future__ import annotations

import base64
import binascii
import io
import json
from typing import Any

from aiohttp import web
from PIL import Image

from tests.fakes.base import FakeServer, png_bytes
from tests.fakes.gemini_interactions import OMNI_MODEL, Interactions

GOOD_KEY = "AIza-fake-good-key"
#: Nano Banana 2.1 (October 2026): 1K/2K/4K, Nano Banana 2's 14 aspect ratios, thinking
#: levels MINIMAL/MEDIUM/HIGH (relays that forward Google's API verbatim document these).
NANO_BANANA_21 = "gemini-nano-banana-2.1"
IMAGE_MODELS = {"gemini-2.5-flash-image", "gemini-2.5-flash-image-preview", "gemini-3-pro-image-preview",
                "gemini-3.1-flash-image-preview", "gemini-3.1-flash-lite-image", NANO_BANANA_21,
                "gemini-2.0-flash-preview-image-generation"}
TEXT_MODELS = {"gemini-2.5-flash", "gemini-2.5-flash-lite", "gemini-2.5-pro", "gemini-3.1-pro-preview",
               "gemini-3.1-flash-lite-preview", "gemini-3.5-flash"}
#: Models that take thinkingConfig.thinkingLevel.
THINKING_MODELS = {"gemini-3.1-flash-image-preview", "gemini-3.1-flash-lite-image", "gemini-3.1-pro-preview",
                   "gemini-3.1-flash-lite-preview", "gemini-3.5-flash", NANO_BANANA_21}
RATIOS = {"1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9"}
RATIOS_31 = {"1:4", "4:1", "1:8", "8:1"}
MIME_TYPES = {"image/png", "image/jpeg", "image/webp", "image/heic", "image/heif", "application/pdf", "text/plain",
              "audio/wav", "audio/mp3", "audio/aac", "audio/flac", "audio/ogg", "video/mp4"}
LIMIT_BYTES = 20 * 1024 * 1024
RPC = "type.googleapis.com/google.rpc."


def rpc_error(code: int, status: str, message: str, details: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "status": status, "details": details or []}}


def rate_limited(retry_delay: str | None = "0.02s", *, per_day: bool = False) -> dict[str, Any]:
    """A 429 body: QuotaFailure (per-minute or per-day) plus, optionally, RetryInfo."""
    quota = ("GenerateRequestsPerDayPerProjectPerModel-FreeTier" if per_day
             else "GenerateRequestsPerMinutePerProjectPerModel-FreeTier")
    details: list[dict[str, Any]] = [
        {"@type": RPC + "QuotaFailure", "violations": [{"quotaMetric": "generate_requests", "quotaId": quota}]}]
    if retry_delay is not None:
        details.append({"@type": RPC + "RetryInfo", "retryDelay": retry_delay})
    return rpc_error(429, "RESOURCE_EXHAUSTED", "You exceeded your current quota.", details)


class GeminiFake(FakeServer):
    def __init__(self, *, key: str = GOOD_KEY) -> None:
        super().__init__()
        self.key = key
        #: Answer with snake_case ``inline_data``/``mime_type`` (some relays do).
        self.snake_case = False
        #: "data" or "markdown": put the image in the text instead of an inline part.
        self.image_in_text: str | None = None
        #: Set to a blockReason to refuse every prompt (no candidates).
        self.block_reason: str | None = None
        #: Set to e.g. "IMAGE_SAFETY" to end candidates without content.
        self.finish_reason: str | None = None
        #: RGB colour of generated images.
        self.colour = (30, 160, 90)
        #: Side of a generated 1:1 "1K" image in pixels (tiny by default: fast tests;
        #: raise it when the result feeds a node with a minimum size, such as Kling's 300 px).
        self.base_px = 32
        #: Also answer with a thinking image (a part marked ``thought``) in this colour.
        self.thought_colour: tuple[int, int, int] | None = None
        self.bodies: list[dict[str, Any]] = []
        self.app.router.add_post("/v1beta/models/{call}", self._call)
        #: Gemini Omni Flash's Interactions API (tests/fakes/gemini_interactions.py).
        self.interactions = Interactions(self)

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1beta"

    # --- the endpoint -----------------------------------------------------------------------
    async def _call(self, request: web.Request) -> web.Response:
        model, _, method = request.match_info["call"].partition(":")
        if method != "generateContent":
            return _json(rpc_error(404, "NOT_FOUND", f"Method {method} not found"), 404)
        refused = self._auth(request)
        if refused is not None:
            return refused
        raw = await request.read()
        if len(raw) > LIMIT_BYTES:
            return _json(rpc_error(400, "INVALID_ARGUMENT",
                                   f"Request payload size exceeds the limit: {LIMIT_BYTES} bytes."), 400)
        try:
            body = json.loads(raw)
        except ValueError:
            return _json(rpc_error(400, "INVALID_ARGUMENT", "Invalid JSON payload received."), 400)
        self.bodies.append(body)
        problem = self._check(model, body)
        if problem:
            return _json(rpc_error(400, "INVALID_ARGUMENT", problem), 400)
        if self.block_reason:
            return _json({"promptFeedback": {"blockReason": self.block_reason}, "modelVersion": model})
        if self.finish_reason:
            return _json({"candidates": [{"finishReason": self.finish_reason, "index": 0}], "modelVersion": model})
        return _json(self._answer(model, body))

    def _auth(self, request: web.Request) -> web.Response | None:
        key = request.headers.get("x-goog-api-key") or request.query.get("key")
        if not key:
            return _json(rpc_error(403, "PERMISSION_DENIED",
                                   "Method doesn't allow unregistered callers. Please use API Key."), 403)
        if key != self.key:
            return _json(rpc_error(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", [
                {"@type": RPC + "ErrorInfo", "reason": "API_KEY_INVALID", "domain": "googleapis.com",
                 "metadata": {"service": "generativelanguage.googleapis.com"}}]), 400)
        return None

    # --- request checks ---------------------------------------------------------------------
    def _check(self, model: str, body: Any) -> str | None:
        if model == OMNI_MODEL:
            return "This model only supports Interactions API."
        if model not in IMAGE_MODELS | TEXT_MODELS:
            return f"models/{model} is not found for API version v1beta"
        contents = body.get("contents") if isinstance(body, dict) else None
        if not isinstance(contents, list) or not contents:
            return "* GenerateContentRequest.contents: contents is not specified"
        for content in contents:
            for part in content.get("parts") or []:
                problem = _check_part(part)
                if problem:
                    return problem
        config = _get(body, "generationConfig", "generation_config") or {}
        return self._check_config(model, config)

    def _check_config(self, model: str, config: dict[str, Any]) -> str | None:
        modalities = _get(config, "responseModalities", "response_modalities") or ["TEXT"]
        if model in IMAGE_MODELS and "IMAGE" not in modalities:
            return "image models need responseModalities to include IMAGE"
        if model in TEXT_MODELS and "IMAGE" in modalities:
            return f"Model {model} does not support the requested response modalities: image"
        if model.startswith("gemini-2.0") and "TEXT" not in modalities:
            return "Model does not support the requested response modalities: image"
        image = _get(config, "imageConfig", "image_config") or {}
        ratio = _get(image, "aspectRatio", "aspect_ratio")
        allowed = RATIOS | (RATIOS_31 if model.startswith("gemini-3.1") or model == NANO_BANANA_21 else set())
        if ratio is not None and ratio not in allowed:
            return f"Invalid aspect ratio: {ratio}"
        size = _get(image, "imageSize", "image_size")
        sizes = ("1K",) if model == "gemini-3.1-flash-lite-image" else ("1K", "2K", "4K")  # Lite: 1K only
        if size is not None and (not model.startswith(("gemini-3", NANO_BANANA_21)) or size not in sizes):
            return f"imageSize {size} is not supported for {model}"
        thinking = _get(config, "thinkingConfig", "thinking_config")
        levels = ("MINIMAL", "MEDIUM", "HIGH") if model == NANO_BANANA_21 else ("MINIMAL", "LOW", "MEDIUM", "HIGH")
        if thinking is not None and (model not in THINKING_MODELS or thinking.get("thinkingLevel") not in levels):
            return f"thinkingConfig {thinking} is not supported for {model}"
        return None

    # --- answers ----------------------------------------------------------------------------
    def _answer(self, model: str, body: dict[str, Any]) -> dict[str, Any]:
        if model in TEXT_MODELS:
            parts = [{"text": self._describe(body)}]
        else:
            parts = self._image_parts(body)
        return {"candidates": [{"content": {"role": "model", "parts": parts}, "finishReason": "STOP", "index": 0}],
                "usageMetadata": {"promptTokenCount": 17, "candidatesTokenCount": 1290, "totalTokenCount": 1307},
                "modelVersion": model, "responseId": f"resp-{len(self.bodies)}"}

    def _image_parts(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        config = _get(body, "generationConfig", "generation_config") or {}
        image = _get(config, "imageConfig", "image_config") or {}
        png = png_bytes(*_size(_get(image, "aspectRatio", "aspect_ratio"), _get(image, "imageSize", "image_size"),
                               self.base_px), rgb=self.colour)
        data = base64.b64encode(png).decode("ascii")
        if self.image_in_text == "data":
            return [{"text": f"Here you go: ![image](data:image/png;base64,{data})"}]
        if self.image_in_text == "markdown":
            return [{"text": f"Here you go: ![result]({self.add_file('gemini-result.png', png, 'image/png')})"}]
        key, mime = ("inline_data", "mime_type") if self.snake_case else ("inlineData", "mimeType")
        parts: list[dict[str, Any]] = [{"text": "Here is your image."}, {key: {mime: "image/png", "data": data}}]
        if self.thought_colour is not None:
            draft = base64.b64encode(png_bytes(16, 16, rgb=self.thought_colour)).decode("ascii")
            parts.insert(0, {key: {mime: "image/png", "data": draft}, "thought": True})
        return parts

    def _describe(self, body: dict[str, Any]) -> str:
        sizes, others = [], []
        for content in body["contents"]:
            for part in content.get("parts") or []:
                inline = _get(part, "inlineData", "inline_data")
                if inline and _get(inline, "mimeType", "mime_type").startswith("image/"):
                    img = Image.open(io.BytesIO(base64.b64decode(inline["data"])))
                    sizes.append(f"{img.width}x{img.height}")
                elif inline:
                    others.append(f"{_get(inline, 'mimeType', 'mime_type')} "
                                  f"({len(base64.b64decode(inline['data']))} bytes)")
        system = _get(body, "systemInstruction", "system_instruction")
        said = " ".join(p.get("text", "") for p in (system or {}).get("parts") or [])
        files = f" Files: {', '.join(others)}." if others else ""
        return (f"I see {len(sizes)} image(s): {', '.join(sizes) or 'none'}." + files
                + (f" System: {said}" if said else ""))


def _check_part(part: dict[str, Any]) -> str | None:
    inline = _get(part, "inlineData", "inline_data")
    if inline is None:
        return None if isinstance(part.get("text"), str) else "part has neither text nor inline data"
    mime = _get(inline, "mimeType", "mime_type")
    if mime not in MIME_TYPES:
        return f"Unsupported MIME type: {mime}"
    data = inline.get("data") or ""
    if data.startswith("data:"):
        return "Invalid value at 'contents[0].parts[1].inline_data.data' (TYPE_BYTES), Base64 decoding failed"
    try:
        base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        return "Base64 decoding failed for inline_data.data"
    return None


def _size(ratio: str | None, image_size: str | None, base_px: int = 32) -> tuple[int, int]:
    """Small images whose shape follows the requested ratio and size (1K → ``base_px``)."""
    base = base_px * {"1K": 1, "2K": 2, "4K": 4}.get(image_size or "1K", 1)
    w, h = (int(x) for x in (ratio or "1:1").split(":"))
    scale = (base * base / (w * h)) ** 0.5
    return max(1, round(w * scale)), max(1, round(h * scale))


def _get(doc: Any, camel: str, snake: str) -> Any:
    if not isinstance(doc, dict):
        return None
    return doc.get(camel) if camel in doc else doc.get(snake)


def _json(body: Any, status: int = 200) -> web.Response:
    return web.json_response(body, status=status)
