"""Typed application state: each shared object under one ``web.AppKey``."""
from __future__ import annotations

from aiohttp import web

from ..registry.registry import Registry
from ..runtime import Runtime
from ..secrets import ProviderSettings, SecretStore
from ..settings import Settings
from .hub import Hub
from .metrics import Metrics

SETTINGS = web.AppKey("SETTINGS", Settings)
RUNTIME = web.AppKey("RUNTIME", Runtime)
REGISTRY = web.AppKey("REGISTRY", Registry)
HUB = web.AppKey("HUB", Hub)
METRICS = web.AppKey("METRICS", Metrics)
SECRETS = web.AppKey("SECRETS", SecretStore)
PROVIDER_SETTINGS = web.AppKey("PROVIDER_SETTINGS", ProviderSettings)
