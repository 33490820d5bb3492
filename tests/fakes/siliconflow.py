"""A SiliconFlow fake (specs/providers.md §6.6): the OpenAI-shaped chat of the
OpenAI fake with SiliconFlow's own error bodies (``{"code", "message", "data": null}``;
429s as ``{"message": "...rate limiting...", "data": null}``; 401 as plain text, the
form clients surface), ``reasoning_content`` from R1-style models, image generation
answering ``images[].url``, and the async video API: ``POST /video/submit`` →
``requestId``, then ``POST /video/status`` walking InQueue → InProgress → Succeed
(or Failed) over successive polls.

Error codes besides 20012 (unknown model, documented) are this fake's choice: the
client does not depend on them."""
from __future__ import annotations

import time
import uuid
from typing import Any

from aiohttp import web

from tests.fakes.base import mp4_bytes, png_bytes
from tests.fakes.openai import BadRequest, OpenAIFake, _json, colour

CHAT_MODELS = {"deepseek-ai/DeepSeek-V3", "deepseek-ai/DeepSeek-R1", "Qwen/Qwen2.5-VL-72B-Instruct"}
IMAGE_MODELS = {"Kwai-Kolors/Kolors", "Qwen/Qwen-Image", "Qwen/Qwen-Image-Edit-2509",
                "black-forest-labs/FLUX.1-schnell", "stabilityai/stable-diffusion-3-5-large"}
VIDEO_MODELS = {"Wan-AI/Wan2.2-T2V-A14B", "Wan-AI/Wan2.2-I2V-A14B"}
VIDEO_SIZES = {"1280x720", "720x1280", "960x960"}
UNKNOWN_MODEL = 20012
INVALID_PARAMETER = 20015

RATE_LIMITED = {"message": "Request was rejected due to rate limiting. Details: TPM limit reached.", "data": None}
BUSY = {"code": 50505, "message": "Model service overloaded. Please try again later.", "data": None}
NO_BALANCE = {"code": 30001, "message": "Sorry, your account balance is insufficient", "data": None}


def sf_error(message: str, code: int | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "data": None} if code is not None else {"message": message, "data": None}


