"""ProviderClient: the base of every provider's protocol client. It owns no
connection (the hub lends it a pooled ``httpx.AsyncClient`` for its base URL); it adds
authentication, maps the provider's error bodies onto ProviderError classes, retries
what is worth retrying, and downloads results with a size cap.

Secrets live in ``self.secrets`` and go only into request headers or bodies the
subclass builds: never into an error message, a log line or a download request to a
result host.
"""
from __future__ import annotations

import asyncio
import logging
import re
from typing import Any, Awaitable, Callable, ClassVar, Mapping, TypeVar

import httpx

from ..engine.context import current_context
from ..redaction import credential_parts, forms_of, remember_fields, remember_sent, scrub_text
from .errors import (AmbiguousCreateError, ProviderError, ProviderUnavailableError, ResultTooLargeError,
                     for_status)
from .retry import RetryPolicy, parse_retry_after

log = logging.getLogger(__name__)

#: Result downloads larger than this fail unless a node asks for more.
DEFAULT_MAX_DOWNLOAD_BYTES = 512 * 1024 * 1024
Recorder = Callable[[str, str], None]
Sleep = Callable[[float], Awaitable[None]]
E = TypeVar("E", bound=ProviderError)
#: Request headers whose values are credentials (remembered for redaction when sent).
_CREDENTIAL_HEADER = re.compile(r"(?i)authorization|key|token|secret|signature|cookie")


