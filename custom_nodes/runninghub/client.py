"""RunningHubClient: RunningHub's classic OpenAPI (spec §8) and nothing else. The API
key travels in every JSON body (and as a multipart field for uploads) with the
``Host`` header RunningHub insists on; answers are always HTTP 200 with ``{code,
msg, data}``, so errors are read from ``code``. Tasks are created from a workflow
or an AI app, polled through ``/status`` (a bare string) and then ``/outputs``
(804/813 mean "not yet", 805 carries the failing node), and cancelled through
``/cancel`` when the job is. It knows no nodes and no IMAGE arrays."""
from __future__ import annotations

from typing import Any, Awaitable, Callable, ClassVar

import httpx
from pydantic import BaseModel, ValidationError

from keroro_graph.api import (DEFAULT_MAX_DOWNLOAD_BYTES, AuthError, BadRequestError, PollPlan, ProviderClient,
                              ProviderError, ProviderUnavailableError, QuotaError, RateLimitedError, TaskFailedError,
                              TaskStatus, for_status, poll)

from .models import (AccountStatus, AIAppRequest, CreatedTask, CreateRequest, Envelope, FailedReason, OutputFile)

Sleep = Callable[[float], Awaitable[None]]

CREATE = "/task/openapi/create"
AI_APP = "/task/openapi/ai-app/run"
STATUS = "/task/openapi/status"
OUTPUTS = "/task/openapi/outputs"
CANCEL = "/task/openapi/cancel"
UPLOAD = "/task/openapi/upload"
ACCOUNT = "/uc/openapi/accountStatus"
#: Requests that start paid work: a garbled answer there is not retried (it may
#: have started a task already).
_STARTS_WORK = {CREATE, AI_APP}

#: RunningHub checks that Host names its own site exactly (spec §8.1).
DEFAULT_HOST = "www.runninghub.cn"
_OWN_DOMAINS = ("runninghub.cn", "runninghub.ai")

PENDING = {804: "running", 813: "queued"}
TASK_FAILED = 805
PLAN = PollPlan(interval_s=3.0, max_interval_s=10.0, estimate_s=120.0, timeout_s=3600.0)

#: Spec §8.3 (1003/1011/1520 are third-party reports, UNCONFIRMED, treated as busy).
_ERRORS: dict[int, tuple[type[ProviderError], str]] = {
    301: (BadRequestError, "invalid parameters"),
    380: (BadRequestError, "the workflow does not exist"),
    415: (RateLimitedError, "no exclusive instance is free"),
    421: (RateLimitedError, "the shared-API concurrency limit is reached"),
    423: (BadRequestError, "the task was not found"),
    433: (BadRequestError, "the workflow failed validation"),
    500: (ProviderUnavailableError, "unknown server error"),
    801: (AuthError, "free accounts cannot use the API"),
    802: (AuthError, "the API key was refused"),
    803: (BadRequestError, "nodeInfoList names a node or field the workflow does not have"),
    806: (AuthError, "no user has this API key"),
    807: (BadRequestError, "the task was not found"),
    808: (ProviderUnavailableError, "the upload failed"),
    809: (BadRequestError, "the file is too large"),
    811: (AuthError, "the enterprise API key is invalid"),
    812: (QuotaError, "the account has no balance left"),
    814: (RateLimitedError, "the personal queue is full (1000 tasks)"),
    901: (BadRequestError, "the AI app does not exist"),
    1003: (RateLimitedError, "rate limited"),
    1011: (RateLimitedError, "the model is busy"),
    1520: (RateLimitedError, "too many tasks for this user"),
}


def host_for(base_url: str) -> str:
    """RunningHub's own host name for its sites; the CN site's name for anything else
    (a local fake or a pass-through proxy), which RunningHub requires behind it."""
    host = httpx.URL(base_url).host
    return host if host.endswith(_OWN_DOMAINS) else DEFAULT_HOST


