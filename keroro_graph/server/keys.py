"""Typed application state: each shared object under one ``web.AppKey``."""
from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from ..registry.registry import Registry
from ..runtime import Runtime
from ..secrets import ProviderSettings, SecretStore
from ..settings import Settings

if TYPE_CHECKING:
    from .metrics import Metrics
    from .ws import Hub

SETTINGS = web.AppKey("SETTINGS", Settings)
RUNTIME = web.AppKey("RUNTIME", Runtime)
REGISTRY = web.AppKey("REGISTRY", Registry)
HUB = web.AppKey("HUB", "Hub")
METRICS = web.AppKey("METRICS", "Metrics")
SECRETS = web.AppKey("SECRETS", SecretStore)
PROVIDER_SETTINGS = web.AppKey("PROVIDER_SETTINGS", ProviderSettings)
