"""The provider SDK every provider pack uses: pooled HTTP clients per provider,
retries, async-task polling, credentials, media helpers and signed tokens. Packs
import it through ``keroro_graph.api``."""
from .client import DEFAULT_MAX_DOWNLOAD_BYTES, ProviderClient
from .errors import (AmbiguousCreateError, AuthError, BadRequestError, ContentPolicyError, MissingCredentialsError, ProviderError,
                     ProviderUnavailableError, QuotaError, RateLimitedError, ResultTooLargeError, TaskFailedError,
                     TaskTimedOutError)
from .hub import SERVICE_NAME, ProviderHub, hub_of
from .poller import PollPlan, TaskStatus, poll
from .retry import RetryPolicy, parse_duration, parse_retry_after
from .tokens import JwtCache

__all__ = [
    "AmbiguousCreateError", "AuthError", "BadRequestError", "ContentPolicyError", "DEFAULT_MAX_DOWNLOAD_BYTES", "JwtCache",
    "MissingCredentialsError", "PollPlan", "ProviderClient", "ProviderError", "ProviderHub",
    "ProviderUnavailableError", "QuotaError", "RateLimitedError", "ResultTooLargeError",
    "RetryPolicy", "SERVICE_NAME", "TaskFailedError", "TaskStatus", "TaskTimedOutError", "hub_of", "parse_duration",
    "parse_retry_after", "poll",
]
