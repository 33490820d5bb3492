"""A fake Comfly / T8Star relay (spec §4.7): bearer-key auth with OpenAI error bodies,
``POST /v1/chat/completions`` streamed as SSE (events split across network writes,
ending in ``data: [DONE]``) whose content carries the image as a markdown link to
the fake's own ``/files/``, a data URL, a bare URL, or ``message.images``; and the
images API (``/v1/images/generations`` JSON, ``/v1/images/edits`` multipart), either
synchronous or ``?async=true`` → ``task_id`` → ``GET /v1/images/tasks/{id}`` walking
IN_PROGRESS → SUCCESS/FAILURE with "45%" progress, in either nesting."""
from __future__ import annotations

import asyncio
import base64
import json
import time
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

from aiohttp import web

from tests.fakes.base import FakeServer, png_bytes

GOOD_KEY = "sk-relay-good"
MODELS = {"nano-banana", "nano-banana-hd", "nano-banana-2", "gemini-2.5-flash-image",
          "gemini-2.5-flash-image-preview", "gemini-3-pro-image-preview"}
RATIOS = {"1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9"}


def openai_error(message: str, code: str | None = None, type_: str = "invalid_request_error") -> dict[str, Any]:
    return {"error": {"message": message, "type": type_, "param": None, "code": code}}


@dataclass
class Task:
    id: str
    body: dict[str, Any]
    polls: int = 0
    poll_times: list[float] = field(default_factory=list)


