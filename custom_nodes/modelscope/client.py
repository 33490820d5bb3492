"""ModelScopeClient: ModelScope API-Inference's wire protocol (specs/providers.md §7).
Chat is the OpenAI format at ``{base}/chat/completions`` (the SDK's OpenAI client does
the talking); images are async: submit to ``/images/generations`` with
``X-ModelScope-Async-Mode: true``, poll ``/tasks/{id}`` with
``X-ModelScope-Task-Type: image_generation``, download the result URLs. Every answer
carries the caller's daily quota in ``modelscope-ratelimit-*`` headers, which the
client keeps so nodes can show it. This module knows nothing about nodes or graphs.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from keroro_graph.api import (AuthError, BadRequestError, ContentPolicyError, OpenAICompatClient, ProviderError,
                              ProviderUnavailableError, QuotaError, RateLimitedError, TaskFailedError, TaskStatus)

from .models import ImageRequest, ImageTask, TaskState

Sleep = Callable[[float], Awaitable[None]]
W = TypeVar("W", bound=BaseModel)

_ASYNC = {"X-ModelScope-Async-Mode": "true"}
_TASK_TYPE = {"X-ModelScope-Task-Type": "image_generation"}
_CONTENT_CODES = {"content_policy_violation", "content_filter", "data_inspection_failed"}


@dataclass(frozen=True)
class Quota:
    """The four ``modelscope-ratelimit-*`` headers (per user per day, and per model)."""

    limit: int | None = None
    remaining: int | None = None
    model_limit: int | None = None
    model_remaining: int | None = None

    @classmethod
    def from_headers(cls, headers: httpx.Headers) -> "Quota | None":
        values = [_int(headers.get(f"modelscope-ratelimit-{name}")) for name in
                  ("requests-limit", "requests-remaining", "model-requests-limit", "model-requests-remaining")]
        return cls(*values) if any(v is not None for v in values) else None

    @property
    def exhausted(self) -> bool:
        return self.remaining == 0 or self.model_remaining == 0

    def text(self) -> str:
        parts = []
        if self.remaining is not None:
            parts.append(f"{self.remaining}/{self.limit or '?'} calls left today")
        if self.model_remaining is not None:
            parts.append(f"{self.model_remaining}/{self.model_limit or '?'} for this model")
        return ", ".join(parts)


class ModelScopeClient(OpenAICompatClient):
    provider = "modelscope"
    credentials = ("token",)
    images_path = "/images/generations"
    tasks_path = "/tasks"
    #: Cap on one downloaded result image (tests lower it).
    max_result_bytes = 64 * 1024 * 1024

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # A bare host (as users type it) means the documented /v1 API.
        if httpx.URL(self.base_url).path in ("", "/"):
            self.base_url = f"{self.base_url}/v1"
        #: The quota the latest answer reported (None before any answer).
        self.quota: Quota | None = None

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.secrets.get('token', '')}"}

    async def _send(self, method: str, url: str, *, timeout_s: float | None, **kwargs: Any) -> httpx.Response:
        # The official sample sends UTF-8 JSON without \u escapes (ensure_ascii=False);
        # httpx before 0.28 escapes, so the body is encoded here. Every answer also
        # passes through here, which is where its quota headers are read.
        payload = kwargs.pop("json", None)
        if payload is not None:
            kwargs["content"] = json.dumps(payload, ensure_ascii=False).encode("utf-8")
            kwargs["headers"] = {**(kwargs.get("headers") or {}), "Content-Type": "application/json"}
        response = await super()._send(method, url, timeout_s=timeout_s, **kwargs)
        self.quota = Quota.from_headers(response.headers) or self.quota
        return response

    def parse_error(self, response: httpx.Response, body: Any) -> ProviderError | None:
        """``{"error": {code, message, type}, "request_id"}`` and
        ``{"errors": {message, request_id}}`` (§7.3)."""
        if response.status_code < 400:
            return None
        detail = _detail(body)
        code = str(detail.get("code") or detail.get("type") or "")
        message = str(detail.get("message") or (body.strip()[:300] if isinstance(body, str) else "")
                      or response.reason_phrase or f"HTTP {response.status_code}")
        request_id = (body.get("request_id") if isinstance(body, dict) else None) or detail.get("request_id")
        if request_id:
            message = f"{message} [request {request_id}]"
        return self.error(self._classify(response.status_code, code, detail), message[:500],
                          code=code or None, response=response)

    def _classify(self, status: int, code: str, detail: dict[str, Any]) -> type[ProviderError]:
        kind = str(detail.get("type") or "")
        if code in _CONTENT_CODES:
            return ContentPolicyError
        if status == 429 or kind == "rate_limit_error" or code == "too_many_requests":
            # The 429 body reads "达到使用量上限" for the daily cap too; when the
            # headers say nothing is left today, waiting seconds will not help.
            return QuotaError if self.quota is not None and self.quota.exhausted else RateLimitedError
        if status in (401, 403):
            return AuthError
        if status == 402:
            return QuotaError
        if status >= 500 or status == 408:
            return ProviderUnavailableError
        return BadRequestError

    # --- images ---------------------------------------------------------------------------
    async def submit_image(self, request: ImageRequest, *, sleep: Sleep | None = None) -> str:
        """Start an async image task; returns its task id."""
        body = await self.request("POST", self.images_path, json=request.body(), headers=_ASYNC, sleep=sleep,
                                  create=True)
        return self._parse(ImageTask, body, "the image submission").task_id

    async def task_status(self, task_id: str, *, sleep: Sleep | None = None) -> TaskStatus:
        """One poll as the poller's TaskStatus (the message is the quota left); a
        succeeded status carries the result URLs. Raises TaskFailedError with the
        provider's reason."""
        body = await self.request("GET", f"{self.tasks_path}/{task_id}", headers=_TASK_TYPE, sleep=sleep)
        state = self._parse(TaskState, body, "the task query")
        status = state.task_status.upper()
        quota = self.quota.text() if self.quota is not None else ""
        if status in ("SUCCEED", "SUCCEEDED", "SUCCESS"):
            urls = state.image_urls()
            if not urls:
                raise self.error(TaskFailedError, state.failure() or "the task succeeded without any image")
            return TaskStatus("succeeded", result=urls, message=quota, raw=state)
        if status in ("FAILED", "FAILURE", "CANCELED", "CANCELLED"):
            raise self.error(TaskFailedError, state.failure() or f"the task ended {status}")
        return TaskStatus("running" if status in ("RUNNING", "PROCESSING") else "queued", message=quota, raw=state)

    async def download_images(self, urls: list[str], *, sleep: Sleep | None = None) -> list[bytes]:
        """Fetch every result image (no credentials go to the result host)."""
        blobs = []
        for url in urls:
            data, _ = await self.download(url, max_bytes=self.max_result_bytes,
                                          accept=("image/", "application/octet-stream"), sleep=sleep)
            blobs.append(data)
        return blobs

    def quota_text(self) -> str:
        return self.quota.text() if self.quota is not None else ""

    def _parse(self, model: type[W], body: Any, what: str) -> W:
        try:
            return model.model_validate(body)
        except ValidationError:
            raise self.error(ProviderError, f"ModelScope answered {what} with an unexpected body") from None


def _detail(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        return {}
    for key in ("error", "errors"):
        if isinstance(body.get(key), dict):
            return body[key]
        if isinstance(body.get(key), str):
            return {"message": body[key]}
    return body


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