class SiliconFlowFake(OpenAIFake):
    def __init__(self, *, api_key: str = "sk-fake-siliconflow-0123456789") -> None:
        super().__init__(api_key=api_key, prefix="/v1", chat_models=CHAT_MODELS, image_models=IMAGE_MODELS)
        self.blocked_words = ("forbidden",)
        #: The statuses successive polls of one task answer; the last one repeats.
        self.video_steps = ["InQueue", "InQueue", "InProgress", "InProgress", "Succeed"]
        #: When set, a task's final status is Failed with this reason.
        self.video_failure: str | None = None
        self.video_seconds = 5.0
        self.tasks: dict[str, dict[str, Any]] = {}
        self.app.router.add_post("/v1/video/submit", self._video_submit)
        self.app.router.add_post("/v1/video/status", self._video_status)

    # --- SiliconFlow's envelopes ------------------------------------------------------------
    def error(self, status: int, message: str, *, code: Any = None, param: str | None = None,
              type: str = "") -> web.Response:  # noqa: A002
        if code == "model_not_found":  # SiliconFlow's documented answer (§6.5)
            return web.json_response(sf_error("Model does not exist. Please check it carefully.", UNKNOWN_MODEL),
                                     status=400)
        return web.json_response(sf_error(message, code if isinstance(code, int) else INVALID_PARAMETER),
                                 status=status)

    def auth_failure(self, given: str) -> web.Response:
        return web.Response(status=401, text="Invalid token")

    def check_chat(self, body: dict[str, Any]) -> tuple[str, int]:
        prompt, images = super().check_chat(body)
        self.reasoning = "Let me think step by step." if "R1" in body["model"] else None
        return prompt, images

    # --- images -----------------------------------------------------------------------------
    async def _images(self, request: web.Request) -> web.Response:
        refused = self.check_auth(request)
        if refused is not None:
            return refused
        try:
            body = await _json(request)
            width, height, count = self._check_image_request(body)
        except BadRequest as exc:
            return self.error(exc.status, str(exc), code=exc.code)
        if any(w in body["prompt"].lower() for w in self.blocked_words):
            return self.error(400, "The prompt contains sensitive content and was rejected.")
        urls = [{"url": self.add_file(f"sf-{uuid.uuid4().hex[:10]}.png",
                                      png_bytes(width // 16, height // 16, colour(i)), "image/png")}
                for i in range(count)]
        return web.json_response({"images": urls, "timings": {"inference": 1.25}, "seed": body.get("seed", 0)},
                                 headers={"x-siliconcloud-trace-id": uuid.uuid4().hex})

    def _check_image_request(self, body: dict[str, Any]) -> tuple[int, int, int]:
        if body.get("model") not in IMAGE_MODELS:
            raise BadRequest("Model does not exist. Please check it carefully.", code="model_not_found")
        if not isinstance(body.get("prompt"), str) or not body["prompt"].strip():
            raise BadRequest("prompt is required")
        size = str(body.get("image_size", "1024x1024"))
        parts = size.split("x")
        if len(parts) != 2 or not all(p.isdigit() for p in parts):
            raise BadRequest(f"image_size {size!r} is invalid")
        for name, low, high in (("batch_size", 1, 4), ("num_inference_steps", 1, 100), ("guidance_scale", 0, 20)):
            value = body.get(name, low)
            if not isinstance(value, (int, float)) or not low <= value <= high:
                raise BadRequest(f"{name} must be between {low} and {high}")
        if "Edit" in body["model"] and not body.get("image"):
            raise BadRequest("image is required for this model")
        if body.get("image") is not None:
            _check_image_ref(body["image"])
        return int(parts[0]), int(parts[1]), int(body.get("batch_size", 1))

    # --- video ------------------------------------------------------------------------------
    async def _video_submit(self, request: web.Request) -> web.Response:
        refused = self.check_auth(request)
        if refused is not None:
            return refused
        try:
            body = await _json(request)
            self._check_video_request(body)
        except BadRequest as exc:
            return self.error(exc.status, str(exc), code=exc.code)
        if any(w in body["prompt"].lower() for w in self.blocked_words):
            return self.error(400, "The prompt contains sensitive content and was rejected.")
        request_id = uuid.uuid4().hex
        width, height = map(int, body["image_size"].split("x"))
        self.tasks[request_id] = {"polls": 0, "size": (width // 4, height // 4), "created": time.time()}
        return web.json_response({"requestId": request_id})

    def _check_video_request(self, body: dict[str, Any]) -> None:
        if body.get("model") not in VIDEO_MODELS:
            raise BadRequest("Model does not exist. Please check it carefully.", code="model_not_found")
        if not isinstance(body.get("prompt"), str) or not body["prompt"].strip():
            raise BadRequest("prompt is required")
        if body.get("image_size") not in VIDEO_SIZES:
            raise BadRequest(f"image_size must be one of {sorted(VIDEO_SIZES)}")
        if "I2V" in body["model"] and not body.get("image"):
            raise BadRequest("image is required for image-to-video models")
        if body.get("image") is not None:
            _check_image_ref(body["image"])

    async def _video_status(self, request: web.Request) -> web.Response:
        refused = self.check_auth(request)
        if refused is not None:
            return refused
        try:
            body = await _json(request)
        except BadRequest as exc:
            return self.error(400, str(exc))
        task = self.tasks.get(str(body.get("requestId")))
        if task is None:
            return self.error(400, "requestId is invalid")
        index = min(task["polls"], len(self.video_steps) - 1)
        task["polls"] += 1
        status = self.video_steps[index]
        if status == "Succeed" and self.video_failure is not None:
            return web.json_response({"status": "Failed", "reason": self.video_failure, "results": None})
        answer: dict[str, Any] = {"status": status, "reason": "", "results": None}
        if status == "InQueue":
            answer["position"] = self.video_steps[index:].count("InQueue")
        if status == "Succeed":
            width, height = task["size"]
            url = self.add_file(f"{body['requestId']}.mp4", mp4_bytes(width, height, 16, self.video_seconds),
                                "video/mp4")
            answer["results"] = {"videos": [{"url": url}], "timings": {"inference": 120}, "seed": 42}
        return web.json_response(answer)

    def polls(self) -> int:
        return len(self.seen("/v1/video/status"))


def _check_image_ref(value: Any) -> None:
    if not isinstance(value, str) or not (value.startswith(("http://", "https://"))
                                          or (value.startswith("data:image/") and ";base64," in value)):
        raise BadRequest("image must be a URL or a base64 data URL")
