"""KlingClient: Kling's HTTP protocol (spec §2) and nothing else. It signs every
request with a short-lived HS256 JWT built from the access and secret keys (shared
across clients and renewed before it expires), maps Kling's ``{"code", "message",
"request_id"}`` errors onto the SDK's error classes, creates the three task kinds,
polls them to the end with progress, and downloads results with a size cap. It
knows no nodes and no IMAGE arrays; the nodes prepare the request bodies."""
from __future__ import annotations

import hashlib
import threading
import uuid
from typing import Any, Awaitable, Callable, ClassVar, Literal

import httpx
from pydantic import ValidationError

from keroro_graph.api import (DEFAULT_MAX_DOWNLOAD_BYTES, AmbiguousCreateError, AuthError, BadRequestError,
                              ContentPolicyError, JwtCache, PollPlan, ProviderClient, ProviderError, ProviderUnavailableError,
                              QuotaError, RateLimitedError, TaskFailedError, TaskStatus, for_status, poll)

from .models import Envelope, KlingTask, WireRequest

Kind = Literal["text2video", "image2video", "image", "omni-video", "omni-image", "video-extend", "effects",
               "try-on", "lip-sync", "avatar", "motion-control"]
Sleep = Callable[[float], Awaitable[None]]

PATHS: dict[str, str] = {
    "text2video": "/v1/videos/text2video",
    "image2video": "/v1/videos/image2video",
    "image": "/v1/images/generations",
    "omni-video": "/v1/videos/omni-video",
    "omni-image": "/v1/images/omni-image",
    "video-extend": "/v1/videos/video-extend",
    "effects": "/v1/videos/effects",
    "try-on": "/v1/images/kolors-virtual-try-on",
    "lip-sync": "/v1/videos/lip-sync",
    "avatar": "/v1/videos/avatar/image2video",
    "motion-control": "/v1/videos/motion-control",
}
#: Kling reports no progress, so the poller's estimate comes from these typical times.
PLANS: dict[str, PollPlan] = {
    "text2video": PollPlan(interval_s=5.0, max_interval_s=15.0, estimate_s=300.0, timeout_s=3600.0),
    "image2video": PollPlan(interval_s=4.0, max_interval_s=15.0, estimate_s=160.0, timeout_s=3600.0),
    "image": PollPlan(interval_s=2.0, max_interval_s=8.0, estimate_s=30.0, timeout_s=900.0),
    "omni-video": PollPlan(interval_s=5.0, max_interval_s=15.0, estimate_s=300.0, timeout_s=3600.0),
    "omni-image": PollPlan(interval_s=2.0, max_interval_s=8.0, estimate_s=40.0, timeout_s=900.0),
    "video-extend": PollPlan(interval_s=5.0, max_interval_s=15.0, estimate_s=320.0, timeout_s=3600.0),
    "effects": PollPlan(interval_s=5.0, max_interval_s=15.0, estimate_s=320.0, timeout_s=3600.0),
    "try-on": PollPlan(interval_s=2.0, max_interval_s=8.0, estimate_s=20.0, timeout_s=900.0),
    "lip-sync": PollPlan(interval_s=5.0, max_interval_s=15.0, estimate_s=455.0, timeout_s=3600.0),
    "avatar": PollPlan(interval_s=5.0, max_interval_s=15.0, estimate_s=600.0, timeout_s=7200.0),
    "motion-control": PollPlan(interval_s=5.0, max_interval_s=15.0, estimate_s=400.0, timeout_s=3600.0),
}
LABELS = {"text2video": "Kling video", "image2video": "Kling video", "image": "Kling image",
          "omni-video": "Kling Omni video", "omni-image": "Kling Omni image", "video-extend": "Kling extension",
          "effects": "Kling effect", "try-on": "Kling try-on", "lip-sync": "Kling lip sync", "avatar": "Kling avatar",
          "motion-control": "Kling motion control"}

_STATES = {"submitted": "queued", "processing": "running", "succeed": "succeeded", "failed": "failed"}

