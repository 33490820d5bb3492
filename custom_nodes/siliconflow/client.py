"""SiliconFlowClient: SiliconFlow's API (specs/providers.md §6). Chat is the OpenAI
format (on the SDK's ``OpenAICompatClient``) plus DeepSeek-style
``reasoning_content``; image generation and the async video task API are
SiliconFlow's own; errors come in SiliconFlow's own envelopes
(``{"code", "message", "data": null}``, or ``{"message", "data": null}`` for rate
limits, plain text for some 401s). It knows nothing about nodes or graphs."""
from __future__ import annotations

import json
from typing import Any, Awaitable, Callable, ClassVar

import httpx
from pydantic import BaseModel, ValidationError

from keroro_graph.api import (DEFAULT_MAX_DOWNLOAD_BYTES, ContentPolicyError, ChatResult, OpenAICompatClient, ProviderError,
                              QuotaError, RateLimitedError, TaskStatus, for_status)

from .models import (VIDEO_STATES, ImageRequest, ImageResult, VideoRequest,
                     VideoStatus, VideoSubmitted)

Sleep = Callable[[float], Awaitable[None]]
OnText = Callable[[str, bool], None]
Messages = list[dict[str, Any]]

#: Words in a refusal that mean moderation, not a malformed request (the body
#: SiliconFlow sends for moderation is UNCONFIRMED, so this matches loosely).
_POLICY_WORDS = ("sensitive", "content policy", "moderation", "inappropriate", "违规", "敏感")


class SiliconFlowClient(OpenAICompatClient):
    provider = "siliconflow"
    #: Result files larger than this fail with ResultTooLargeError.
    max_result_bytes: ClassVar[int] = DEFAULT_MAX_DOWNLOAD_BYTES
    #: R1-style models may think for minutes before a non-streamed answer starts.
    chat_timeout_s: ClassVar[float] = 600.0

    def parse_error(self, response: httpx.Response, body: Any) -> ProviderError | None:
        if response.status_code < 400:
            return None
        if isinstance(body, dict) and isinstance(body.get("error"), dict):
            return super().parse_error(response, body)  # an OpenAI-style body, should one appear
        message = str((body.get("message") if isinstance(body, dict) else body) or response.reason_phrase)
        code = body.get("code") if isinstance(body, dict) else None
        return self.error(_classify(response.status_code, message), message[:500], code=code, response=response)

    # --- chat --------------------------------------------------------------------------------
    async def complete(self, model: str, messages: Messages, *, sleep: Sleep | None = None,
                       **options: Any) -> ChatResult:
        return await self.chat(model, messages, sleep=sleep, timeout_s=self.chat_timeout_s, **options)

    async def stream(self, model: str, messages: Messages, *, on_text: OnText, sleep: Sleep | None = None,
                     **options: Any) -> ChatResult:
        """A streamed completion (the SDK's: retried only before the first piece);
        ``on_text(piece, is_reasoning)`` sees each piece of the answer and the reasoning."""
        return await self.chat_stream(model, messages, on_text=lambda piece: on_text(piece, False),
                                      on_reasoning=lambda piece: on_text(piece, True), sleep=sleep, **options)

    # --- images --------------------------------------------------------------------------------
    async def generate(self, request: ImageRequest, *, sleep: Sleep | None = None) -> list[bytes]:
        """``POST /images/generations`` → the images, fetched at once (their URLs
        expire after an hour)."""
        body = await self.request("POST", self.images_path, json=request.payload(), sleep=sleep, create=True)
        urls = self._parse(ImageResult, body, "image response").urls()
        if not urls:
            raise self.error(ProviderError, "the image response holds no images")
        return [await self.fetch(url, accept=("image/", "application/octet-stream"), sleep=sleep) for url in urls]

    async def fetch(self, url: str, *, accept: tuple[str, ...], sleep: Sleep | None = None) -> bytes:
        data, _ = await self.download(url, max_bytes=self.max_result_bytes, accept=accept, sleep=sleep)
        return data

    # --- video ---------------------------------------------------------------------------------
    async def submit_video(self, request: VideoRequest, *, sleep: Sleep | None = None) -> str:
        body = await self.request("POST", "/video/submit", json=request.payload(), sleep=sleep, create=True)
        return self._parse(VideoSubmitted, body, "video submit response").requestId

    async def video_status(self, request_id: str, *, sleep: Sleep | None = None) -> TaskStatus:
        """One poll (a POST, not a GET) mapped onto the poller's states; a finished
        task's ``result`` is its video URL."""
        body = await self.request("POST", "/video/status", json={"requestId": request_id}, sleep=sleep)
        status = self._parse(VideoStatus, body, "video status")
        state = VIDEO_STATES.get(status.status, "running")
        if state == "failed":
            return TaskStatus("failed", message=f"SiliconFlow video failed: {status.reason or 'no reason given'}",
                              raw=body)
        if state == "succeeded":
            videos = status.results.videos if status.results else []
            if not videos:
                return TaskStatus("failed", message="SiliconFlow reports success but sent no video", raw=body)
            return TaskStatus("succeeded", result=videos[0].url, raw=body)
        where = f"position {status.position} in the queue" if state == "queued" and status.position is not None \
            else ("" if status.status in VIDEO_STATES else status.status)
        return TaskStatus(state, message=where, raw=body)

    # --- helpers -------------------------------------------------------------------------------
    def _parse(self, model: type[BaseModel], body: Any, what: str) -> Any:
        try:
            return model.model_validate(body)
        except ValidationError:
            raise self.error(ProviderError, f"the {what} was not understood") from None


def _classify(status: int, message: str) -> type[ProviderError]:
    """The error class for a SiliconFlow refusal: its message first (a 429's is the
    only sign of a rate limit some gateways keep), then the HTTP status."""
    lowered = message.lower()
    if "rate limit" in lowered:
        return RateLimitedError
    if "balance" in lowered or "余额" in message:
        return QuotaError
    if any(word in lowered for word in _POLICY_WORDS):
        return ContentPolicyError
    return for_status(status)


def _json_or_text(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text