class RunningHubClient(ProviderClient):
    provider = "runninghub"
    credentials = ("api_key",)
    max_image_bytes: ClassVar[int] = 64 * 1024 * 1024
    max_video_bytes: ClassVar[int] = DEFAULT_MAX_DOWNLOAD_BYTES
    #: RunningHub's single-file upload limit.
    max_upload_bytes: ClassVar[int] = 30 * 1024 * 1024

    def auth_headers(self) -> dict[str, str]:
        # The key itself goes in the body; Host is part of what RunningHub checks.
        return {"Host": host_for(self.base_url)}

    def _body(self, **fields: Any) -> dict[str, Any]:
        return {"apiKey": self.secrets.get("api_key", ""), **fields}

    # --- errors -----------------------------------------------------------------------------
    def parse_error(self, response: httpx.Response, body: Any) -> ProviderError | None:
        if response.status_code >= 400:
            cls = for_status(response.status_code)
            detail = f": {body.strip()[:200]}" if isinstance(body, str) and body.strip() else ""
            return self.error(cls, f"HTTP {response.status_code}{detail}", response=response)
        code = _as_int(body.get("code")) if isinstance(body, dict) else None
        if not isinstance(code, int):
            cls = ProviderError if response.request.url.path in _STARTS_WORK else ProviderUnavailableError
            return self.error(cls, "RunningHub sent a response that is not a {code, msg, data} object",
                              response=response)
        if code == 0 or code in PENDING:
            return None  # 804/813 are "not finished yet"; the caller reads them
        if code == TASK_FAILED:
            return self.error(TaskFailedError, f"the task failed: {_failure(body.get('data'))}", code=code)
        cls, meaning = _ERRORS.get(code, (ProviderError, "request failed"))
        msg = str(body.get("msg") or "")[:300]
        return self.error(cls, f"{meaning} ({msg})" if msg else meaning, code=code, response=response)

    # --- calls ------------------------------------------------------------------------------
    async def _call(self, path: str, *, sleep: Sleep | None = None, create: bool = False, **fields: Any) -> Envelope:
        # RunningHub offers no idempotency key: a create that fails after it was sent
        # fails as AmbiguousCreateError (it may be running, and billed) instead of being re-sent.
        answer = await self.request("POST", path, json=self._body(**fields), sleep=sleep, create=create)
        return Envelope.model_validate(answer)

    async def create(self, request: CreateRequest, *, sleep: Sleep | None = None) -> CreatedTask:
        """Start a workflow task; a workflow that fails validation is a BadRequestError."""
        return self._created(await self._call(CREATE, sleep=sleep, create=True, **request.wire()))

    async def run_ai_app(self, request: AIAppRequest, *, sleep: Sleep | None = None) -> CreatedTask:
        return self._created(await self._call(AI_APP, sleep=sleep, create=True, **request.wire()))

    async def upload(self, data: bytes, *, filename: str, mime: str, file_type: str = "image",
                     sleep: Sleep | None = None) -> str:
        """Upload an input file; returns the ``api/<hash>.<ext>`` name a loader node takes."""
        if len(data) > self.max_upload_bytes:
            raise self.error(BadRequestError, f"the file is {len(data):,} bytes; RunningHub takes at most "
                                              f"{self.max_upload_bytes:,}")
        answer = await self.request("POST", UPLOAD, data={"apiKey": self.secrets.get("api_key", ""),
                                                          "fileType": file_type},
                                    files={"file": (filename, data, mime)}, sleep=sleep)
        name = (Envelope.model_validate(answer).data or {}).get("fileName")
        if not isinstance(name, str) or not name:
            raise self.error(ProviderError, "the upload answer has no fileName")
        return name

    async def task_state(self, task_id: str, *, sleep: Sleep | None = None) -> str:
        """``QUEUED``, ``RUNNING``, ``SUCCESS`` or ``FAILED`` (a bare string)."""
        data = (await self._call(STATUS, sleep=sleep, taskId=task_id)).data
        return data.strip().upper() if isinstance(data, str) else ""

    async def outputs(self, task_id: str, *, sleep: Sleep | None = None) -> TaskStatus:
        """The task's files once done; 804/813 come back as running/queued and 805 raises
        TaskFailedError naming the failing node."""
        envelope = await self._call(OUTPUTS, sleep=sleep, taskId=task_id)
        if envelope.code in PENDING:
            return TaskStatus(state=PENDING[envelope.code])  # type: ignore[arg-type]
        files = [self._parse(OutputFile, item) for item in envelope.data or []]
        return TaskStatus(state="succeeded", result=files)

    async def status(self, task_id: str, *, sleep: Sleep | None = None) -> TaskStatus:
        """One poll. ``/status`` is cheap but documented as unmaintained, so anything
        other than QUEUED/RUNNING is settled by ``/outputs``."""
        try:
            state = await self.task_state(task_id, sleep=sleep)
        except (BadRequestError, ProviderUnavailableError):
            state = ""
        if state == "QUEUED":
            return TaskStatus(state="queued")
        if state == "RUNNING":
            return TaskStatus(state="running")
        return await self.outputs(task_id, sleep=sleep)

    async def cancel(self, task_id: str) -> None:
        """Best effort; uses plain sleeps because the job's own sleep is cancelled."""
        await self._call(CANCEL, taskId=task_id)

    async def wait(self, ctx: Any, task_id: str) -> list[OutputFile]:
        """Poll until done (progress estimated on ``ctx``); cancels the task at
        RunningHub when the job is cancelled."""
        done = await poll(ctx, lambda: self.status(task_id), plan=PLAN,
                          cancel=lambda: self.cancel(task_id), label="RunningHub task")
        return done.result

    async def account(self, *, sleep: Sleep | None = None) -> AccountStatus:
        # The doc example spells it "apikey", the SDK "apiKey": send both.
        envelope = await self._call(ACCOUNT, sleep=sleep, apikey=self.secrets.get("api_key", ""))
        return self._parse(AccountStatus, envelope.data or {})

    async def fetch(self, url: str, *, max_bytes: int, accept: tuple[str, ...], sleep: Sleep | None = None) -> bytes:
        data, _kind = await self.download(url, max_bytes=max_bytes, accept=accept, sleep=sleep)
        return data

    def _created(self, envelope: Envelope) -> CreatedTask:
        task = self._parse(CreatedTask, envelope.data)
        problems = task.prompt_problems()
        if problems:
            raise self.error(BadRequestError, f"the workflow did not validate: {problems}")
        return task

    def _parse(self, model: type[BaseModel], data: Any) -> Any:
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "data"
            raise self.error(ProviderError, f"unexpected {model.__name__} from RunningHub: {where}: "
                                            f"{first['msg']}") from None


def _as_int(code: Any) -> Any:
    """Codes arrive as numbers; tolerate "804" too."""
    return int(code) if isinstance(code, str) and code.strip().lstrip("-").isdigit() else code


def _failure(data: Any) -> str:
    reason = data.get("failedReason") if isinstance(data, dict) else None
    if not isinstance(reason, dict):
        return "no reason given"
    try:
        return FailedReason.model_validate(reason).summary()
    except ValidationError:
        return "no readable reason given"
