"""Clients for OpenAI-compatible relays: OhMyGPT, CherryIN, and any other
OpenAI-compatible endpoint the user configures (provider "openai_custom"). The SDK's
``OpenAICompatClient`` speaks the wire format (specs/providers.md §1), streaming
included; this module adds what a node needs on top of it: a long read timeout for
non-streamed chat, result images whether they come back as URLs or base64 (capped in
size), and each relay's error quirks (§9, §10). It knows nothing about nodes or
graphs."""
from __future__ import annotations

import base64
import binascii
import json
from typing import Any, Awaitable, Callable, ClassVar

import httpx
from pydantic import ValidationError

from keroro_graph.api import (DEFAULT_MAX_DOWNLOAD_BYTES, AuthError, ChatResult, OpenAICompatClient,
                              ProviderError, QuotaError, ResultTooLargeError, provider_media)

from .models import DEFAULT_MODELS, ImageDatum

Sleep = Callable[[float], Awaitable[None]]
OnText = Callable[[str], None]
Messages = list[dict[str, Any]]


class RelayClient(OpenAICompatClient):
    """What every OpenAI-compatible relay shares beyond the SDK's wire format."""

    edits_path = "/images/edits"
    #: Result images larger than this fail with ResultTooLargeError.
    max_result_bytes: ClassVar[int] = DEFAULT_MAX_DOWNLOAD_BYTES
    #: Reasoning models may think for minutes before a non-streamed answer's first
    #: byte, longer than the pool's default read timeout allows.
    chat_timeout_s: ClassVar[float] = 600.0

    async def complete(self, model: str, messages: Messages, *, sleep: Sleep | None = None,
                       **options: Any) -> ChatResult:
        """One non-streamed chat completion (retried per the policy)."""
        return await self.chat(model, messages, sleep=sleep, timeout_s=self.chat_timeout_s, **options)

    async def stream(self, model: str, messages: Messages, *, on_text: OnText, sleep: Sleep | None = None,
                     **options: Any) -> ChatResult:
        """A streamed chat completion (the SDK's: retried only before the first piece)."""
        return await self.chat_stream(model, messages, on_text=on_text, sleep=sleep, **options)

    async def images(self, model: str, prompt: str, *, sleep: Sleep | None = None, **options: Any) -> list[bytes]:
        """``/images/generations`` → the encoded images, fetched from their URLs or
        decoded from base64, whichever the relay answered with."""
        data = await self.generate_images(model, prompt, sleep=sleep, **options)
        try:
            items = [ImageDatum.model_validate(d) for d in data]
        except ValidationError:
            raise self.error(ProviderError, "the image response was not understood") from None
        if not items:
            raise self.error(ProviderError, "the image response holds no images")
        return [await self._image(item, sleep) for item in items]

    async def edit_images(self, model: str, prompt: str, files: list[tuple[str, bytes]], *, sleep: Sleep | None = None,
                          **fields: Any) -> list[bytes]:
        """``/images/edits`` (multipart: ``(field, png)`` files such as ``image``,
        ``image[]`` or ``mask``) → the encoded result images."""
        form = {"model": model, "prompt": prompt, **{k: str(v) for k, v in fields.items()}}
        parts = [(name, (f"{name.strip('[]')}_{i}.png", data, "image/png")) for i, (name, data) in enumerate(files)]
        body = await self.request("POST", self.edits_path, data=form, files=parts, sleep=sleep, create=True,
                                  timeout_s=self.chat_timeout_s)
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, list) or not data:
            raise self.error(ProviderError, "the image edit response holds no images")
        try:
            return [await self._image(ImageDatum.model_validate(d), sleep) for d in data]
        except ValidationError:
            raise self.error(ProviderError, "the image edit response was not understood") from None

    # --- helpers --------------------------------------------------------------------------
    async def _image(self, item: ImageDatum, sleep: Sleep | None = None) -> bytes:
        inline = item.b64_json or (item.url if item.url and item.url.startswith("data:") else None)
        if inline:
            return self._decode_inline(inline)
        if not item.url:
            raise self.error(ProviderError, "an image result has neither url nor b64_json")
        data, _ = await self.download(item.url, max_bytes=self.max_result_bytes,
                                      accept=("image/", "application/octet-stream"), sleep=sleep)
        return data

    def _decode_inline(self, text: str) -> bytes:
        # Checked before decoding, so an oversized answer never doubles in memory.
        if len(text) * 3 // 4 > self.max_result_bytes:
            raise self.error(ResultTooLargeError, f"a result image is about {len(text) * 3 // 4:,} bytes, "
                                                  f"above the limit of {self.max_result_bytes:,}")
        try:
            if text.startswith("data:"):
                return provider_media.decode_data_url(text)[0]
            return base64.b64decode("".join(text.split()), validate=True)
        except (ValueError, binascii.Error):
            raise self.error(ProviderError, "a base64 image result could not be decoded") from None


