"""Provider declarations: what a pack says about the service its nodes call — the
credential fields and the environment variables that may hold them, default and
regional base URLs, a default concurrency limit, the model lists node combos offer,
and the file holding its price tables. A pack declares one ``ProviderInfo`` per
provider as a module-level value (``PROVIDER = ProviderInfo(...)``); the loader
collects them into the registry, where Settings (``/api/providers``), the provider
hub, validation and the price book read them. The core names no provider.

Plain data: no I/O, no HTTP. User overrides (base URL, region, limit, models) live in
``user/settings.json`` through ``keroro_graph.secrets.ProviderSettings``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

from ..secrets import default_env_var


@dataclass(frozen=True)
class Credential:
    name: str
    label: str
    #: Conventional variable names accepted besides ``KERORO_<PROVIDER>_<NAME>``.
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProviderInfo:
    name: str
    display_name: str
    credentials: tuple[Credential, ...]
    base_url: str
    #: region name → base URL; ``region`` in the settings picks one.
    regions: Mapping[str, str] = field(default_factory=dict)
    limit: int = 4
    #: kind ("chat", "image", "video") → model ids, first is the default.
    models: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    docs_url: str = ""
    #: The pack's price tables (``{"tables": {name: {currency, as_of, source, rows}}}``),
    #: usually ``Path(__file__).with_name("prices.json")``; several providers of one
    #: pack may share a file. The user's ``prices.json`` overrides them.
    prices: Path | None = None

    def credential(self, name: str) -> Credential | None:
        return next((c for c in self.credentials if c.name == name), None)

    def env_vars(self, credential: str) -> tuple[str, ...]:
        found = self.credential(credential)
        aliases = found.aliases if found is not None else ()
        return (default_env_var(self.name, credential), *aliases)


def api_key(*aliases: str) -> tuple[Credential, ...]:
    """The common case: one ``api_key`` credential, read also from ``aliases``."""
    return (Credential("api_key", "API key", aliases),)


def env_vars(providers: Iterable[ProviderInfo]) -> dict[tuple[str, str], tuple[str, ...]]:
    """``(provider, credential)`` → every environment variable read for it, for
    ``SecretStore(env_vars=...)``."""
    return {(p.name, c.name): p.env_vars(c.name) for p in providers for c in p.credentials}


def price_files(providers: Iterable[ProviderInfo]) -> list[Path]:
    """The price files the providers declare, each once, in declaration order."""
    return list(dict.fromkeys(p.prices for p in providers if p.prices is not None))
