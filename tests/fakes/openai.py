"""An OpenAI-shaped fake (specs/providers.md §1, §9.4, §10.4), usable for OhMyGPT,
CherryIN and any OpenAI-compatible relay: an exact bearer-key check, chat
completions plain and streamed (SSE events split across writes, a comment line, a
final usage chunk when ``stream_options.include_usage`` asks, ``data: [DONE]`` last),
image generation answering with URLs or base64 (gpt-image models: base64 only),
request validation answered with OpenAI error bodies, and a content filter for
prompts containing a blocked word. Other scenarios (429 with and without
Retry-After, ``insufficient_quota``, OhMyGPT's 402, 5xx, slow or malformed answers)
are scripted with ``fail_next`` and the bodies below.

Generated images are ``width/16 x height/16`` PNGs of one colour per index (see
``colour``), so tests can check real pixels without megabytes of data. Subclasses
(the SiliconFlow fake) override ``error`` and ``auth_failure`` for their envelopes.
"""
from __future__ import annotations

import asyncio
import base64
import io
import json
import time
import uuid
from typing import Any

from aiohttp import web
from PIL import Image

from tests.fakes.base import FakeServer, png_bytes


def openai_error(message: str, *, type: str = "invalid_request_error", code: str | None = None,  # noqa: A002
                 param: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": type, "param": param, "code": code}}


RATE_LIMITED = openai_error("Rate limit reached for requests per min (RPM): Limit 3, Used 3, Requested 1.",
                            type="requests", code="rate_limit_exceeded")
INSUFFICIENT_QUOTA = openai_error("You exceeded your current quota, please check your plan and billing details.",
                                  type="insufficient_quota", code="insufficient_quota")
OVERLOADED = openai_error("The server is overloaded or not ready yet.", type="server_error",
                          code="server_is_overloaded")
#: OhMyGPT's own envelope (§9.3).
OHMYGPT_BALANCE = {"statusCode": 402, "message": "User balance is insufficient, please recharge.",
                   "errorType": "insufficient_balance_error", "data": None}
IMAGE_SIZES = {"256x256", "512x512", "1024x1024", "1792x1024", "1024x1792", "1536x1024", "1024x1536", "auto",
               "2048x2048", "2048x1152", "1152x2048", "3840x2160", "2160x3840"}
#: gpt-image models' extra fields (OpenAI's images API reference).
QUALITIES = {"low", "medium", "high", "auto", "standard", "hd"}
#: GPT Image 2.5 (Flare, Sunburst) adds two levels above high.
QUALITIES_25 = QUALITIES | {"xhigh", "max"}
BACKGROUNDS = {"auto", "opaque", "transparent"}
ROLES = {"system", "user", "assistant", "tool", "developer"}


def colour(index: int) -> tuple[int, int, int]:
    """The colour of the ``index``-th generated image."""
    return (200, (40 + 50 * index) % 256, 40)


class BadRequest(Exception):
    def __init__(self, message: str, param: str | None = None, status: int = 400, code: str | None = None):
        super().__init__(message)
        self.param, self.status, self.code = param, status, code


class OpenAIFake(FakeServer):
    def __init__(self, *, api_key: str = "sk-fake-openai-0123456789", prefix: str = "/v1",
                 chat_models: set[str] | None = None, image_models: set[str] | None = None) -> None:
        super().__init__()
        self.api_key = api_key
        self.prefix = prefix
        #: None accepts any model id.
        self.chat_models = chat_models
        self.image_models = image_models
        #: A fixed answer; None echoes the last user text and counts its images.
        self.reply: str | None = None
        #: ``reasoning_content`` to add to answers (DeepSeek-style relays).
        self.reasoning: str | None = None
        self.stream_delay_s = 0.0
        #: Send an SSE error event after this many content chunks.
        self.stream_error_after: int | None = None
        self.blocked_words = ("forbidden",)
        self.app.router.add_post(f"{prefix}/chat/completions", self._chat)
        self.app.router.add_post(f"{prefix}/images/generations", self._images)
        self.app.router.add_post(f"{prefix}/images/edits", self._edits)
        #: Each edit request: its form fields and, per file field, the (width, height) of the PNGs sent.
        self.edits: list[tuple[dict[str, str], dict[str, list[tuple[int, int]]]]] = []

    # --- envelopes subclasses change -------------------------------------------------
    def error(self, status: int, message: str, *, code: str | None = None, param: str | None = None,
              type: str = "invalid_request_error") -> web.Response:  # noqa: A002
        return web.json_response(openai_error(message, type=type, code=code, param=param), status=status)

    def auth_failure(self, given: str) -> web.Response:
        shown = f"{given[:3]}***{given[-4:]}" if len(given) > 8 else "***"
        return self.error(401, f"Incorrect API key provided: {shown}.", code="invalid_api_key")

    def check_auth(self, request: web.Request) -> web.Response | None:
        header = request.headers.get("Authorization", "")
        if header != f"Bearer {self.api_key}":
            return self.auth_failure(header.removeprefix("Bearer "))
        return None

    def rate_headers(self) -> dict[str, str]:
        return {"x-ratelimit-limit-requests": "500", "x-ratelimit-remaining-requests": "499",
                "x-ratelimit-reset-requests": "120ms"}

    # --- chat ----------------------------------------------------------------------------
    async def _chat(self, request: web.Request) -> web.StreamResponse:
        refused = self.check_auth(request)
        if refused is not None:
            return refused
        try:
            body = await _json(request)
            prompt, images = self.check_chat(body)
        except BadRequest as exc:
            return self.error(exc.status, str(exc), param=exc.param, code=exc.code)
        blocked = any(w in prompt.lower() for w in self.blocked_words)
        text = "" if blocked else (self.reply if self.reply is not None else f"echo: {prompt} (images: {images})")
        finish = "content_filter" if blocked else "stop"
        usage = {"prompt_tokens": len(prompt.split()), "completion_tokens": len(text.split()),
                 "total_tokens": len(prompt.split()) + len(text.split())}
        if body.get("stream"):
            include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
            return await self._stream(request, body["model"], text, finish, usage if include_usage else None)
        message: dict[str, Any] = {"role": "assistant", "content": text}
        if self.reasoning is not None and not blocked:
            message["reasoning_content"] = self.reasoning
        return web.json_response({
            "id": f"chatcmpl-{uuid.uuid4().hex[:12]}", "object": "chat.completion", "created": int(time.time()),
            "model": body["model"], "system_fingerprint": None, "usage": usage,
            "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish}]},
            headers=self.rate_headers())

    def check_chat(self, body: dict[str, Any]) -> tuple[str, int]:
        """Validate a chat request; returns (last user text, image count)."""
        model = body.get("model")
        if not isinstance(model, str) or not model:
            raise BadRequest("you must provide a model parameter", "model")
        if self.chat_models is not None and model not in self.chat_models:
            raise BadRequest(f"The model `{model}` does not exist or you do not have access to it.",
                             "model", status=404, code="model_not_found")
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            raise BadRequest("messages must be a non-empty array", "messages")
        temperature = body.get("temperature", 1)
        if not isinstance(temperature, (int, float)) or not 0 <= temperature <= 2:
            raise BadRequest(f"{temperature!r} is not valid for temperature (0 to 2)", "temperature")
        for name in ("max_tokens", "seed"):
            if name in body and not isinstance(body[name], int):
                raise BadRequest(f"{name} must be an integer", name)
        if "max_tokens" in body and body["max_tokens"] < 1:
            raise BadRequest("max_tokens must be at least 1", "max_tokens")
        prompt, images = "", 0
        for message in messages:
            text, count = _check_message(message)
            if message.get("role") == "user":
                prompt, images = text, count
        return prompt, images

    async def _stream(self, request: web.Request, model: str, text: str, finish: str,
                      usage: dict[str, Any] | None) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache",
                                               **self.rate_headers()})
        await response.prepare(request)
        await response.write(b": keep-alive\n\n")
        base = {"id": f"chatcmpl-{uuid.uuid4().hex[:12]}", "object": "chat.completion.chunk",
                "created": int(time.time()), "model": model}
        pieces = [w + " " for w in text.split(" ")] if text else []
        if pieces:
            pieces[-1] = pieces[-1][:-1]
        deltas: list[dict[str, Any]] = [{"role": "assistant", "content": ""}]
        if self.reasoning is not None and text:
            deltas.append({"reasoning_content": self.reasoning})
        deltas += [{"content": p} for p in pieces]
        for index, delta in enumerate(deltas):
            if self.stream_error_after is not None and index > self.stream_error_after:
                await _send(response, {"error": openai_error("upstream stream interrupted", type="server_error")["error"]})
                await response.write_eof()
                return response
            await _send(response, {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]})
            if self.stream_delay_s:
                await asyncio.sleep(self.stream_delay_s)
        await _send(response, {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": finish}]})
        if usage is not None:
            await _send(response, {**base, "choices": [], "usage": usage})
        await response.write(b"data: [DONE]\n\n")
        await response.write_eof()
        return response

    # --- images --------------------------------------------------------------------------
    async def _images(self, request: web.Request) -> web.Response:
        refused = self.check_auth(request)
        if refused is not None:
            return refused
        try:
            body = await _json(request)
            count, size = self._check_images(body)
        except BadRequest as exc:
            return self.error(exc.status, str(exc), param=exc.param, code=exc.code)
        if any(w in body["prompt"].lower() for w in self.blocked_words):
            return self.error(400, "Your request was rejected as a result of our safety system.",
                              code="content_policy_violation")
        inline = body["model"].startswith("gpt-image") or body.get("response_format") == "b64_json"
        width, height = (1024, 1024) if size == "auto" else map(int, size.split("x"))
        data = []
        for index in range(count):
            png = png_bytes(width // 16, height // 16, colour(index))
            if inline:
                data.append({"b64_json": base64.b64encode(png).decode()})
            else:
                data.append({"url": self.add_file(f"img-{uuid.uuid4().hex[:10]}.png", png, "image/png")})
        return web.json_response({"created": int(time.time()), "data": data}, headers=self.rate_headers())

    async def _edits(self, request: web.Request) -> web.Response:
        """``/images/edits``: multipart with ``image`` (one) or ``image[]`` (several) PNGs
        and an optional RGBA ``mask`` the size of the first image."""
        refused = self.check_auth(request)
        if refused is not None:
            return refused
        from tests.fakes.relay import multipart_form  # one multipart reader for the fakes
        fields, parts = multipart_form(request.headers.get("Content-Type", ""), await request.read())
        files: dict[str, list[tuple[int, int]]] = {}
        for name, data in parts:
            try:
                files.setdefault(name, []).append(Image.open(io.BytesIO(data)).size)
            except OSError:
                return self.error(400, f"Invalid image file for {name}.", param=name)
        self.edits.append((fields, files))
        images = files.get("image", []) + files.get("image[]", [])
        if not images:
            return self.error(400, "image is required", param="image")
        if "mask" in files and files["mask"][0] != images[0]:
            return self.error(400, "Invalid mask image: the mask and image must be the same size.", param="mask")
        try:
            body = {**fields, "n": int(fields.get("n", "1"))}
            count, size = self._check_images(body)
        except (BadRequest, ValueError) as exc:
            return self.error(400, str(exc), param=getattr(exc, "param", None))
        width, height = (1024, 1024) if size == "auto" else map(int, size.split("x"))
        data = [{"b64_json": base64.b64encode(png_bytes(width // 16, height // 16, colour(i))).decode()}
                for i in range(count)]
        return web.json_response({"created": int(time.time()), "data": data}, headers=self.rate_headers())

    def _check_images(self, body: dict[str, Any]) -> tuple[int, str]:
        model = body.get("model")
        if not isinstance(model, str) or not model:
            raise BadRequest("you must provide a model parameter", "model")
        if self.image_models is not None and model not in self.image_models:
            raise BadRequest(f"The model `{model}` does not exist.", "model", status=404, code="model_not_found")
        if not isinstance(body.get("prompt"), str) or not body["prompt"].strip():
            raise BadRequest("prompt must be a non-empty string", "prompt")
        count = body.get("n", 1)
        if not isinstance(count, int) or not 1 <= count <= 10:
            raise BadRequest(f"{count!r} is not valid for n (1 to 10)", "n")
        size = body.get("size", "1024x1024")
        if size not in IMAGE_SIZES:
            raise BadRequest(f"{size!r} is not one of the supported sizes", "size")
        if body.get("response_format", "url") not in ("url", "b64_json"):
            raise BadRequest("response_format must be url or b64_json", "response_format")
        qualities = QUALITIES_25 if model.startswith("gpt-image-2.5") else QUALITIES
        for name, allowed in (("quality", qualities), ("background", BACKGROUNDS)):
            if name in body and body[name] not in allowed:
                raise BadRequest(f"{body[name]!r} is not valid for {name}", name)
        return count, size


def _check_message(message: Any) -> tuple[str, int]:
    if not isinstance(message, dict) or message.get("role") not in ROLES:
        raise BadRequest("each message needs a role of system, user, assistant or tool", "messages")
    content = message.get("content")
    if isinstance(content, str):
        return content, 0
    if not isinstance(content, list):
        raise BadRequest("content must be a string or an array of parts", "messages")
    texts, images = [], 0
    for part in content:
        kind = part.get("type") if isinstance(part, dict) else None
        if kind == "text" and isinstance(part.get("text"), str):
            texts.append(part["text"])
        elif kind == "file":
            data = (part.get("file") or {}).get("file_data", "")
            if not (data.startswith("data:") and ";base64," in data and (part.get("file") or {}).get("filename")):
                raise BadRequest("file.file_data must be a base64 data URL with a filename", "messages")
            texts.append(f"[file {part['file']['filename']}]")
        elif kind == "image_url":
            url = (part.get("image_url") or {}).get("url", "")
            if not (url.startswith(("http://", "https://")) or (url.startswith("data:image/") and ";base64," in url)):
                raise BadRequest("image_url.url must be an http(s) URL or a base64 data URL", "messages")
            images += 1
        else:
            raise BadRequest(f"unknown content part {kind!r}", "messages")
    return " ".join(texts), images


async def _json(request: web.Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.read() or b"null")
    except ValueError:
        raise BadRequest("We could not parse the JSON body of your request.") from None
    if not isinstance(body, dict):
        raise BadRequest("the request body must be a JSON object")
    return body


async def _send(response: web.StreamResponse, event: dict[str, Any]) -> None:
    """One SSE event, written in two halves: a network chunk may split an event."""
    raw = f"data: {json.dumps(event)}\n\n".encode()
    half = len(raw) // 2
    await response.write(raw[:half])
    await response.write(raw[half:])
