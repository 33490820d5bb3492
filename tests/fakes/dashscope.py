"""DashScopeFake: Alibaba DashScope as specs/providers.md §5 describes it, on a
loopback port. It checks the bearer key on every API call, answers in DashScope's own
error bodies (native ``{request_id, code, message}``; OpenAI-style ``{"error": ...}``
in compatible mode), requires ``X-DashScope-Async: enable`` on image synthesis, accepts
only ``W*H`` sizes, walks tasks PENDING → RUNNING → SUCCEEDED/FAILED over successive
polls, serves the result PNGs itself (at the requested size), and offers the
compatible-mode chat endpoint. Tests steer it through ``outcome``, ``failure``,
``polls_to_finish`` and the base class's ``fail_next``/``delay_s``."""
from __future__ import annotations

import base64
import io
import itertools
import json
import re
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from PIL import Image

from .base import FakeServer, mp4_bytes, png_bytes

API_KEY = "sk-test-dashscope"
CHAT_MODELS = {"qwen-vl-max", "qwen-vl-plus", "qwen3-vl-plus", "qwen-vl-ocr"}
IMAGE_MODELS = {"wan2.5-t2i-preview", "qwen-image", "qwen-image-plus", "wan2.5-t2i-preview", "wan2.2-t2i-plus", "wan2.2-t2i-flash",
                "wanx2.1-t2i-plus", "wanx2.1-t2i-turbo", "wanx-v1"}
QWEN_IMAGE_SIZES = {"1664*928", "1472*1140", "1328*1328", "1140*1472", "928*1664"}
STYLES = {"<auto>", "<3d cartoon>", "<anime>", "<oil painting>", "<watercolor>", "<sketch>",
          "<chinese painting>", "<flat illustration>"}
#: A prompt containing this is refused by "moderation".
FORBIDDEN = "FORBIDDEN"
_SIZE = re.compile(r"^(\d+)\*(\d+)$")
_DATA_URL = re.compile(r"^data:image/(png|jpeg|webp);base64,(.+)$", re.S)


#: Video synthesis models (Wan and HappyHorse), by what they take.
VIDEO_MODELS = {"wan2.5-t2v-preview", "wan2.6-t2v", "wan2.5-i2v-preview", "wan2.6-i2v", "wan2.6-r2v", "wan2.7-t2v",
                "wan2.7-i2v", "wan2.7-r2v", "wan2.7-videoedit", "happyhorse-1.0-video-edit", "happyhorse-1.0-t2v", "happyhorse-1.1-t2v", "happyhorse-1.0-i2v",
                "happyhorse-1.1-i2v", "happyhorse-1.0-r2v", "happyhorse-1.1-r2v"}
EDIT_MODELS = {"wan2.5-i2i-preview"}
MEDIA_TYPES = {"first_frame", "last_frame", "driving_audio", "reference_image", "reference_video", "video",
               "first_clip"}


@dataclass
class Task:
    id: str
    model: str
    n: int
    size: tuple[int, int]
    outcome: str
    polls: int = 0
    status: str = "PENDING"
    results: list[dict[str, Any]] = field(default_factory=list)
    #: Seconds of video for a video task; None for an image task.
    video_s: int | None = None
    video_url: str | None = None


def native_error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"request_id": "req-fake", "code": code, "message": message}, status=status)


def openai_error(status: int, code: str, message: str, kind: str = "invalid_request_error") -> web.Response:
    return web.json_response({"error": {"message": message, "type": kind, "param": None, "code": code},
                              "request_id": "req-fake"}, status=status)


