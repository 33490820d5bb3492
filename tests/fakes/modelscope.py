"""ModelScopeFake: ModelScope API-Inference as specs/providers.md §7 describes it, on
a loopback port under ``/v1``. It checks the bearer token, requires
``X-ModelScope-Async-Mode: true`` on image submission and
``X-ModelScope-Task-Type: image_generation`` on task queries, validates the image
request (model, prompt length, size range per family, seed/steps/guidance, data-URL
images for edit models), walks tasks PENDING → RUNNING → SUCCEED/FAILED over successive
polls, serves the result PNGs, answers OpenAI-style chat, and puts the four
``modelscope-ratelimit-*`` headers on every answer (scripted failures included),
counting down. Errors use both of ModelScope's bodies: ``{"error": {...}}`` (429 with
``type: rate_limit_error``) and ``{"errors": {...}}`` (unknown models and bad input)."""
from __future__ import annotations

import base64
import io
import itertools
import json
import re
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from PIL import Image

from .base import FakeServer, png_bytes

TOKEN = "ms-test-token"
IMAGE_MODELS = {"Qwen/Qwen-Image", "Qwen/Qwen-Image-Edit-2511", "Tongyi-MAI/Z-Image-Turbo",
                "black-forest-labs/FLUX.1-Krea-dev", "MAILAND/majicflus_v1"}
CHAT_MODELS = {"Qwen/Qwen2.5-VL-72B-Instruct", "Qwen/Qwen3-235B-A22B-Instruct-2507",
               "Qwen/Qwen3-Coder-480B-A35B-Instruct", "deepseek-ai/DeepSeek-V3.1"}
_SIZE = re.compile(r"^(\d+)x(\d+)$")
_DATA_URL = re.compile(r"^data:image/(png|jpeg|webp);base64,(.+)$", re.S)


@dataclass
class Task:
    id: str
    model: str
    size: tuple[int, int]
    outcome: str
    polls: int = 0
    status: str = "PENDING"


def errors_body(status: int, message: str) -> web.Response:
    """The ``errors`` shape (unknown model, bad parameters, bad token)."""
    return web.json_response({"errors": {"message": message, "request_id": "req-fake"}}, status=status)


def rate_limit_body() -> dict[str, Any]:
    """The 429 body seen from the real service (§7.3)."""
    return {"error": {"code": "too_many_requests", "message": "AppId:**wP34 达到使用量上限",
                      "type": "rate_limit_error"}, "request_id": "req-fake"}