#: Spec §2.8. Codes missing here fall back to the HTTP status.
_ERRORS: dict[int, type[ProviderError]] = {
    1000: AuthError, 1001: AuthError, 1002: AuthError, 1003: AuthError, 1004: AuthError,
    1100: AuthError, 1101: QuotaError, 1102: QuotaError, 1103: AuthError,
    1200: BadRequestError, 1201: BadRequestError, 1202: BadRequestError, 1203: BadRequestError,
    1300: ContentPolicyError, 1301: ContentPolicyError,
    1302: RateLimitedError, 1303: RateLimitedError, 1304: AuthError,
    5000: ProviderUnavailableError, 5001: ProviderUnavailableError, 5002: ProviderUnavailableError,
}
#: The token's clock was wrong for Kling: build a fresh one next time.
_STALE_TOKEN_CODES = {1003, 1004}


class KlingClient(ProviderClient):
    provider = "kling"
    credentials = ("access_key", "secret_key")
    #: Result caps; tests lower them to see ResultTooLargeError.
    max_video_bytes: ClassVar[int] = DEFAULT_MAX_DOWNLOAD_BYTES
    max_image_bytes: ClassVar[int] = 64 * 1024 * 1024

    # The hub makes a client per call, so tokens are cached per key pair here: one
    # signature per 25 minutes instead of one per request. Keyed by a digest so the
    # secret is never a dictionary key anyone could print.
    _tokens: ClassVar[dict[tuple[str, str], JwtCache]] = {}
    _tokens_lock: ClassVar[threading.Lock] = threading.Lock()

    # --- authentication ---------------------------------------------------------------------
    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._jwt().token()}"}

    def _token_key(self) -> tuple[str, str]:
        secret = self.secrets.get("secret_key", "")
        return self.secrets.get("access_key", ""), hashlib.sha256(secret.encode()).hexdigest()

    def _jwt(self) -> JwtCache:
        key = self._token_key()
        with self._tokens_lock:
            cache = self._tokens.get(key)
            if cache is None:
                cache = self._tokens[key] = JwtCache(key[0], self.secrets.get("secret_key", ""))
            return cache

    def forget_token(self) -> None:
        with self._tokens_lock:
            self._tokens.pop(self._token_key(), None)

    # --- errors -----------------------------------------------------------------------------
    def parse_error(self, response: httpx.Response, body: Any) -> ProviderError | None:
        if not isinstance(body, dict):
            return self.error(_unreadable(response), f"Kling answered HTTP {response.status_code} with a body "
                              "that is not a JSON object", response=response)
        code = _as_int(body.get("code", 0))
        if response.status_code < 400 and code in (0, None):
            return None
        cls = _ERRORS.get(code) if isinstance(code, int) else None
        if cls is None:
            cls = for_status(response.status_code)
        if code in _STALE_TOKEN_CODES:
            self.forget_token()
        message = str(body.get("message") or response.reason_phrase or "request failed")[:500]
        if body.get("request_id"):
            message = f"{message} [request_id {body['request_id']}]"
        return self.error(cls, message, code=code, response=response)

    # --- tasks ------------------------------------------------------------------------------
    async def create(self, kind: Kind, body: WireRequest, *, sleep: Sleep | None = None) -> KlingTask:
        """Submit a task; returns it as created (``submitted``).

        Every create carries an ``external_task_id`` (Kling's idempotency key, unique
        per account). When a create fails after it was sent (a 5xx, a timeout), the
        task may exist: it is looked up by that id in Kling's task list and adopted if
        found; only when it is not there is the create sent again, with the same id,
        so Kling itself refuses a duplicate. Nothing is ever paid twice."""
        wire = body.wire()
        external = str(wire.get("external_task_id") or f"kg-{uuid.uuid4().hex}")
        wire["external_task_id"] = external
        pause = sleep or self.sleep
        for attempt in range(1, self.retry.max_attempts + 1):
            try:
                return self._task(await self.request("POST", PATHS[kind], json=wire, sleep=sleep, create=True))
            except (AmbiguousCreateError, BadRequestError) as exc:
                if isinstance(exc, BadRequestError) and attempt == 1:
                    raise  # a plain refusal of the first send: nothing was created
                try:
                    found = await self.find_external(kind, external, sleep=sleep)
                except ProviderError as lookup:
                    raise self.error(AmbiguousCreateError, f"the {kind} task {external!r} may have been created "
                                     f"({exc.message}) and looking it up failed too ({lookup.message}); check "
                                     "Kling's task list before running again") from exc
                if found is not None:
                    return found
                if attempt == self.retry.max_attempts or isinstance(exc, BadRequestError):
                    raise self.error(AmbiguousCreateError, f"the {kind} task {external!r} could not be created or "
                                     f"found after {attempt} attempt(s) ({exc.message}); check Kling's task "
                                     "list before running again") from exc
                await pause(self.retry.delay(attempt))
        raise AssertionError("unreachable")

    async def find_external(self, kind: Kind, external_task_id: str, *,
                            sleep: Sleep | None = None) -> KlingTask | None:
        """The task created with ``external_task_id``, from the newest page of Kling's
        task list (spec §2.3; the list is documented, a query by external id is not)."""
        answer = await self.request("GET", PATHS[kind], params={"pageNum": 1, "pageSize": 500}, sleep=sleep)
        for item in (answer.get("data") if isinstance(answer, dict) else None) or []:
            info = item.get("task_info") if isinstance(item, dict) else None
            if isinstance(info, dict) and info.get("external_task_id") == external_task_id:
                return self._parse_task(item)
        return None

    async def task(self, kind: Kind, task_id: str, *, sleep: Sleep | None = None) -> KlingTask:
        answer = await self.request("GET", f"{PATHS[kind]}/{task_id}", sleep=sleep)
        return self._task(answer)

    async def status(self, kind: Kind, task_id: str, *, sleep: Sleep | None = None) -> TaskStatus:
        """One poll as a TaskStatus; a failed task raises TaskFailedError with Kling's reason."""
        task = await self.task(kind, task_id, sleep=sleep)
        state = _STATES.get(task.task_status, "running")
        if state == "failed":
            reason = task.task_status_msg or "no reason given"
            raise self.error(TaskFailedError, f"task {task_id} failed: {reason}")
        return TaskStatus(state=state, message=task.task_status_msg or "", result=task, raw=task)

    async def wait(self, ctx: Any, kind: Kind, task_id: str) -> KlingTask:
        """Poll until the task succeeds, reporting estimated progress on ``ctx``. Kling
        has no cancel endpoint: on cancellation the task runs on at Kling, unwatched."""
        done = await poll(ctx, lambda: self.status(kind, task_id), plan=PLANS[kind],
                          label=LABELS[kind])
        return done.result

    async def fetch(self, url: str, *, max_bytes: int, accept: tuple[str, ...],
                    sleep: Sleep | None = None) -> bytes:
        """A result file (no credentials go to the result host)."""
        data, _kind = await self.download(url, max_bytes=max_bytes, accept=accept, sleep=sleep)
        return data

    def _task(self, answer: Any) -> KlingTask:
        try:
            return self._parse_task(Envelope.model_validate(answer).data)
        except ValidationError as exc:
            raise self.error(ProviderError, f"unexpected task object from Kling: {_first_problem(exc)}") from None

    def _parse_task(self, data: Any) -> KlingTask:
        try:
            return KlingTask.model_validate(data)
        except ValidationError as exc:
            raise self.error(ProviderError, f"unexpected task object from Kling: {_first_problem(exc)}") from None


def _as_int(code: Any) -> Any:
    """Codes arrive as numbers; tolerate "1303" too."""
    return int(code) if isinstance(code, str) and code.strip().lstrip("-").isdigit() else code


def _unreadable(response: httpx.Response) -> type[ProviderError]:
    if response.status_code >= 400:
        return for_status(response.status_code)
    # A garbled answer to a create may still have created a task: retrying could pay
    # twice, so only polls (GET) retry it.
    return ProviderUnavailableError if response.request.method == "GET" else ProviderError


def _first_problem(exc: ValidationError) -> str:
    first = exc.errors()[0]
    return f"{'.'.join(str(p) for p in first['loc']) or 'body'}: {first['msg']}"
