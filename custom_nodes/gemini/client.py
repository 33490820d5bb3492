"""GeminiClient: the native Gemini API (spec §3). It authenticates with the
``x-goog-api-key`` header (never ``?key=``, so keys stay out of URLs and logs), calls
``models/{model}:generateContent``, maps google.rpc error bodies onto the SDK's error
classes (RetryInfo → retry delay, per-day quota → QuotaError), turns blocked prompts
into ContentPolicyError, and pulls result images out of inline parts or, failing
that, out of the text. It knows nothing about nodes or IMAGE arrays."""
from __future__ import annotations

import base64
import binascii
from typing import Any, Awaitable, Callable, ClassVar

import httpx
from pydantic import ValidationError

from keroro_graph.api import (AuthError, BadRequestError, ContentPolicyError, ProviderClient, ProviderError,
                              ProviderUnavailableError, QuotaError, RateLimitedError, ResultTooLargeError,
                              TaskFailedError, parse_duration)

from .models import GenerateContentRequest, GenerateContentResponse
from .text_images import elide_data_urls, fetch_refs, image_refs

Sleep = Callable[[float], Awaitable[None]]

_RPC = "type.googleapis.com/google.rpc."
#: finishReason values that mean moderation stopped the answer.
BLOCKING_FINISH = {"SAFETY", "PROHIBITED_CONTENT", "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT", "BLOCKLIST", "SPII"}
GOOGLE_HOST_SUFFIX = ".googleapis.com"
_RETRY_STATUSES = {"UNAVAILABLE", "DEADLINE_EXCEEDED", "INTERNAL"}


