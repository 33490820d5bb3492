"""RunningHubFake: RunningHub's classic OpenAPI (spec §8.4) on a loopback port.
Every answer is HTTP 200 with ``{code, msg, data}``. It checks the ``Host`` header
and the ``apiKey`` in each body (802 otherwise), knows a few workflows and AI apps
and validates ``nodeInfoList`` against them (803 for unknown nodes or fields, 433
when a LoadImage gets something that is neither an uploaded name nor a URL),
answers ``/status`` with a bare string that moves QUEUED → RUNNING → SUCCESS or
FAILED over successive polls, answers ``/outputs`` with 813/804 until the task is
done and then the file list (or 805 with a ``failedReason``), accepts multipart
uploads returning ``api/<sha256>.<ext>``, cancels tasks and reports the account.
Scenarios: scripted codes through ``fail_code`` (421, 812, ...), HTTP 429/5xx
through ``fail_next``, failed and held tasks, slow and malformed answers."""
from __future__ import annotations

import email
import email.policy
import hashlib
import io
import itertools
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from PIL import Image

from tests.fakes.base import FakeServer, mp4_bytes, png_bytes

API_KEY = "0123456789abcdef0123456789abcdef"
HOST = "www.runninghub.cn"
WORKFLOW_ID = "1904136902449209346"
WEBAPP_ID = "1877265245566922753"
#: node id → (class_type, fields); shared by the fake workflow and the fake app.
NODES: dict[str, tuple[str, set[str]]] = {
    "3": ("KSampler", {"seed", "steps", "cfg", "denoise"}),
    "6": ("CLIPTextEncode", {"text"}),
    "10": ("LoadImage", {"image"}),
    "9": ("SaveImage", {"filename_prefix"}),
}
MESSAGES = {0: "success", 301: "PARAMS_INVALID", 380: "WORKFLOW_NOT_EXISTS", 415: "TASK_INSTANCE_MAXED",
            421: "TASK_QUEUE_MAXED", 433: "VALIDATE_PROMPT_FAILED", 802: "APIKEY_UNAUTHORIZED",
            803: "APIKEY_INVALID_NODE_INFO", 804: "APIKEY_TASK_IS_RUNNING", 805: "APIKEY_TASK_STATUS_ERROR",
            806: "APIKEY_USER_NOT_FOUND", 807: "APIKEY_TASK_NOT_FOUND", 809: "APIKEY_FILE_SIZE_EXCEEDED",
            812: "CORPAPIKEY_INSUFFICIENT_FUNDS", 813: "APIKEY_TASK_IS_QUEUED", 901: "WEBAPP_NOT_EXISTS"}


def envelope(code: int, data: Any = None, msg: str | None = None) -> dict[str, Any]:
    return {"code": code, "msg": msg if msg is not None else MESSAGES.get(code, "UNKNOWN_ERROR"), "data": data}


@dataclass
class FakeTask:
    id: str
    body: dict[str, Any]
    polls: int = 0
    state: str = "QUEUED"
    fail_reason: dict[str, str] | None = None
    outputs: list[str] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)
    cancelled: bool = False


