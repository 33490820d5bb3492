"""Gemini's Interactions API as the Gemini fake serves it, for Gemini Omni Flash
(``gemini-omni-flash-preview``), which answers only there (its ``generateContent``
answers 400 "This model only supports Interactions API."). ``POST /v1beta/interactions``
checks the key, the model, the input parts (text, inline image/video/audio with a
MIME type and valid base64; videos must be MP4 of at most 10 s; at most 14 images and
3 videos), the generation config and the ~100 MiB request limit; with
``background: true`` it answers ``in_progress`` and ``GET /v1beta/interactions/{id}``
walks it to ``completed`` (or ``failed``). The result is a ``model_output`` step
holding a real 720p MP4 (inline base64, or a URI when ``as_uri``) of the length and
orientation the prompt asks for ("a 4-second clip in 9:16"), and a text part."""
from __future__ import annotations

import base64
import binascii
import itertools
import json
import re
from typing import Any

from aiohttp import web

from tests.fakes.base import mp4_bytes

OMNI_MODEL = "gemini-omni-flash-preview"
LIMIT_BYTES = 100 * 1024 * 1024
MEDIA_TYPES = {"image": ("image/png", "image/jpeg", "image/webp"), "video": ("video/mp4",),
               "audio": ("audio/wav", "audio/mp3", "audio/mpeg"), "document": ("application/pdf",)}


def _error(code: int, status: str, message: str) -> web.Response:
    return web.json_response({"error": {"code": code, "message": message, "status": status}}, status=code)


class Interactions:
    """The Interactions routes on a GeminiFake (``fake.interactions``)."""

    def __init__(self, fake: Any) -> None:
        self.fake = fake
        self.items: dict[str, dict[str, Any]] = {}
        self.bodies: list[dict[str, Any]] = []
        #: GETs that still answer in_progress before the interaction completes.
        self.steps = 2
        #: Keep every interaction in_progress (cancel tests).
        self.hold = False
        #: End interactions "failed" with this model text instead of a video.
        self.fail_text: str | None = None
        #: Deliver the video as a URI on the fake instead of inline base64.
        self.as_uri = False
        self._ids = itertools.count(1)
        fake.app.router.add_post("/v1beta/interactions", self._create)
        fake.app.router.add_get("/v1beta/interactions/{id}", self._get)

    async def _create(self, request: web.Request) -> web.Response:
        refused = self.fake._auth(request)
        if refused is not None:
            return refused
        raw = await request.read()
        if len(raw) > LIMIT_BYTES:
            return _error(400, "INVALID_ARGUMENT", f"Request payload size exceeds the limit: {LIMIT_BYTES} bytes.")
        try:
            body = json.loads(raw)
        except ValueError:
            return _error(400, "INVALID_ARGUMENT", "Invalid JSON payload received.")
        self.bodies.append(body)
        if body.get("model") != OMNI_MODEL:
            return _error(404, "NOT_FOUND", f"models/{body.get('model')} is not found for the Interactions API")
        problem = _check_input(body.get("input")) or _check_config(body.get("generation_config") or {})
        if problem:
            return _error(400, "INVALID_ARGUMENT", problem)
        item = {"id": f"v1_fake{next(self._ids):04d}", "object": "interaction", "model": OMNI_MODEL,
                "status": "in_progress", "polls": 0, "prompt": _prompt(body["input"])}
        self.items[item["id"]] = item
        if not body.get("background"):
            self._finish(item)
        return web.json_response(self._public(item))

    async def _get(self, request: web.Request) -> web.Response:
        refused = self.fake._auth(request)
        if refused is not None:
            return refused
        item = self.items.get(request.match_info["id"])
        if item is None:
            return _error(404, "NOT_FOUND", "Interaction not found")
        item["polls"] += 1
        if not self.hold and item["status"] == "in_progress" and item["polls"] > self.steps:
            self._finish(item)
        return web.json_response(self._public(item))

    def _finish(self, item: dict[str, Any]) -> None:
        if self.fail_text is not None:
            item.update(status="failed", output=[{"type": "text", "text": self.fail_text}])
            return
        prompt = item["prompt"]
        seconds = min(10, max(3, int(m.group(1)))) if (m := re.search(r"(\d+)[- ]?(?:s\b|sec|second)", prompt)) \
            else 8
        size = (720, 1280) if "9:16" in prompt else (1280, 720)
        data = mp4_bytes(*size, 24, float(seconds))
        video: dict[str, Any] = {"type": "video", "mime_type": "video/mp4"}
        if self.as_uri:
            video["uri"] = self.fake.add_file(f"{item['id']}.mp4", data, "video/mp4")
        else:
            video["data"] = base64.b64encode(data).decode()
        item.update(status="completed", output=[video, {"type": "text", "text": "Here is your video."}])

    @staticmethod
    def _public(item: dict[str, Any]) -> dict[str, Any]:
        answer = {k: item[k] for k in ("id", "object", "model", "status")}
        if "output" in item:
            answer["steps"] = [{"type": "user_input", "content": [{"type": "text", "text": item["prompt"]}]},
                               {"type": "thought", "signature": "fake-signature"},
                               {"type": "model_output", "content": item["output"]}]
            answer["usage"] = {"output_tokens_by_modality": [{"modality": "video", "tokens": 5792}]}
        return answer


def _prompt(parts: Any) -> str:
    if isinstance(parts, str):
        return parts
    return " ".join(p.get("text", "") for p in parts if isinstance(p, dict) and p.get("type") == "text")


def _check_input(parts: Any) -> str | None:
    if isinstance(parts, str):
        return None if parts.strip() else "input must not be empty"
    if not isinstance(parts, list) or not parts:
        return "input must be a string or a list of content parts"
    counts = {"image": 0, "video": 0}
    for index, part in enumerate(parts):
        kind = part.get("type") if isinstance(part, dict) else None
        if kind == "text":
            continue
        if kind not in MEDIA_TYPES:
            return f"input[{index}].type {kind!r} is not supported"
        if part.get("mime_type") not in MEDIA_TYPES[kind]:
            return f"input[{index}].mime_type {part.get('mime_type')!r} is not supported for {kind}"
        if "uri" in part:
            continue
        try:
            data = base64.b64decode(part.get("data") or "", validate=True)
        except (binascii.Error, ValueError):
            return f"input[{index}].data is not valid base64"
        if kind == "video":
            from tests.fakes.kling import _probe_video  # one MP4 prober for the fakes
            facts = _probe_video(data)
            if isinstance(facts, str) or facts[2] > 10.05:
                return f"input[{index}]: videos must be MP4 of at most 10 seconds"
        counts[kind] = counts.get(kind, 0) + 1
    if counts["image"] > 14 or counts["video"] > 3:
        return "at most 14 images and 3 videos"
    if not _prompt(parts).strip():
        return "a text part is required"
    return None


def _check_config(config: dict[str, Any]) -> str | None:
    temperature, top_p = config.get("temperature", 1.0), config.get("top_p", 0.95)
    if not 0 <= temperature <= 2 or not 0 <= top_p <= 1:
        return "generation_config: temperature must be within [0, 2] and top_p within [0, 1]"
    return None
