"""Provider errors, by what the caller can do about them:

    ProviderError                 a provider call failed (provider, code, HTTP status)
    ├── MissingCredentialsError   no key set: says where to set it
    ├── AuthError                 the key was refused            (never retried)
    ├── QuotaError                balance / quota exhausted      (never retried)
    ├── ContentPolicyError        the request or result was refused by moderation (never retried)
    ├── BadRequestError           parameters the provider rejects (never retried)
    ├── RateLimitedError          429 and friends                (retried, Retry-After honoured)
    ├── ProviderUnavailableError  5xx, timeouts, dropped connections (retried)
    ├── AmbiguousCreateError      a create failed after it was sent: it may have been
    │                             accepted (and charged), so it is not re-sent (never retried)
    ├── TaskFailedError           an async task ended in failure, with the provider's reason
    └── ResultTooLargeError       a result download exceeded its size cap
"""
from __future__ import annotations

from ..errors import KeroroError


class ProviderError(KeroroError):
    retryable = False

    def __init__(self, message: str, *, provider: str = "", code: str | int | None = None,
                 status: int | None = None, retry_after_s: float | None = None) -> None:
        self.provider = provider
        self.code = code
        self.status = status
        self.retry_after_s = retry_after_s
        where = f"{provider}: " if provider else ""
        detail = f" (code {code})" if code not in (None, "", 0) else ""
        super().__init__(f"{where}{message}{detail}")
        self.message = message


class MissingCredentialsError(ProviderError):
    pass


class AuthError(ProviderError):
    pass


class QuotaError(ProviderError):
    pass


class ContentPolicyError(ProviderError):
    pass


class BadRequestError(ProviderError):
    pass


class RateLimitedError(ProviderError):
    retryable = True


class ProviderUnavailableError(ProviderError):
    retryable = True
    #: False only when the provider certainly did not take the request (the connection
    #: could not be opened, or an answer a client knows means "refused before any
    #: work"): re-sending it then cannot do anything twice.
    sent = True


class AmbiguousCreateError(ProviderError):
    """A request that creates paid work failed after it was sent (a 5xx, a timeout, a
    dropped connection): the provider may have accepted it. It is not re-sent unless
    the provider offers an idempotency key (Kling's ``external_task_id``)."""

    #: How the spend ledger records the call: it may have been accepted (and charged).
    spend_status = "uncertain"


class TaskFailedError(ProviderError):
    pass


class TaskTimedOutError(TaskFailedError):
    """The provider took the task but it did not finish in time (it may still charge it)."""

    spend_status = "timed_out"


class ResultTooLargeError(ProviderError):
    pass


def for_status(status: int) -> type[ProviderError]:
    """The usual error class for an HTTP status when the body says nothing better."""
    if status in (401, 403):
        return AuthError
    if status == 402:
        return QuotaError
    if status in (408, 429):
        return RateLimitedError
    if status >= 500:
        return ProviderUnavailableError
    return BadRequestError
