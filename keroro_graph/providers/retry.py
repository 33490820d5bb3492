"""RetryPolicy: which failures to try again and when. Rate limits, 5xx, timeouts and
dropped connections are retried with jittered exponential backoff, honouring
``Retry-After`` (or a provider's own hint such as Gemini's ``retryDelay``); errors
retrying cannot fix (bad key, no balance, content policy, bad parameters) fail at
once. Attempts and total time are bounded."""
from __future__ import annotations

import asyncio
import email.utils
import random
import time
from dataclasses import dataclass
from typing import Awaitable, Callable, TypeVar

from .errors import ProviderError

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 4
    base_delay_s: float = 1.0
    max_delay_s: float = 30.0
    #: Give up instead of sleeping past this much time since the first attempt.
    max_total_s: float = 120.0
    jitter: float = 0.25

    def delay(self, attempt: int, hint_s: float | None = None) -> float:
        """Seconds to wait before attempt ``attempt + 1`` (attempt counts from 1). A
        provider's own hint is obeyed as given (``max_total_s`` still bounds it):
        retrying sooner than asked only earns another refusal."""
        if hint_s is not None and hint_s >= 0:
            return hint_s
        backoff = min(self.max_delay_s, self.base_delay_s * 2 ** (attempt - 1))
        return float(backoff * (1 + random.uniform(-self.jitter, self.jitter)))

    async def run(self, attempt_fn: Callable[[], Awaitable[T]],
                  sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                  on_retry: Callable[[ProviderError, float], None] | None = None) -> T:
        """Call ``attempt_fn`` until it succeeds or fails for good. ``sleep`` may be
        a cancellable sleep (a node's ``ctx.sleep``)."""
        started = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            try:
                return await attempt_fn()
            except ProviderError as exc:
                if not exc.retryable or attempt >= self.max_attempts:
                    raise
                wait = self.delay(attempt, exc.retry_after_s)
                if time.monotonic() - started + wait > self.max_total_s:
                    raise
                if on_retry is not None:
                    on_retry(exc, wait)
                await sleep(wait)


def parse_retry_after(value: str | None) -> float | None:
    """``Retry-After`` as seconds: a number, or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def parse_duration(value: str | None) -> float | None:
    """google.rpc durations such as ``"41.5s"``."""
    if not value or not isinstance(value, str) or not value.endswith("s"):
        return None
    try:
        return max(0.0, float(value[:-1]))
    except ValueError:
        return None