class RunningHubFake(FakeServer):
    def __init__(self, api_key: str = API_KEY, host: str = HOST, *,
                 steps: tuple[str, ...] = ("QUEUED", "RUNNING")) -> None:
        super().__init__()
        self.api_key = api_key
        self.host = host
        self.steps = steps
        #: File types each new task produces, in order.
        self.produces: list[str] = ["png", "png", "mp4"]
        self.hold = False
        #: New tasks fail with this ``failedReason`` (every value a string, as RunningHub sends).
        self.fail_reason: dict[str, str] | None = None
        #: Answer the next matching requests with these business codes (HTTP 200).
        self._codes: list[list[Any]] = []
        self.tasks: dict[str, FakeTask] = {}
        self.uploads: dict[str, tuple[bytes, str]] = {}
        self.cancelled: list[str] = []
        self._ids = itertools.count(1910246754753896450)
        routes = {"/task/openapi/create": self._create, "/task/openapi/ai-app/run": self._ai_app,
                  "/task/openapi/status": self._status, "/task/openapi/outputs": self._outputs,
                  "/task/openapi/cancel": self._cancel, "/task/openapi/upload": self._upload,
                  "/uc/openapi/accountStatus": self._account}
        for path, handler in routes.items():
            self.app.router.add_post(path, self._guarded(handler))

    # --- scenarios --------------------------------------------------------------------------
    def fail_code(self, code: int, *, path: str = "/task/openapi/", times: int = 1, data: Any = None) -> None:
        """The next ``times`` requests under ``path`` get ``code`` (HTTP 200)."""
        self._codes.append([code, path, times, data])

    def seen_path(self, path: str) -> list[Any]:
        return [r for r in self.requests if r.path == path]

    def bodies(self, path: str) -> list[dict[str, Any]]:
        return [json.loads(r.body) for r in self.seen_path(path)]

    # --- plumbing ---------------------------------------------------------------------------
    def _guarded(self, handler: Any) -> Any:
        async def guarded(request: web.Request) -> web.Response:
            if request.headers.get("Host") != self.host:
                return _json(envelope(802, msg="APIKEY_UNAUTHORIZED: Host must be " + self.host))
            fields = await _fields(request)
            if fields is None:
                return _json(envelope(301))
            key = fields.get("apiKey", fields.get("apikey"))
            if key != self.api_key:
                return _json(envelope(802))
            for scripted in self._codes:
                if scripted[2] > 0 and request.path.startswith(scripted[1]):
                    scripted[2] -= 1
                    return _json(envelope(scripted[0], scripted[3]))
            return _json(await handler(fields))
        return guarded

    # --- handlers ---------------------------------------------------------------------------
    async def _create(self, body: dict[str, Any]) -> dict[str, Any]:
        if str(body.get("workflowId", "")) != WORKFLOW_ID:
            return envelope(380)
        return self._start(body)

    async def _ai_app(self, body: dict[str, Any]) -> dict[str, Any]:
        if str(body.get("webappId", "")) != WEBAPP_ID:
            return envelope(901)
        return self._start(body)

    def _start(self, body: dict[str, Any]) -> dict[str, Any]:
        problem = self._check_nodes(body.get("nodeInfoList", []))
        if problem is not None:
            return problem
        if body.get("instanceType") not in (None, "plus"):
            return envelope(301, msg="PARAMS_INVALID: instanceType")
        task = FakeTask(str(next(self._ids)), body, fail_reason=self.fail_reason, outputs=list(self.produces))
        self.tasks[task.id] = task
        tips = {"result": True, "error": None, "outputs_to_execute": ["9"], "node_errors": {}}
        return envelope(0, {"netWssUrl": None, "taskId": task.id, "clientId": "c0ffee", "taskStatus": "QUEUED",
                            "promptTips": json.dumps(tips)})

    def _check_nodes(self, infos: Any) -> dict[str, Any] | None:
        if not isinstance(infos, list):
            return envelope(301, msg="PARAMS_INVALID: nodeInfoList")
        for info in infos:
            if not isinstance(info, dict) or set(info) != {"nodeId", "fieldName", "fieldValue"}:
                return envelope(803)
            node = NODES.get(str(info["nodeId"]))
            if node is None or info["fieldName"] not in node[1]:
                return envelope(803)
            value = info["fieldValue"]
            if node[0] == "LoadImage" and not (str(value) in self.uploads or str(value).startswith("http")):
                errors = {str(info["nodeId"]): {"errors": [{"type": "value_not_in_list",
                                                            "message": f"Invalid image file: {value}"}]}}
                return envelope(433, msg="VALIDATE_PROMPT_FAILED: " + json.dumps(errors))
        return None

    async def _status(self, body: dict[str, Any]) -> dict[str, Any]:
        task = self.tasks.get(str(body.get("taskId")))
        if task is None:
            return envelope(807)
        self._advance(task)
        return envelope(0, task.state)

    async def _outputs(self, body: dict[str, Any]) -> dict[str, Any]:
        task = self.tasks.get(str(body.get("taskId")))
        if task is None:
            return envelope(807)
        if task.state in ("QUEUED", "RUNNING"):
            self._advance(task)  # a client that only polls outputs still sees progress
        if task.state == "QUEUED":
            return envelope(813)
        if task.state == "RUNNING":
            return envelope(804)
        if task.state == "FAILED":
            return envelope(805, {"failedReason": task.fail_reason})
        return envelope(0, task.files)

    async def _cancel(self, body: dict[str, Any]) -> dict[str, Any]:
        task = self.tasks.get(str(body.get("taskId")))
        if task is None:
            return envelope(807)
        task.cancelled, task.state = True, "FAILED"
        task.fail_reason = {"exception_type": "Cancelled", "exception_message": "cancelled by the user"}
        self.cancelled.append(task.id)
        return envelope(0, None)

    async def _upload(self, fields: dict[str, Any]) -> dict[str, Any]:
        file = fields.get("file")
        if not isinstance(file, bytes) or fields.get("fileType") not in ("image", "input"):
            return envelope(301, msg="PARAMS_INVALID: file and fileType are required")
        if len(file) > 30 * 1024 * 1024:
            return envelope(809)
        try:
            with Image.open(io.BytesIO(file)) as img:
                ext = {"JPEG": "jpg"}.get(img.format, str(img.format).lower())
        except OSError:
            return envelope(808, msg="APIKEY_UPLOAD_FAILED")
        name = f"api/{hashlib.sha256(file).hexdigest()}.{ext}"
        self.uploads[name] = (file, ext)
        return envelope(0, {"fileName": name, "fileType": fields["fileType"]})

    async def _account(self, _fields: dict[str, Any]) -> dict[str, Any]:
        return envelope(0, {"remainCoins": "177814", "currentTaskCounts": str(self._running()),
                            "remainMoney": "12.50", "currency": "CNY", "apiType": "NORMAL"})

    # --- lifecycle --------------------------------------------------------------------------
    def _running(self) -> int:
        return sum(1 for t in self.tasks.values() if t.state in ("QUEUED", "RUNNING"))

    def _advance(self, task: FakeTask) -> None:
        if task.state in ("SUCCESS", "FAILED"):
            return
        task.polls += 1
        if self.hold:
            task.state = "RUNNING"
        elif task.polls <= len(self.steps):
            task.state = self.steps[task.polls - 1]
        elif task.fail_reason:
            task.state = "FAILED"
        else:
            task.state, task.files = "SUCCESS", self._files(task)

    def _files(self, task: FakeTask) -> list[dict[str, Any]]:
        files = []
        for i, kind in enumerate(task.outputs):
            if kind == "mp4":
                url = self.add_file(f"{task.id}_{i}.mp4", mp4_bytes(512, 288, 16, 3.0), "video/mp4")
            elif kind == "txt":
                url = self.add_file(f"{task.id}_{i}.txt", b"caption", "text/plain")
            else:
                url = self.add_file(f"{task.id}_{i}.png", png_bytes(64, 48, (10, 200, 30 + 40 * i)), "image/png")
            files.append({"fileUrl": url, "fileType": kind, "taskCostTime": "12", "nodeId": "9",
                          "consumeCoins": "3"})
        return files


async def _fields(request: web.Request) -> dict[str, Any] | None:
    """The JSON body, or the multipart form (files as bytes); None if unreadable."""
    raw = await request.read()
    kind = request.headers.get("Content-Type", "")
    if kind.startswith("multipart/form-data"):
        message = email.message_from_bytes(b"Content-Type: " + kind.encode() + b"\r\n\r\n" + raw,
                                           policy=email.policy.HTTP)
        fields: dict[str, Any] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True) or b""
            fields[name] = payload if part.get_filename() else payload.decode()
        return fields
    try:
        body = json.loads(raw or b"null")
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _json(body: dict[str, Any]) -> web.Response:
    return web.json_response(body)