class OhMyGPTClient(RelayClient):
    """OhMyGPT (§9). Its relay answers OpenAI error bodies (assumed: UNCONFIRMED) and
    its own ``{"statusCode", "message", "errorType"}`` envelope; 402 means the
    balance ran out, which no retry can fix."""

    provider = "ohmygpt"

    def parse_error(self, response: httpx.Response, body: Any) -> ProviderError | None:
        if response.status_code != 402:
            return super().parse_error(response, body)
        error = body.get("error") if isinstance(body, dict) and isinstance(body.get("error"), dict) else body
        message = error.get("message") if isinstance(error, dict) else None
        code = (error.get("errorType") or error.get("code")) if isinstance(error, dict) else None
        return self.error(QuotaError, f"{message or 'insufficient balance'} (top up your OhMyGPT balance)",
                          code=code or "insufficient_balance", response=response)


class CherryINClient(RelayClient):
    """CherryIN (§10), a New-API gateway. Model ids are vendor-prefixed
    (``anthropic/...``, ``google/...``) and sent exactly as given."""

    provider = "cherryin"

    def parse_error(self, response: httpx.Response, body: Any) -> ProviderError | None:
        failure = super().parse_error(response, body)
        if isinstance(failure, AuthError):
            # CherryIN's docs: 401/403 mean the key is invalid, disabled or not allowed this model.
            return self.error(AuthError, f"{failure.message} (the CherryIN key is invalid, disabled, "
                                         "or not allowed to use this model)", code=failure.code, response=response)
        return failure


class CustomOpenAIClient(RelayClient):
    """Any other OpenAI-compatible endpoint: base URL and key set under the provider
    "openai_custom" in Settings → Providers."""

    provider = "openai_custom"


#: The ``endpoint`` combo of the nodes → the client that speaks to it.
ENDPOINTS: dict[str, type[RelayClient]] = {
    "ohmygpt": OhMyGPTClient, "cherryin": CherryINClient, "custom": CustomOpenAIClient}


def client_for(ctx: Any, endpoint: str) -> RelayClient:
    """The configured client for an ``endpoint`` combo value; ValueError naming the
    input for an unknown one, MissingCredentialsError when its key is not set."""
    cls = ENDPOINTS.get(endpoint)
    if cls is None:
        raise ValueError(f"endpoint: unknown endpoint {endpoint!r}; choose one of {', '.join(ENDPOINTS)}")
    return ctx.provider(cls)


def resolve_model(endpoint: str, kind: str, model: str) -> str:
    """The model id to send: the one given (stripped, otherwise unchanged, so
    CherryIN's vendor prefixes survive), else the endpoint's default."""
    model = model.strip()
    if model:
        return model
    defaults = DEFAULT_MODELS.get(endpoint, {}).get(kind, ())
    if not defaults:
        raise ValueError(f"model: the {endpoint} endpoint has no default {kind} model; enter a model id")
    return defaults[0]


def _json_or_text(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text
