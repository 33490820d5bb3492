"""The OpenAI wire format, which seven of our providers speak (SiliconFlow and
ModelScope chat, DashScope compatible mode, OhMyGPT, CherryIN, Comfly, T8Star):
chat completions (plain and SSE streaming, with images as data URLs), image
generation, and OpenAI-style error bodies. Packs subclass ``OpenAICompatClient``
for their base URL, model ids and error quirks."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, AsyncIterator, Awaitable, Callable

import httpx

from ..engine.context import current_context
from .client import ProviderClient
from .errors import (ContentPolicyError, ProviderError, ProviderUnavailableError, QuotaError, RateLimitedError,
                     for_status)

Sleep = Callable[[float], Awaitable[None]]

#: OpenAI error codes that retrying cannot fix, whatever the HTTP status says.
_NO_RETRY_CODES = {"insufficient_quota": QuotaError, "billing_hard_limit_reached": QuotaError,
                   "content_policy_violation": ContentPolicyError, "content_filter": ContentPolicyError}


@dataclass
class ChatResult:
    text: str
    finish_reason: str | None = None
    usage: dict[str, Any] = field(default_factory=dict)
    #: Images a relay returned outside the text (``message.images[].image_url.url``).
    image_urls: list[str] = field(default_factory=list)
    #: Reasoning models' thinking (``reasoning_content``), kept apart from the answer.
    reasoning: str = ""
    raw: Any = field(default=None, repr=False)


def user_message(text: str, image_urls: list[str] | None = None, *, detail: str | None = None) -> dict[str, Any]:
    """A user turn with text and images (URLs or data URLs)."""
    parts: list[dict[str, Any]] = [{"type": "text", "text": text}]
    for url in image_urls or []:
        image: dict[str, Any] = {"url": url}
        if detail:
            image["detail"] = detail
        parts.append({"type": "image_url", "image_url": image})
    return {"role": "user", "content": parts if image_urls else text}


class OpenAICompatClient(ProviderClient):
    chat_path = "/chat/completions"
    images_path = "/images/generations"

    def parse_error(self, response: httpx.Response, body: Any) -> ProviderError | None:
        if response.status_code < 400:
            return None
        error = body.get("error") if isinstance(body, dict) else None
        if not isinstance(error, dict):
            error = body if isinstance(body, dict) else {}
        code = error.get("code") or error.get("type") or error.get("errorType")
        message = error.get("message") or (body if isinstance(body, str) else "") or response.reason_phrase
        cls = _NO_RETRY_CODES.get(str(code)) if code else None
        if cls is None:
            cls = for_status(response.status_code)
        return self.error(cls, str(message)[:500], code=code, response=response)

    async def chat(self, model: str, messages: list[dict[str, Any]], *, sleep: Sleep | None = None,
                   timeout_s: float | None = None, **options: Any) -> ChatResult:
        """One chat completion (non-streaming). ``timeout_s`` overrides the read timeout
        (reasoning models may think for minutes before the first byte)."""
        body = await self.request("POST", self.chat_path, json={"model": model, "messages": messages, **options},
                                  timeout_s=timeout_s, sleep=sleep, create=True)
        return self._chat_result(body)

    def _chat_result(self, body: Any) -> ChatResult:
        choices = body.get("choices") if isinstance(body, dict) else None
        choice = choices[0] if isinstance(choices, list) and choices and isinstance(choices[0], dict) else None
        if choice is None:
            raise self.error(ProviderError, "the chat response was not understood (no choices)")
        found = choice.get("message")
        message: dict[str, Any] = found if isinstance(found, dict) else {}
        content = message.get("content")
        if isinstance(content, list):  # some relays answer with content parts
            content = "".join(p.get("text", "") for p in content if isinstance(p, dict))
        content = content if isinstance(content, str) else ""
        if choice.get("finish_reason") == "content_filter" and not content.strip():
            raise self.error(ContentPolicyError, "the provider's content filter refused the request",
                             code="content_filter")
        reasoning = message.get("reasoning_content")
        _report_usage(body.get("usage"))
        return ChatResult(text=content, finish_reason=choice.get("finish_reason"),
                          usage=body.get("usage") or {}, image_urls=_image_urls(message),
                          reasoning=reasoning if isinstance(reasoning, str) else "", raw=body)

    async def chat_stream(self, model: str, messages: list[dict[str, Any]], *,
                          on_text: Callable[[str], None] | None = None,
                          on_reasoning: Callable[[str], None] | None = None,
                          sleep: Sleep | None = None, **options: Any) -> ChatResult:
        """A streamed chat completion (SSE), concatenated; ``on_text`` sees each piece of
        the answer as it arrives and ``on_reasoning`` each piece of a reasoning model's
        ``reasoning_content`` (kept apart in the result). Like every request that starts
        paid work (``request(create=True)``) it is retried only when the provider
        certainly did not take it (a refused connection, a rate limit); a 5xx, a timeout
        or a dropped connection once it was sent raises AmbiguousCreateError, and a
        failure after the first piece is final (a retry would repeat text the user has
        already seen, and pay twice)."""
        payload = {"model": model, "messages": messages, **options, "stream": True}
        started = False

        def relay(callback: Callable[[str], None] | None) -> Callable[[str], None]:
            def seen(piece: str) -> None:
                nonlocal started
                started = True
                if callback is not None:
                    callback(piece)
            return seen

        def sent_failure(message: str) -> ProviderError:
            if started:
                return self.error(ProviderError, f"the stream broke off: {message}")
            return self.ambiguous("POST", self.chat_path, ProviderUnavailableError(message, provider=self.provider))

        async def attempt() -> ChatResult:
            try:
                return await self._stream_once(payload, relay(on_text), relay(on_reasoning))
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
                raise self._broken(f"could not connect: {type(exc).__name__}", started) from None
            except httpx.TimeoutException:
                raise sent_failure("the stream timed out") from None
            except httpx.TransportError as exc:
                raise sent_failure(f"the stream failed: {type(exc).__name__}") from None
            except ProviderError as exc:
                # an error event inside the stream arrives without a provider name
                if started and (exc.retryable or not exc.provider):
                    raise self.error(ProviderError, f"the stream broke off: {exc.message}", code=exc.code) from None
                if isinstance(exc, ProviderUnavailableError):  # a 5xx, or an error event before any piece
                    raise self.ambiguous("POST", self.chat_path, exc) from None
                raise

        return await self.retry.run(attempt, sleep=sleep or self.sleep)

    async def _stream_once(self, payload: dict[str, Any], on_text: Callable[[str], None],
                           on_reasoning: Callable[[str], None]) -> ChatResult:
        pieces: list[str] = []
        reasoning: list[str] = []
        finish, images = None, []
        usage: dict[str, Any] = {}
        async with self.http.stream("POST", f"{self.base_url}{self.chat_path}", json=payload,
                                    headers=self.auth_headers()) as response:
            if response.status_code >= 400:
                await response.aread()
                failure = self.parse_error(response, _json_or_text(response.text))
                raise failure or self.error(for_status(response.status_code), "the stream was refused",
                                            response=response)
            text_chunks = response.aiter_text()
            async for event in sse_events(text_chunks):
                for choice in event.get("choices") or []:
                    delta = choice.get("delta") or {}
                    if isinstance(delta.get("reasoning_content"), str) and delta["reasoning_content"]:
                        reasoning.append(delta["reasoning_content"])
                        on_reasoning(delta["reasoning_content"])
                    if isinstance(delta.get("content"), str) and delta["content"]:
                        pieces.append(delta["content"])
                        on_text(delta["content"])
                    images += _image_urls(delta)
                    finish = choice.get("finish_reason") or finish
                usage = event.get("usage") or usage
            async for _rest in text_chunks:  # drain what follows [DONE] so the connection is reused
                pass
        self._count("ok")
        text = "".join(pieces)
        if finish == "content_filter" and not text.strip() and not images:
            raise self.error(ContentPolicyError, "the provider's content filter refused the request",
                             code="content_filter")
        _report_usage(usage)
        return ChatResult(text=text, finish_reason=finish, usage=usage, image_urls=images,
                          reasoning="".join(reasoning))

    def _broken(self, message: str, started: bool) -> ProviderError:
        return self.error(ProviderError if started else ProviderUnavailableError, message)

    async def generate_images(self, model: str, prompt: str, *, sleep: Sleep | None = None,
                              **options: Any) -> list[dict[str, Any]]:
        """``/images/generations``: the ``data`` list (``url`` and/or ``b64_json``)."""
        body = await self.request("POST", self.images_path, json={"model": model, "prompt": prompt, **options},
                                  sleep=sleep, create=True)
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, list):
            raise self.error(ProviderError, "image response has no data list")
        return data


def _image_urls(message: dict[str, Any]) -> list[str]:
    urls = []
    for item in message.get("images") or []:
        if isinstance(item, dict):
            url = (item.get("image_url") or {}).get("url") if isinstance(item.get("image_url"), dict) else item.get("url")
            if isinstance(url, str):
                urls.append(url)
    return urls


async def sse_events(chunks: AsyncIterator[str]) -> AsyncIterator[dict[str, Any]]:
    """Parse ``data: <json>`` events, buffering across network chunks, until
    ``data: [DONE]``. Comment lines and non-JSON data are skipped."""
    buffer = ""
    async for chunk in chunks:
        # normalise after joining: a CRLF may be split between two network chunks
        buffer = (buffer + chunk).replace("\r\n", "\n")
        if buffer.endswith("\r"):
            buffer, held = buffer[:-1], "\r"
        else:
            held = ""
        while "\n\n" in buffer:
            raw, buffer = buffer.split("\n\n", 1)
            data = "\n".join(line[5:].lstrip() for line in raw.split("\n") if line.startswith("data:"))
            if not data:
                continue
            if data.strip() == "[DONE]":
                return
            try:
                event = json.loads(data)
            except ValueError:
                continue
            if isinstance(event, dict):
                if "error" in event:
                    raise RateLimitedError(str(event["error"])[:300]) if "rate" in str(event).lower() \
                        else ProviderError(str(event["error"])[:300])
                yield event
        buffer += held


def _json_or_text(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def _report_usage(usage: Any) -> None:
    """Hand the provider's ``usage`` to the running node (the spend ledger keeps it)."""
    ctx = current_context.get(None)
    if ctx is not None and isinstance(usage, dict) and usage:
        ctx.report_usage(usage)
