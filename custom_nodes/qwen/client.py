"""DashScopeClient: Alibaba DashScope's wire protocol for the Qwen nodes
(specs/providers.md §5). Vision chat goes through the OpenAI-compatible mode at
``{base}/compatible-mode/v1/chat/completions`` (the SDK's OpenAI client does the
talking); text-to-image is the native async API: submit with
``X-DashScope-Async: enable``, poll ``/api/v1/tasks/{id}``, download ``results[].url``.
Both speak to one host, so they share one pooled connection. This module knows the
protocol and nothing about nodes or the graph.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from keroro_graph.api import (DEFAULT_MAX_DOWNLOAD_BYTES, AuthError, BadRequestError, ContentPolicyError, OpenAICompatClient, ProviderError,
                              QuotaError, RateLimitedError, TaskFailedError, TaskStatus,
                              for_status)

from .choices import REGIONS
from .models import NativeError, SynthesisRequest, TaskAnswer, TaskCreated, UploadPolicy

Sleep = Callable[[float], Awaitable[None]]
W = TypeVar("W", bound=BaseModel)

SYNTHESIS_PATH = "/api/v1/services/aigc/text2image/image-synthesis"
IMAGE_EDIT_PATH = "/api/v1/services/aigc/image2image/image-synthesis"
VIDEO_SYNTHESIS_PATH = "/api/v1/services/aigc/video-generation/video-synthesis"
TASKS_PATH = "/api/v1/tasks"
UPLOADS_PATH = "/api/v1/uploads"
#: Synthesis requests naming ``oss://`` files from ``upload_temporary`` need this header.
OSS_RESOLVE = {"X-DashScope-OssResourceResolve": "enable"}
#: Users paste the SDK base URLs from Alibaba's docs; the client wants the bare host.
_API_SUFFIXES = ("/compatible-mode/v1", "/api/v1")
#: UNKNOWN means "no such task" (expired or never created); a few in a row is final.
_MAX_UNKNOWN_POLLS = 5

#: Error codes (native ``code`` or compatible-mode ``error.code``), compared without
#: case or underscores. The names are UNCONFIRMED (§5.4), so the HTTP status decides
#: whatever is not listed here.
_BY_CODE: dict[str, type[ProviderError]] = {
    "invalidapikey": AuthError, "accessdenied": AuthError,
    "datainspectionfailed": ContentPolicyError, "inappropriatecontent": ContentPolicyError,
    "invalidparameter": BadRequestError, "modelnotfound": BadRequestError,
    "arrearage": QuotaError, "insufficientquota": QuotaError,
    "throttling": RateLimitedError, "limitrequests": RateLimitedError,
}


@dataclass
class Images:
    """A finished task's images: the URLs that succeeded and why the rest failed."""

    urls: list[str]
    failures: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.urls) + len(self.failures)