class DashScopeFake(FakeServer):
    def __init__(self, api_key: str = API_KEY) -> None:
        super().__init__()
        self.api_key = api_key
        #: How the next tasks end: "succeed", "fail", "partial" (last image refused) or
        #: "hold" (stays PENDING forever, for cancellation).
        self.outcome = "succeed"
        self.failure = ("InternalError.Algo", "The image model could not draw this prompt.")
        #: Non-terminal answers (PENDING, then RUNNING...) before the terminal one.
        self.polls_to_finish = 2
        self.tasks: dict[str, Task] = {}
        self.cancelled: list[str] = []
        self.chat_images: list[tuple[int, int]] = []
        self._ids = itertools.count(1)
        router = self.app.router
        router.add_post("/compatible-mode/v1/chat/completions", self._chat)
        router.add_post("/api/v1/services/aigc/text2image/image-synthesis", self._synthesis)
        router.add_post("/api/v1/services/aigc/image2image/image-synthesis", self._synthesis)
        router.add_post("/api/v1/services/aigc/video-generation/video-synthesis", self._synthesis)
        #: Bodies of accepted synthesis requests, in order.
        self.bodies: list[dict[str, Any]] = []
        #: Temporary storage: object key → (model it was uploaded for, bytes).
        self.uploads: dict[str, tuple[str, bytes]] = {}
        self._policies: dict[str, str] = {}
        router.add_get("/api/v1/uploads", self._upload_policy)
        router.add_post("/oss-upload", self._oss_upload)
        router.add_get("/api/v1/tasks/{task_id}", self._task)
        router.add_post("/api/v1/tasks/{task_id}/cancel", self._cancel)

    def authorised(self, request: web.Request) -> bool:
        return request.headers.get("Authorization") == f"Bearer {self.api_key}"

    def polls(self, task_id: str | None = None) -> int:
        """Task queries received (for one task, or all)."""
        return sum(1 for r in self.seen("/api/v1/tasks/")
                   if r.method == "GET" and (task_id is None or r.path.endswith("/" + task_id)))

    # --- compatible mode ----------------------------------------------------------------
    async def _chat(self, request: web.Request) -> web.Response:
        if not self.authorised(request):
            return openai_error(401, "invalid_api_key", "Incorrect API key provided.")
        try:
            body = await request.json()
        except ValueError:
            return openai_error(400, "invalid_parameter_error", "The request body is not valid JSON.")
        model = body.get("model")
        if model not in CHAT_MODELS:
            return openai_error(404, "model_not_found", f"The model `{model}` does not exist or you do not have "
                                                        "access to it.")
        texts, sizes = [], []
        for message in body.get("messages") or []:
            for part in _parts(message.get("content")):
                if part.get("type") == "text":
                    texts.append(part.get("text", ""))
                elif part.get("type") == "image_url":
                    size = _image_size((part.get("image_url") or {}).get("url", ""))
                    if size is None:
                        return openai_error(400, "invalid_parameter_error", "The image_url is not a supported "
                                                                            "data URL.")
                    sizes.append(size)
        if any(FORBIDDEN in t for t in texts):
            return openai_error(400, "data_inspection_failed", "Input data may contain inappropriate content.",
                                kind="data_inspection_failed")
        self.chat_images += sizes
        shown = ", ".join(f"{w}x{h}" for w, h in sizes)
        content = f"{model} saw {len(sizes)} image(s) [{shown}]: {texts[-1] if texts else ''}"
        return web.json_response({
            "id": f"chatcmpl-{next(self._ids)}", "object": "chat.completion", "created": 1721044114, "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                         "logprobs": None, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 20, "completion_tokens": 10, "total_tokens": 30},
            "service_tier": None, "system_fingerprint": None})

    # --- native text to image -----------------------------------------------------------
    async def _synthesis(self, request: web.Request) -> web.Response:
        if not self.authorised(request):
            return native_error(401, "InvalidApiKey", "Invalid API-key provided.")
        if request.headers.get("X-DashScope-Async") != "enable":
            # The real wording is UNCONFIRMED (§5.5); the status and code are what matter.
            return native_error(400, "InvalidParameter", "current user api does not support synchronous calls")
        try:
            body = json.loads(await request.read())
        except ValueError:
            return native_error(400, "InvalidParameter", "The request body is not valid JSON.")
        kind = request.path.rsplit("/", 2)[-2]
        check = {"video-generation": _check_video, "image2image": _check_edit}.get(kind, _check_synthesis)
        problem = check(body) or self._check_oss(body, request.headers.get("X-DashScope-OssResourceResolve") == "enable")
        if problem is not None:
            return native_error(400, *problem)
        self.bodies.append(body)
        params = body.get("parameters") or {}
        match = _SIZE.match(params.get("size") or _RESOLUTIONS.get(params.get("resolution"), "1024*1024"))
        task = Task(id=f"task-{next(self._ids)}", model=body["model"], n=int(params.get("n", 1)),
                    size=(int(match.group(1)), int(match.group(2))), outcome=self.outcome,
                    video_s=int(params.get("duration", 5)) or 3 if kind == "video-generation" else None)
        self.tasks[task.id] = task
        return web.json_response({"output": {"task_status": "PENDING", "task_id": task.id},
                                  "request_id": "req-fake"})

    async def _upload_policy(self, request: web.Request) -> web.Response:
        if not self.authorised(request):
            return native_error(401, "InvalidApiKey", "Invalid API-key provided.")
        if request.query.get("action") != "getPolicy" or request.query.get("model") not in VIDEO_MODELS:
            return native_error(400, "InvalidParameter", "action must be getPolicy with a model")
        signature = f"sig-{next(self._ids)}"
        upload_dir = f"dashscope-instant/{signature}"
        self._policies[upload_dir] = request.query["model"]
        return web.json_response({"request_id": "req-fake", "data": {
            "policy": "eyJmYWtlIjp0cnVlfQ==", "signature": signature, "upload_dir": upload_dir,
            "upload_host": f"{self.url}/oss-upload", "expire_in_seconds": 300, "max_file_size_mb": 100,
            "capacity_limit_mb": 999999, "oss_access_key_id": "LTAI-fake", "x_oss_object_acl": "private",
            "x_oss_forbid_overwrite": "true"}})

    async def _oss_upload(self, request: web.Request) -> web.Response:
        """OSS's form upload: the policy fields, then the file; our API key must not come."""
        from tests.fakes.relay import multipart_form
        if "Authorization" in request.headers:
            return web.Response(status=400, text="<Error><Code>InvalidArgument</Code></Error>")
        fields, files = multipart_form(request.headers.get("Content-Type", ""), await request.read())
        upload_dir = fields.get("key", "").rsplit("/", 1)[0]
        if (upload_dir not in self._policies or fields.get("Signature") != upload_dir.rsplit("/", 1)[-1]
                or fields.get("OSSAccessKeyId") != "LTAI-fake" or len(files) != 1):
            return web.Response(status=403, text="<Error><Code>SignatureDoesNotMatch</Code></Error>")
        self.uploads[fields["key"]] = (self._policies[upload_dir], files[0][1])
        return web.Response(status=200)

    def _check_oss(self, body: dict[str, Any], resolving: bool) -> tuple[str, str] | None:
        given = body.get("input") or {}
        urls = [m.get("url", "") for m in given.get("media") or []] + list(given.get("reference_video_urls") or [])
        for url in urls:
            if url.startswith("oss://") and not self.resolve(url, body["model"], resolving):
                return "InvalidParameter", f"The url {url} is invalid or was uploaded for another model."
            if not url.startswith(("oss://", "data:")):
                return "InvalidParameter", f"The url {url[:40]} could not be downloaded."
        return None

    def resolve(self, url: str, model: str, resolving: bool) -> bool:
        """Whether an ``oss://`` URL names a file uploaded for ``model`` (and the
        request asked DashScope to resolve such URLs)."""
        found = self.uploads.get(url.removeprefix("oss://"))
        return resolving and found is not None and found[0] == model

    async def _task(self, request: web.Request) -> web.Response:
        if not self.authorised(request):
            return native_error(401, "InvalidApiKey", "Invalid API-key provided.")
        task = self.tasks.get(request.match_info["task_id"])
        if task is None:
            return web.json_response({"request_id": "req-fake",
                                      "output": {"task_id": request.match_info["task_id"], "task_status": "UNKNOWN"}})
        self._advance(task)
        output: dict[str, Any] = {"task_id": task.id, "task_status": task.status,
                                  "submit_time": "2025-01-01 10:00:00.000"}
        if task.status == "SUCCEEDED" and task.video_url:
            output.update(video_url=task.video_url, end_time="2025-01-01 10:02:00.000")
        elif task.status == "SUCCEEDED":
            failed = sum(1 for r in task.results if "url" not in r)
            output.update(results=task.results, end_time="2025-01-01 10:00:20.000",
                          task_metrics={"TOTAL": task.n, "SUCCEEDED": task.n - failed, "FAILED": failed})
        elif task.status == "FAILED":
            output.update(code=self.failure[0], message=self.failure[1])
        return web.json_response({"request_id": "req-fake", "output": output, "usage": {"image_count": task.n}})

    async def _cancel(self, request: web.Request) -> web.Response:
        if not self.authorised(request):
            return native_error(401, "InvalidApiKey", "Invalid API-key provided.")
        task = self.tasks.get(request.match_info["task_id"])
        self.cancelled.append(request.match_info["task_id"])
        if task is None or task.status != "PENDING":
            return native_error(400, "UnsupportedOperation",
                                "Failed to cancel the task, please confirm if the task is in PENDING status.")
        task.status = "CANCELED"
        return web.json_response({"request_id": "req-fake"})

    def _advance(self, task: Task) -> None:
        if task.status in ("SUCCEEDED", "FAILED", "CANCELED"):
            return
        task.polls += 1
        if task.outcome == "hold" or task.polls <= 1:
            task.status = "PENDING"
        elif task.polls <= self.polls_to_finish:
            task.status = "RUNNING"
        elif task.outcome == "fail":
            task.status = "FAILED"
        elif task.video_s is not None:
            task.status = "SUCCEEDED"
            width, height = (max(16, task.size[0] // 8 // 2 * 2), max(16, task.size[1] // 8 // 2 * 2))
            task.video_url = self.add_file(f"{task.id}.mp4", mp4_bytes(width, height, 8, float(task.video_s)),
                                           "video/mp4") + "?Expires=1735689600&Signature=x"
        else:
            task.status = "SUCCEEDED"
            task.results = [self._result(task, i) for i in range(task.n)]
            if task.outcome == "partial":
                task.results[-1] = {"code": "DataInspectionFailed",
                                    "message": "Output data may contain inappropriate content."}

    def _result(self, task: Task, index: int) -> dict[str, Any]:
        colour = ((40 * index) % 256, 120, 200)
        url = self.add_file(f"{task.id}-{index}.png", png_bytes(*task.size, rgb=colour), "image/png")
        return {"orig_prompt": "…", "actual_prompt": "…", "url": f"{url}?Expires=1735689600&Signature=x"}


_RESOLUTIONS = {"480P": "832*480", "720P": "1280*720", "1080P": "1920*1080"}


def _check_video(body: Any) -> tuple[str, str] | None:
    """A video-synthesis body: model, prompt or media, data-URL images, parameters."""
    if not isinstance(body, dict) or body.get("model") not in VIDEO_MODELS:
        return "InvalidParameter", "Model not exist."
    model, given, params = body["model"], body.get("input") or {}, body.get("parameters") or {}
    if ("t2v" in model or "r2v" in model or "edit" in model) and not str(given.get("prompt") or "").strip():
        return "InvalidParameter", "Field required: input.prompt"
    if FORBIDDEN in str(given.get("prompt") or ""):
        return "DataInspectionFailed", "Input data may contain inappropriate content."
    media = given.get("media") or []
    if model.startswith(("wan2.7", "happyhorse")) and "t2v" not in model and not media:
        return "InvalidParameter", "Field required: input.media"
    if model == "wan2.6-r2v" and not given.get("reference_video_urls"):
        return "InvalidParameter", "Field required: input.reference_video_urls"
    for item in media:
        if item.get("type") not in MEDIA_TYPES:
            return "InvalidParameter", f"media type {item.get('type')!r} is invalid"
        if item["type"] in ("first_frame", "last_frame", "reference_image") and _image_size(item.get("url", "")) is None:
            return "InvalidParameter", "The media url is not a decodable image."
    if "i2v" in model and model.startswith("wan2.") and not model.startswith("wan2.7") and _image_size(
            given.get("img_url", "")) is None:
        return "InvalidParameter", "The img_url is not a decodable image."
    if "size" in params and not _SIZE.match(str(params["size"])):
        return "InvalidParameter", f"The size {params['size']!r} is invalid."
    if "resolution" in params and params["resolution"] not in _RESOLUTIONS:
        return "InvalidParameter", f"The resolution {params['resolution']!r} is invalid."
    low = 0 if "edit" in model else 2  # video edits: 0 means "as long as the input"
    if not isinstance(params.get("duration", 5), int) or not low <= params.get("duration", 5) <= 15:
        return "InvalidParameter", f"duration must be an integer from {low} to 15."
    if not 0 <= int(params.get("seed", 0)) <= 2147483647:
        return "InvalidParameter", "seed is out of range."
    return None


def _check_edit(body: Any) -> tuple[str, str] | None:
    if not isinstance(body, dict) or body.get("model") not in EDIT_MODELS:
        return "InvalidParameter", "Model not exist."
    images = (body.get("input") or {}).get("images") or []
    if not 1 <= len(images) <= 2 or any(_image_size(i) is None for i in images):
        return "InvalidParameter", "input.images must hold one or two decodable images."
    if not str((body.get("input") or {}).get("prompt") or "").strip():
        return "InvalidParameter", "Field required: input.prompt"
    return None


def _check_synthesis(body: Any) -> tuple[str, str] | None:
    """(code, message) for a body DashScope would refuse, else None."""
    if not isinstance(body, dict) or body.get("model") not in IMAGE_MODELS:
        return "InvalidParameter", "Model not exist."
    prompt = (body.get("input") or {}).get("prompt")
    if not isinstance(prompt, str) or not prompt.strip():
        return "InvalidParameter", "Field required: input.prompt"
    if FORBIDDEN in prompt:
        return "DataInspectionFailed", "Input data may contain inappropriate content."
    params = body.get("parameters") or {}
    size = params.get("size", "1024*1024")
    if not isinstance(size, str) or not _SIZE.match(size):
        return "InvalidParameter", f"The size {size!r} is invalid; use WIDTH*HEIGHT, e.g. 1024*1024."
    if body["model"].startswith("qwen-image") and size not in QWEN_IMAGE_SIZES:
        return "InvalidParameter", f"The size {size} is not supported by {body['model']}."
    if not 1 <= int(params.get("n", 1)) <= 4:
        return "InvalidParameter", "n should be in [1, 4]."
    style = params.get("style")
    if style is not None and (body["model"] != "wanx-v1" or style not in STYLES):
        return "InvalidParameter", f"The style {style!r} is invalid."
    return None


def _parts(content: Any) -> list[dict[str, Any]]:
    if isinstance(content, str):
        return [{"type": "text", "text": content}]
    return [p for p in content or [] if isinstance(p, dict)]


def _image_size(url: str) -> tuple[int, int] | None:
    match = _DATA_URL.match(url)
    if match is None:
        return None
    try:
        with Image.open(io.BytesIO(base64.b64decode(match.group(2)))) as img:
            return img.size
    except Exception:  # noqa: BLE001 - any undecodable payload is the client's fault
        return None
