"""The stable surface for node authors: import from here and nowhere else in
keroro_graph. Types, the ``@node`` declaration and its options, the context a running
node receives, results, blockers, media helpers, and the provider SDK (clients,
errors, retries, task polling, provider media helpers, signed tokens)."""
from . import audio, media, video
from .audio import AudioError, make_audio
from .engine.context import NodeContext, current_context, expansion_prefix
from .errors import ExecutionInterruptedError, NodeDeclarationError
from .providers import media as provider_media
from .providers.client import DEFAULT_MAX_DOWNLOAD_BYTES, ProviderClient
from .providers.openai_compat import ChatResult, OpenAICompatClient, sse_events, user_message
from .providers.errors import (AmbiguousCreateError, AuthError, BadRequestError, ContentPolicyError, MissingCredentialsError,
                               ProviderError, ProviderUnavailableError, QuotaError, RateLimitedError,
                               ResultTooLargeError, TaskFailedError, for_status)
from .providers.hub import MEDIA_HOST, media_host_of
from .providers.poller import PollPlan, TaskStatus, poll
from .providers.retry import RetryPolicy, parse_duration, parse_retry_after
from .providers.tokens import JwtCache
from .registry.blocker import ExecutionBlocker
from .registry.declared import comfy_node, comfy_refused, comfy_table
from .registry.env import NodeEnv, Paths
from .registry.native import Result, node
from .registry.pricing import Price
from .registry.providers import Credential, ProviderInfo, api_key
from .registry.options import Bool, Combo, Float, Input, Int, Output, Text
from .registry.types import ANY, AUDIO, IMAGE, LATENT, MASK, VIDEO, Socket, VideoRef, socket
from .video import Video, VideoComponents, VideoError

__all__ = [
    "AmbiguousCreateError", "ANY", "AUDIO", "AuthError", "ChatResult", "OpenAICompatClient", "sse_events", "user_message", "AudioError", "make_audio", "audio", "video", "Video", "VideoComponents", "VideoError", "BadRequestError", "Bool", "Combo", "ContentPolicyError",
    "DEFAULT_MAX_DOWNLOAD_BYTES", "ExecutionBlocker", "ExecutionInterruptedError", "current_context", "expansion_prefix", "Float", "IMAGE", "Input",
    "Int", "JwtCache", "LATENT", "MASK", "MissingCredentialsError", "NodeContext", "NodeDeclarationError",
    "NodeEnv", "Output", "Paths", "Credential", "api_key", "Price", "ProviderInfo", "PollPlan", "ProviderClient", "ProviderError", "ProviderUnavailableError",
    "QuotaError", "RateLimitedError", "Result", "ResultTooLargeError", "RetryPolicy", "Socket",
    "TaskFailedError", "TaskStatus", "Text", "VIDEO", "VideoRef", "comfy_node", "comfy_refused", "comfy_table", "for_status", "media", "node", "parse_duration",
    "parse_retry_after", "poll", "provider_media", "socket", "MEDIA_HOST", "media_host_of",
]