class GeminiClient(ProviderClient):
    provider = "gemini"
    credentials = ("api_key",)
    #: Largest result image accepted, inline or downloaded (tests lower it).
    max_result_bytes: ClassVar[int] = 64 * 1024 * 1024

    def auth_headers(self) -> dict[str, str]:
        key = self.secrets.get("api_key", "")
        headers = {"x-goog-api-key": key}
        if not httpx.URL(self.base_url).host.endswith(GOOGLE_HOST_SUFFIX):
            # A relay's Gemini-native passthrough (spec §4.4): T8Star reads a bearer key,
            # others the Google header; the key is the relay's own, so both may carry it.
            headers["Authorization"] = f"Bearer {key}"
        return headers

    def parse_error(self, response: httpx.Response, body: Any) -> ProviderError | None:
        """google.rpc ``{"error": {code, message, status, details}}`` → an error class
        (spec §3.5). Some front ends wrap the error in a one-element list."""
        if response.status_code < 400:
            return None
        if isinstance(body, list) and body:
            body = body[0]
        error = body.get("error") if isinstance(body, dict) else None
        error = error if isinstance(error, dict) else {}
        status = str(error.get("status") or "")
        message = str(error.get("message") or (body if isinstance(body, str) else "") or response.reason_phrase)[:500]
        details = [d for d in error.get("details") or [] if isinstance(d, dict)]
        cls, retry_after_s = _classify(response.status_code, status, details)
        failure = self.error(cls, message, code=status or response.status_code, response=response,
                             retry_after_s=retry_after_s)
        if isinstance(failure, ProviderUnavailableError) and response.status_code == 503 and status == "UNAVAILABLE":
            # "The model is overloaded": Google refused it before any work (nothing was
            # generated, nothing billed), so even a generateContent is tried again.
            failure.sent = False
        return failure

    async def generate_content(self, model: str, request: GenerateContentRequest, *,
                               sleep: Sleep | None = None) -> GenerateContentResponse:
        """One ``generateContent`` call (retried per the policy). Raises
        ContentPolicyError when the prompt or answer was blocked."""
        name = model.removeprefix("models/")
        body = await self.request("POST", f"/models/{name}:generateContent", json=request.wire(), sleep=sleep,
                                  create=True)
        if not isinstance(body, dict):
            raise self.error(ProviderError, "generateContent answered with something other than JSON")
        try:
            answer = GenerateContentResponse.model_validate(body)
        except ValidationError as exc:
            raise self.error(ProviderError, f"generateContent answer is malformed: {exc.errors()[0]['msg']}") from None
        self.check_blocked(answer)
        return answer

    def check_blocked(self, answer: GenerateContentResponse) -> None:
        """Raise ContentPolicyError naming the reason when moderation stopped the call,
        ProviderError when there is no candidate at all."""
        feedback = answer.prompt_feedback
        if feedback is not None and feedback.block_reason:
            detail = f": {feedback.block_reason_message}" if feedback.block_reason_message else ""
            raise self.error(ContentPolicyError, f"the prompt was blocked ({feedback.block_reason}){detail}",
                             code=feedback.block_reason)
        if not answer.candidates:
            raise self.error(ProviderError, "the answer has no candidates and no block reason")
        reason = answer.candidates[0].finish_reason
        if reason in BLOCKING_FINISH:
            raise self.error(ContentPolicyError, f"the answer was stopped by moderation (finishReason {reason})",
                             code=reason)

    async def result_images(self, answer: GenerateContentResponse, *, sleep: Sleep | None = None,
                            thought: bool | None = None) -> list[bytes]:
        """Result images: inline parts (camelCase or snake_case), else data URLs,
        markdown images or image URLs found in the text. ``thought`` keeps only the
        thinking model's draft images (True) or only its answer (False). Raises
        TaskFailedError, quoting the model, when there is none."""
        blobs = [self._inline(part.inline_data.data) for part in answer.parts()
                 if part.inline_data is not None and part.inline_data.mime_type.startswith("image/")
                 and part.inline_data.data and (thought is None or bool(part.thought) == thought)]
        if not blobs and thought:
            return []
        if not blobs:
            # Only image-looking links: a bare URL in a refusal is not a result.
            refs = image_refs(answer.text(), any_url=False)
            blobs = await fetch_refs(self, refs, max_bytes=self.max_result_bytes, sleep=sleep)
        if not blobs:
            reason = answer.candidates[0].finish_reason if answer.candidates else None
            said = elide_data_urls(answer.text()).strip()[:300] or "no text"
            raise self.error(TaskFailedError, f"the model returned no image (finishReason {reason}); it said: {said}")
        return blobs

    def _inline(self, data: str) -> bytes:
        if len(data) * 3 // 4 > self.max_result_bytes:
            raise self.error(ResultTooLargeError, f"result image is about {len(data) * 3 // 4:,} bytes, "
                             f"above the limit of {self.max_result_bytes:,}")
        try:
            return base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            raise self.error(ProviderError, "an inline result image is not valid base64") from None


def _classify(http_status: int, status: str, details: list[dict[str, Any]]) -> tuple[type[ProviderError], float | None]:
    """The error class and retry delay for one google.rpc error (spec §3.5)."""
    if http_status in (401, 403) or status in ("PERMISSION_DENIED", "UNAUTHENTICATED"):
        return AuthError, None
    if http_status == 400 or status in ("INVALID_ARGUMENT", "FAILED_PRECONDITION"):
        if status == "FAILED_PRECONDITION":
            return QuotaError, None  # region not served or billing: retrying cannot help
        reasons = {d.get("reason") for d in details if d.get("@type") == _RPC + "ErrorInfo"}
        return (AuthError if "API_KEY_INVALID" in reasons else BadRequestError), None
    if http_status == 429 or status == "RESOURCE_EXHAUSTED":
        quota_ids = [str(v.get("quotaId", "")) for d in details if d.get("@type") == _RPC + "QuotaFailure"
                     for v in d.get("violations") or [] if isinstance(v, dict)]
        if any("PerDay" in q for q in quota_ids):
            return QuotaError, None  # the daily allowance is gone until tomorrow
        delay = next((parse_duration(d.get("retryDelay")) for d in details
                      if d.get("@type") == _RPC + "RetryInfo"), None)
        return RateLimitedError, delay
    if http_status >= 500 or status in _RETRY_STATUSES:
        return ProviderUnavailableError, None
    return BadRequestError, None