class RelayFake(FakeServer):
    def __init__(self, *, key: str = GOOD_KEY) -> None:
        super().__init__()
        self.key = key
        #: How the chat answer carries its image: "markdown", "data", "url", "images_field", "none"
        #: (text only) or "filtered" (no content, finish_reason content_filter).
        self.chat_style = "markdown"
        #: Answer the images API synchronously even when ``async=true`` is asked.
        self.sync_images = False
        #: "outer" ({"data": {status, data: {data: []}}}) or "flat" (no outer data).
        self.nesting = "outer"
        #: Result items as "url" or "b64_json".
        self.result_format = "url"
        #: Polls answered IN_PROGRESS before the task ends.
        self.polls_to_finish = 2
        #: Set to make tasks end in FAILURE with this reason.
        self.fail_reason: str | None = None
        self.colour = (220, 120, 20)
        self.tasks: dict[str, Task] = {}
        self.chat_bodies: list[dict[str, Any]] = []
        router = self.app.router
        router.add_post("/v1/chat/completions", self._chat)
        router.add_post("/v1/images/generations", self._generations)
        router.add_post("/v1/images/edits", self._edits)
        router.add_get("/v1/images/tasks/{task_id}", self._task)

    def polls(self, task_id: str | None = None) -> list[float]:
        """Times (monotonic) of every poll of one task, or of all tasks."""
        return [t for task in self.tasks.values() if task_id in (None, task.id) for t in task.poll_times]

    # --- auth and checks ------------------------------------------------------------------
    def _auth(self, request: web.Request) -> web.Response | None:
        if request.headers.get("Authorization") != f"Bearer {self.key}":
            return web.json_response(openai_error("Invalid token", "invalid_api_key"), status=401)
        return None

    def _image_png(self, body: dict[str, Any]) -> bytes:
        ratio = body.get("aspect_ratio") or "1:1"
        w, h = (int(x) for x in str(ratio).split(":"))
        base = 40 * {"1K": 1, "2K": 2, "4K": 4}.get(str(body.get("image_size") or "1K"), 1)
        scale = (base * base / (w * h)) ** 0.5
        return png_bytes(max(1, round(w * scale)), max(1, round(h * scale)), self.colour)

    # --- Convention A ---------------------------------------------------------------------
    async def _chat(self, request: web.Request) -> web.StreamResponse:
        refused = self._auth(request)
        if refused is not None:
            return refused
        body = await request.json()
        self.chat_bodies.append(body)
        if body.get("model") not in MODELS:
            return web.json_response(openai_error(f"model {body.get('model')} not found", "model_not_found"),
                                     status=400)
        if not body.get("messages"):
            return web.json_response(openai_error("messages is required"), status=400)
        png = self._image_png({})
        content, extra = self._chat_content(png)
        if not body.get("stream"):
            message = {"role": "assistant", "content": content, **extra}
            return web.json_response({"id": "chatcmpl-1", "object": "chat.completion", "model": body["model"],
                                      "choices": [{"index": 0, "message": message, "finish_reason": "stop"}]})
        return await self._stream(request, body["model"], content, extra)

    def _chat_content(self, png: bytes) -> tuple[str, dict[str, Any]]:
        data_url = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
        url = self.add_file("relay-chat.png", png, "image/png")
        if self.chat_style == "markdown":
            return f"Sure! Here is the picture:\n\n![image]({url})\n", {}
        if self.chat_style == "data":
            return f"![image]({data_url})", {}
        if self.chat_style == "url":
            return f"Your image is ready: {url} enjoy.", {}
        if self.chat_style == "images_field":
            return "Here it is.", {"images": [{"type": "image_url", "image_url": {"url": data_url}}]}
        if self.chat_style == "filtered":
            return "", {}
        return "I cannot draw that, sorry.", {}

    async def _stream(self, request: web.Request, model: str, content: str,
                      extra: dict[str, Any]) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"})
        await response.prepare(request)
        pieces = [content[i:i + 40] for i in range(0, len(content), 40)] or [""]
        events = []
        for i, piece in enumerate(pieces):
            delta: dict[str, Any] = {"content": piece}
            if i == 0:
                delta["role"] = "assistant"
            if i == len(pieces) - 1:
                delta.update(extra)
            finish = ("content_filter" if self.chat_style == "filtered" else "stop") if i == len(pieces) - 1 else None
            events.append({"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": int(time.time()),
                           "model": model, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
        stream = "".join(f"data: {json.dumps(e)}\n\n" for e in events) + "data: [DONE]\n\n"
        # Write in odd-sized chunks so events straddle network writes.
        for start in range(0, len(stream), 97):
            await response.write(stream[start:start + 97].encode())
            await asyncio.sleep(0)
        await response.write_eof()
        return response

    # --- Convention B ---------------------------------------------------------------------
    async def _generations(self, request: web.Request) -> web.Response:
        refused = self._auth(request)
        if refused is not None:
            return refused
        return self._images(request, await request.json())

    async def _edits(self, request: web.Request) -> web.Response:
        refused = self._auth(request)
        if refused is not None:
            return refused
        fields, files = multipart_form(request.headers.get("Content-Type", ""), await request.read())
        images = [data for name, data in files if name == "image"]
        if not images:
            return web.json_response(openai_error("image is required", "missing_image"), status=400)
        body: dict[str, Any] = dict(fields)
        body["image_count"] = len(images)
        return self._images(request, body)

    def _images(self, request: web.Request, body: dict[str, Any]) -> web.Response:
        problem = _check_images(body)
        if problem:
            return web.json_response(openai_error(problem), status=400)
        if request.query.get("async") == "true" and not self.sync_images:
            task = Task(id=f"task-{len(self.tasks) + 1}", body=body)
            self.tasks[task.id] = task
            return web.json_response({"task_id": task.id})
        return web.json_response({"created": int(time.time()), "data": self._items(body)})

    def _items(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        png = self._image_png(body)
        if self.result_format == "b64_json":
            return [{"b64_json": base64.b64encode(png).decode("ascii")}]
        return [{"url": self.add_file(f"relay-{len(self.files)}.png", png, "image/png"),
                 "revised_prompt": str(body.get("prompt", ""))}]

    async def _task(self, request: web.Request) -> web.Response:
        refused = self._auth(request)
        if refused is not None:
            return refused
        task = self.tasks.get(request.match_info["task_id"])
        if task is None:
            return web.json_response(openai_error("task not found", "task_not_found"), status=404)
        task.polls += 1
        task.poll_times.append(time.monotonic())
        if task.polls <= self.polls_to_finish:
            state = {"status": "IN_PROGRESS", "progress": f"{task.polls * 100 // (self.polls_to_finish + 1)}%",
                     "fail_reason": "", "data": None}
        elif self.fail_reason:
            state = {"status": "FAILURE", "progress": "100%", "fail_reason": self.fail_reason, "data": None}
        else:
            state = {"status": "SUCCESS", "progress": "100%", "fail_reason": "",
                     "data": {"data": self._items(task.body)}}
        body = {"code": "success", "data": {"task_id": task.id, **state}} if self.nesting == "outer" \
            else {"task_id": task.id, **state}
        return web.json_response(body)


def multipart_form(content_type: str, raw: bytes) -> tuple[dict[str, str], list[tuple[str, bytes]]]:
    """Form fields and files of a multipart body (the base fake has already read the
    stream, so the bytes are parsed here)."""
    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + raw)
    fields, files = {}, []
    for part in message.iter_parts() if message.is_multipart() else []:
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        if part.get_filename():
            files.append((name, payload))
        else:
            fields[name] = payload.decode()
    return fields, files


def _check_images(body: dict[str, Any]) -> str | None:
    if body.get("model") not in MODELS:
        return f"model {body.get('model')} not found"
    if not str(body.get("prompt") or "").strip():
        return "prompt is required"
    ratio = body.get("aspect_ratio")
    if ratio is not None and ratio not in RATIOS:
        return f"invalid aspect_ratio {ratio}"
    size = body.get("image_size")
    if size is not None and size not in ("1K", "2K", "4K"):
        return f"invalid image_size {size}"
    if body.get("response_format") not in (None, "url", "b64_json"):
        return "response_format must be url or b64_json"
    return None