class ProviderClient:
    #: The catalogue name ("kling", "gemini", ...): credentials, settings, limits.
    provider: ClassVar[str] = ""
    #: Credential names this client needs (``secrets[name]``).
    credentials: ClassVar[tuple[str, ...]] = ("api_key",)

    def __init__(self, *, http: httpx.AsyncClient, base_url: str, secrets: Mapping[str, str],
                 retry: RetryPolicy | None = None, record: Recorder | None = None) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.secrets = dict(secrets)
        self.retry = retry or RetryPolicy()
        self._record = record
        #: Credential header values this client has sent (scrubbed from its errors).
        self._sent: list[str] = []
        #: How retries wait: the node's cancel-aware ``ctx.sleep`` once bound to a node.
        self.sleep: Sleep = asyncio.sleep
        #: The NodeContext this client serves (``ctx.provider(Client)`` binds it), or None.
        self.context: Any = None

    def bind(self, ctx: Any) -> None:
        """Serve the node whose context is ``ctx``: retries and waits sleep with
        ``ctx.sleep``, so they stop at once when the job is cancelled."""
        self.context = ctx
        self.sleep = ctx.sleep

    # --- what subclasses override -------------------------------------------------------
    def auth_headers(self) -> dict[str, str]:
        """Headers that authenticate a request (default: a bearer API key)."""
        return {"Authorization": f"Bearer {self.secrets.get('api_key', '')}"}

    def parse_error(self, response: httpx.Response, body: Any) -> ProviderError | None:
        """The error a response carries, or None. The default reads OpenAI-style
        ``{"error": {"message", "code", "type"}}`` bodies and classifies by status."""
        if response.status_code < 400:
            return None
        error = body.get("error") if isinstance(body, dict) else None
        message = (error.get("message") if isinstance(error, dict) else None) or _text(body) or response.reason_phrase
        code = error.get("code") or error.get("type") if isinstance(error, dict) else None
        return self.error(for_status(response.status_code), message, code=code, response=response)

    # --- calling ------------------------------------------------------------------------
    def error(self, cls: type[E], message: str, *, code: Any = None,
              response: httpx.Response | None = None, retry_after_s: float | None = None) -> E:
        if retry_after_s is None and response is not None:
            retry_after_s = parse_retry_after(response.headers.get("Retry-After"))
        message = self.scrub(message)
        code = self.scrub(code) if isinstance(code, str) else code
        return cls(message, provider=self.provider, code=code,
                   status=response.status_code if response is not None else None, retry_after_s=retry_after_s)

    async def request(self, method: str, path: str, *, json: Any = None, params: Mapping[str, Any] | None = None,
                      headers: Mapping[str, str] | None = None, data: Any = None, files: Any = None,
                      timeout_s: float | None = None, create: bool = False,
                      sleep: Sleep | None = None) -> Any:
        """Send one API request (retried per the policy) and return its decoded JSON
        body (or text). ``path`` is joined to the base URL unless it is absolute;
        retries wait with ``sleep``, else the client's (the node's ``ctx.sleep`` when
        the client came from ``ctx.provider``), so they stop on cancel.

        ``create=True`` marks a request that starts paid work: it is retried only when
        the provider certainly did not take it (a refused connection, a rate limit); a
        failure after it was sent raises AmbiguousCreateError instead of sending it
        again, because the first one may have been accepted."""
        url = path if path.startswith(("http://", "https://")) else f"{self.base_url}{path}"
        merged = {**self.auth_headers(), **(headers or {})}
        for name, value in merged.items():
            if _CREDENTIAL_HEADER.search(name) and value not in self._sent:
                remember_sent(value)  # so an error body or log that echoes it is scrubbed
                self._sent.append(value)

        async def attempt() -> Any:
            try:
                response = await self._send(method, url, json=json, params=params, headers=merged, data=data,
                                            files=files, timeout_s=timeout_s)
                body = _decode(response)
                failure = self.parse_error(response, body)
                if failure is not None:
                    self._count("error" if not failure.retryable else "retry")
                    raise failure
            except ProviderUnavailableError as exc:
                if create and exc.sent:
                    _note_accepted()  # maybe: the spend ledger keeps the call as "uncertain"
                    raise self.ambiguous(method, url, exc) from exc
                raise
            self._count("ok")
            if create:
                _note_accepted()
            return body

        return await self.retry.run(attempt, sleep=sleep or self.sleep, on_retry=self._log_retry)

    def ambiguous(self, method: str, url: str, cause: ProviderError) -> AmbiguousCreateError:
        """The error for a create that failed after it was sent, naming the uncertainty."""
        return self.error(AmbiguousCreateError, f"{method} {_path(url)} failed after it was sent "
                          f"({cause.message}); the provider may have accepted it, so it was not sent again "
                          "(that could pay twice). Check the provider's task list or console before running "
                          "again.", code=cause.code)

    async def _send(self, method: str, url: str, *, timeout_s: float | None, **kwargs: Any) -> httpx.Response:
        for where in ("params", "data", "json"):  # apiKey in a body, a one-time upload Signature, ?key=
            found = remember_fields(kwargs.get(where), query=where == "params")
            self._sent.extend(value for value in found if value not in self._sent)
        try:
            extra: dict[str, Any] = {"timeout": timeout_s} if timeout_s is not None else {}
            return await self.http.request(method, url, **kwargs, **extra)
        except httpx.TimeoutException as exc:
            self._count("timeout")
            error = ProviderUnavailableError(f"{method} {_path(url)} timed out", provider=self.provider)
            error.sent = not isinstance(exc, (httpx.ConnectTimeout, httpx.PoolTimeout))
            raise error from None
        except httpx.TransportError as exc:
            self._count("connection_error")
            error = ProviderUnavailableError(f"{method} {_path(url)} failed: {type(exc).__name__}",
                                             provider=self.provider)
            error.sent = not isinstance(exc, httpx.ConnectError)
            raise error from None

    async def download(self, url: str, *, max_bytes: int = DEFAULT_MAX_DOWNLOAD_BYTES,
                       accept: tuple[str, ...] = ("image/", "video/", "audio/", "application/octet-stream"),
                       sleep: Sleep | None = None) -> tuple[bytes, str]:
        """Fetch a result file (no credentials are sent to result hosts). Returns
        (bytes, content type); raises ResultTooLargeError past ``max_bytes`` and
        ProviderError for an unexpected content type."""
        async def attempt() -> tuple[bytes, str]:
            try:
                async with self.http.stream("GET", url) as response:
                    if response.status_code >= 400:
                        raise self.error(for_status(response.status_code),
                                         f"result download failed with HTTP {response.status_code}", response=response)
                    kind = response.headers.get("Content-Type", "application/octet-stream").split(";")[0].strip()
                    if not kind.startswith(accept):
                        raise self.error(ProviderError, f"result is {kind}, not one of {', '.join(accept)}")
                    return await _read_capped(response, max_bytes, self.provider), kind
            except httpx.TimeoutException:
                raise ProviderUnavailableError("result download timed out", provider=self.provider) from None
            except httpx.TransportError as exc:
                raise ProviderUnavailableError(f"result download failed: {type(exc).__name__}",
                                               provider=self.provider) from None
        return await self.retry.run(attempt, sleep=sleep or self.sleep, on_retry=self._log_retry)

    def scrub(self, text: str) -> str:
        """``text`` without this client's credentials: its secrets, the credential
        headers it sends (a Kling JWT), and anything shaped like a token. Every error
        message goes through here, so a provider that echoes the request's
        ``Authorization`` header in its error body leaks nothing."""
        return scrub_text(text, forms_of([*self.secrets.values(),
                                          *(part for v in self._sent for part in credential_parts(v))]))

    def _count(self, outcome: str) -> None:
        if self._record is not None:
            self._record(self.provider, outcome)

    def _log_retry(self, exc: ProviderError, wait_s: float) -> None:
        log.info("%s: retrying in %.1fs after %s", self.provider, wait_s, type(exc).__name__)


def _note_accepted() -> None:
    """Tell the running node the provider took paid work: if the node then fails, times
    out or is cancelled, the spend ledger still records the call (it may be charged)."""
    ctx = current_context.get(None)
    if ctx is not None and hasattr(ctx, "accepted"):
        ctx.accepted = True


async def _read_capped(response: httpx.Response, max_bytes: int, provider: str) -> bytes:
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise ResultTooLargeError(f"result is {int(declared):,} bytes, above the limit of {max_bytes:,}",
                                  provider=provider)
    chunks, total = [], 0
    async for chunk in response.aiter_bytes():
        total += len(chunk)
        if total > max_bytes:
            raise ResultTooLargeError(f"result is larger than the limit of {max_bytes:,} bytes", provider=provider)
        chunks.append(chunk)
    return b"".join(chunks)


def _decode(response: httpx.Response) -> Any:
    kind = response.headers.get("Content-Type", "")
    if "json" in kind or response.content[:1] in (b"{", b"["):
        try:
            return response.json()
        except ValueError:
            pass
    return response.text


def _text(body: Any) -> str:
    if isinstance(body, str):
        return body.strip()[:300]
    if isinstance(body, dict):
        for key in ("message", "msg", "detail"):
            if isinstance(body.get(key), str):
                return str(body[key])
    return ""


def _path(url: str) -> str:
    return httpx.URL(url).path