class ModelScopeFake(FakeServer):
    def __init__(self, token: str = TOKEN, daily_limit: int = 2000, model_limit: int = 500) -> None:
        super().__init__()
        self.token = token
        self.limits = (daily_limit, model_limit)
        self.remaining = daily_limit
        self.model_remaining = model_limit
        #: "succeed", "fail" or "hold" (stays RUNNING, for cancellation).
        self.outcome = "succeed"
        #: Where a failed task puts its reason: "errors", "message" or "error_msg".
        self.failure_field = "errors"
        self.failure_message = "图片生成失败: the model could not render this prompt"
        #: "output_images" (the documented shape) or "output.images" (seen in one client).
        self.result_shape = "output_images"
        self.polls_to_finish = 2
        self.tasks: dict[str, Task] = {}
        self._ids = itertools.count(1)
        self.app.middlewares.insert(0, self._ratelimit_headers)
        router = self.app.router
        router.add_post("/v1/chat/completions", self._chat)
        router.add_post("/v1/images/generations", self._generate)
        router.add_get("/v1/tasks/{task_id}", self._task)

    def authorised(self, request: web.Request) -> bool:
        return request.headers.get("Authorization") == f"Bearer {self.token}"

    def polls(self) -> int:
        return sum(1 for r in self.seen("/v1/tasks/") if r.method == "GET")

    @web.middleware
    async def _ratelimit_headers(self, request: web.Request, handler: Any) -> web.StreamResponse:
        response = await handler(request)
        if request.path.startswith("/v1/"):
            self.remaining = max(0, self.remaining - 1)
            self.model_remaining = max(0, self.model_remaining - 1)
        response.headers.update({
            "modelscope-ratelimit-requests-limit": str(self.limits[0]),
            "modelscope-ratelimit-requests-remaining": str(self.remaining),
            "modelscope-ratelimit-model-requests-limit": str(self.limits[1]),
            "modelscope-ratelimit-model-requests-remaining": str(self.model_remaining)})
        return response

    # --- chat ---------------------------------------------------------------------------
    async def _chat(self, request: web.Request) -> web.Response:
        if not self.authorised(request):
            return web.json_response({"error": {"code": "invalid_api_key", "message": "Authentication failed",
                                                "type": "authentication_error"}, "request_id": "req-fake"},
                                     status=401)
        body = json.loads(await request.read())
        if body.get("model") not in CHAT_MODELS:
            return errors_body(400, f"Model id : {body.get('model')} , has no provider supported")
        texts, sizes = [], []
        for message in body.get("messages") or []:
            content = message.get("content")
            for part in [{"type": "text", "text": content}] if isinstance(content, str) else content or []:
                if part.get("type") == "text":
                    texts.append(part["text"])
                elif part.get("type") == "image_url":
                    size = _image_size(part["image_url"]["url"])
                    if size is None:
                        return errors_body(400, "invalid image_url")
                    sizes.append(size)
        content = f"{body['model']} saw {len(sizes)} image(s): {texts[-1] if texts else ''}"
        return web.json_response({
            "id": f"chatcmpl-{next(self._ids)}", "object": "chat.completion", "created": 1721044114,
            "model": body["model"], "usage": {"prompt_tokens": 9, "completion_tokens": 9, "total_tokens": 18},
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}]})

    # --- images -------------------------------------------------------------------------
    async def _generate(self, request: web.Request) -> web.Response:
        if not self.authorised(request):
            return errors_body(401, "Authentication failed: invalid token")
        if request.headers.get("X-ModelScope-Async-Mode") != "true":
            return errors_body(400, "This model only supports asynchronous calls: set X-ModelScope-Async-Mode")
        try:
            body = json.loads((await request.read()).decode("utf-8"))
        except ValueError:
            return errors_body(400, "request body is not UTF-8 JSON")
        if not isinstance(body, dict) or body.get("model") not in IMAGE_MODELS:
            return errors_body(400, f"Model id : {body.get('model') if isinstance(body, dict) else None} , "
                                    "has no provider supported")
        problem = _check_image_request(body)
        if problem is not None:
            return errors_body(400, problem)
        match = _SIZE.match(body.get("size") or "1024x1024")
        task = Task(f"ms-task-{next(self._ids)}", body["model"], (int(match.group(1)), int(match.group(2))),
                    self.outcome)
        self.tasks[task.id] = task
        return web.json_response({"task_id": task.id, "request_id": "req-fake"})

    async def _task(self, request: web.Request) -> web.Response:
        if not self.authorised(request):
            return errors_body(401, "Authentication failed: invalid token")
        if request.headers.get("X-ModelScope-Task-Type") != "image_generation":
            return errors_body(400, "X-ModelScope-Task-Type is required")
        task = self.tasks.get(request.match_info["task_id"])
        if task is None:
            return errors_body(404, "task not found")
        task.polls += 1
        if task.outcome == "hold" or task.polls <= self.polls_to_finish:
            task.status = "PENDING" if task.polls <= 1 else "RUNNING"
            return web.json_response({"task_status": task.status, "request_id": "req-fake"})
        if task.outcome == "fail":
            reason: Any = {"message": self.failure_message} if self.failure_field == "errors" else self.failure_message
            return web.json_response({"task_status": "FAILED", self.failure_field: reason, "request_id": "req-fake"})
        url = self.add_file(f"{task.id}.png", png_bytes(*task.size, rgb=(30, 160, 90)), "image/png")
        result = ({"output_images": [url]} if self.result_shape == "output_images"
                  else {"output": {"images": [{"url": url}]}})
        return web.json_response({"task_status": "SUCCEED", "request_id": "req-fake", **result})


def _check_image_request(body: dict[str, Any]) -> str | None:
    prompt = body.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip() or len(prompt) >= 2000:
        return "prompt is required and must be shorter than 2000 characters"
    if len(body.get("negative_prompt") or "") >= 2000:
        return "negative_prompt must be shorter than 2000 characters"
    size = body.get("size")
    if size is not None:
        match = _SIZE.match(size)
        top = 1664 if "Qwen-Image" in body["model"] else 1024 if "FLUX" in body["model"] else 2048
        if match is None or not all(64 <= int(v) <= top for v in match.groups()):
            return f"size {size!r} is out of range [64x64, {top}x{top}]"
    if "seed" in body and not 0 <= body["seed"] <= 2**31 - 1:
        return "seed out of range"
    if "steps" in body and not 1 <= body["steps"] <= 100:
        return "steps out of range [1, 100]"
    if "guidance" in body and not 1.5 <= body["guidance"] <= 20:
        return "guidance out of range [1.5, 20]"
    images = body.get("image_url")
    if "Edit" in body["model"] and not images:
        return "image_url is required for edit models"
    if images is not None and (not isinstance(images, list) or any(_image_size(u) is None for u in images)):
        return "image_url must be a list of image data URLs"
    return None


def _image_size(url: Any) -> tuple[int, int] | None:
    match = _DATA_URL.match(url) if isinstance(url, str) else None
    if match is None:
        return None
    try:
        with Image.open(io.BytesIO(base64.b64decode(match.group(2)))) as img:
            return img.size
    except Exception:  # noqa: BLE001 - any undecodable payload is the client's fault
        return None