class DashScopeClient(OpenAICompatClient):
    provider = "dashscope"
    credentials = ("api_key",)
    chat_path = "/compatible-mode/v1/chat/completions"
    #: Caps on one downloaded result image or video (tests lower them).
    max_result_bytes = 64 * 1024 * 1024
    max_video_bytes = DEFAULT_MAX_DOWNLOAD_BYTES

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        for suffix in _API_SUFFIXES:
            self.base_url = self.base_url.removesuffix(suffix)
        self._unknown_polls: dict[str, int] = {}

    # --- errors ---------------------------------------------------------------------------
    def parse_error(self, response: httpx.Response, body: Any) -> ProviderError | None:
        """Native ``{"request_id", "code", "message"}`` and compatible-mode
        ``{"error": {...}}`` bodies, classified by code, then by status."""
        if response.status_code < 400:
            return None
        code, message, request_id = _error_fields(body)
        message = message or response.reason_phrase or f"HTTP {response.status_code}"
        if request_id:
            message = f"{message} [request {request_id}]"
        return self.error(_classify(code, response), message[:500], code=code or None, response=response)

    # --- text to image --------------------------------------------------------------------
    async def submit_text_to_image(self, request: SynthesisRequest, *, sleep: Sleep | None = None) -> str:
        """Create an async text-to-image task; returns its task id."""
        return await self.submit_task(SYNTHESIS_PATH, request.body(), sleep=sleep)

    async def submit_task(self, path: str, body: dict[str, Any], *, sleep: Sleep | None = None) -> str:
        """Create any async task (image or video synthesis) at ``path``; returns its id.
        A body naming ``oss://`` files uploaded with ``upload_temporary`` is sent with
        the header that lets DashScope resolve them."""
        headers = {"X-DashScope-Async": "enable", **(OSS_RESOLVE if "oss://" in str(body) else {})}
        answer = await self.request("POST", path, json=body, headers=headers, sleep=sleep, create=True)
        return self._parse(TaskCreated, answer, "the task submission").output.task_id

    async def task_status(self, task_id: str, *, sleep: Sleep | None = None) -> TaskStatus:
        """One poll, as the poller's TaskStatus; a succeeded status carries ``Images``.
        Raises TaskFailedError with DashScope's code and message when the task failed."""
        body = await self.request("GET", f"{TASKS_PATH}/{task_id}", sleep=sleep)
        answer = self._parse(TaskAnswer, body, "the task query")
        output = answer.output
        state = output.task_status.upper()
        if state == "SUCCEEDED" and output.video_url:
            return TaskStatus("succeeded", result=output.video_url, raw=answer)
        if state == "SUCCEEDED":
            return TaskStatus("succeeded", result=self._images(output), raw=answer)
        if state == "FAILED":
            raise self.error(TaskFailedError, output.message or "the task failed", code=output.code)
        if state == "CANCELED":
            raise self.error(TaskFailedError, "the task was cancelled on DashScope")
        if state == "UNKNOWN":
            return self._unknown(task_id)
        self._unknown_polls.pop(task_id, None)
        return TaskStatus("running" if state == "RUNNING" else "queued", raw=answer)

    async def cancel_task(self, task_id: str) -> None:
        """Ask DashScope to drop the task. It only cancels tasks still PENDING (the
        SDK's ``/tasks/{id}/cancel``; not in the spec), so a refusal is expected."""
        await self.request("POST", f"{TASKS_PATH}/{task_id}/cancel")

    async def upload_temporary(self, model: str, data: bytes, filename: str, *, sleep: Sleep | None = None) -> str:
        """Put a file in the account's free temporary storage for ``model`` (kept 48 h,
        usable only by this account and model) and return its ``oss://`` URL: how
        DashScope takes a video it would otherwise need as a public URL. The upload goes
        to the storage host DashScope names, with its one-time policy and never our key."""
        answer = await self.request("GET", UPLOADS_PATH, params={"action": "getPolicy", "model": model}, sleep=sleep)
        policy = self._parse(UploadPolicy, answer, "the upload policy request").data
        key = f"{policy.upload_dir}/{filename}"
        form = {"OSSAccessKeyId": policy.oss_access_key_id, "Signature": policy.signature, "policy": policy.policy,
                "x-oss-object-acl": policy.x_oss_object_acl, "x-oss-forbid-overwrite": policy.x_oss_forbid_overwrite,
                "key": key, "success_action_status": "200"}
        response = await self._send("POST", policy.upload_host, data=form, files={"file": (filename, data)},
                                    timeout_s=None)
        if response.status_code != 200:
            raise self.error(ProviderError, f"uploading {filename} to DashScope's temporary storage failed with "
                                            f"HTTP {response.status_code}", response=response)
        return f"oss://{key}"

    async def download_video(self, url: str, *, sleep: Sleep | None = None) -> bytes:
        """A video task's result file, capped at ``max_video_bytes``."""
        data, _ = await self.download(url, max_bytes=self.max_video_bytes,
                                      accept=("video/", "application/octet-stream"), sleep=sleep)
        return data

    async def download_images(self, images: Images, *, sleep: Sleep | None = None) -> list[bytes]:
        """Fetch every result image (no credentials go to the result host)."""
        blobs = []
        for url in images.urls:
            data, _ = await self.download(url, max_bytes=self.max_result_bytes,
                                          accept=("image/", "application/octet-stream"), sleep=sleep)
            blobs.append(data)
        return blobs

    # --- helpers --------------------------------------------------------------------------
    def _images(self, output: Any) -> Images:
        urls = [item.url for item in output.results if item.url]
        failures = [f"{item.message or 'no image'}" + (f" ({item.code})" if item.code else "")
                    for item in output.results if not item.url]
        if not urls:
            reason = "; ".join(failures) or "the task succeeded without any image"
            raise self.error(TaskFailedError, reason)
        return Images(urls, failures)

    def _unknown(self, task_id: str) -> TaskStatus:
        seen = self._unknown_polls[task_id] = self._unknown_polls.get(task_id, 0) + 1
        if seen >= _MAX_UNKNOWN_POLLS:
            raise self.error(TaskFailedError, f"DashScope does not know task {task_id} (expired or never created)")
        return TaskStatus("queued", message="task state unknown")

    def _parse(self, model: type[W], body: Any, what: str) -> W:
        try:
            return model.model_validate(body)
        except ValidationError:
            raise self.error(ProviderError, f"DashScope answered {what} with an unexpected body") from None


def client_for(ctx: Any, region: str) -> DashScopeClient:
    """The client a node should use. ``"default"`` leaves the choice to the provider
    settings (an explicit base URL, else the region chosen there, else Beijing); a
    named region picks that region's host, unless the user set an explicit base URL
    (a proxy, a workspace host, a test server), which always wins because it is the
    more deliberate choice. DashScope keys belong to one region."""
    if region in ("", "default"):
        return ctx.provider(DashScopeClient)
    if region not in REGIONS:
        raise ValueError(f"region: {region!r} is not one of default, {', '.join(REGIONS)}")
    return ctx.provider(DashScopeClient, region=region)


def _error_fields(body: Any) -> tuple[str, str, str]:
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        error = body["error"]
        code = error.get("code") or error.get("type") or ""
        return str(code), str(error.get("message") or ""), str(body.get("request_id") or "")
    if isinstance(body, dict):
        try:
            native = NativeError.model_validate(body)
            return native.code, native.message, native.request_id
        except ValidationError:
            return "", "", ""
    return "", (body.strip()[:300] if isinstance(body, str) else ""), ""


def _classify(code: str, response: httpx.Response) -> type[ProviderError]:
    key = code.split(".")[0].replace("_", "").lower()
    if key in _BY_CODE:
        return _BY_CODE[key]
    # A 5xx on a task submit may still have created a billed task: submits are sent
    # with create=True, so ProviderClient fails them as AmbiguousCreateError instead of
    # re-sending; queries have no side effects, so any 5xx retries.
    return for_status(response.status_code)
