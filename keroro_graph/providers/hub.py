"""ProviderHub: where nodes get their provider clients. One pooled
``httpx.AsyncClient`` per base URL (keep-alive, connect/read timeouts), credentials
from the secret store (environment variables override it), base URLs from the
provider settings (region or explicit URL; tests point them at fakes), and the
per-provider concurrency limits the engine enforces. Nodes reach it through
``ctx.provider(KlingClient)``.
"""
from __future__ import annotations

import weakref
from pathlib import Path
from typing import Any, Callable, Mapping, TypeVar

import httpx

from ..registry.providers import ProviderInfo
from ..secrets import ProviderSettings, SecretStore
from .client import ProviderClient
from .errors import MissingCredentialsError
from .media_host import BUCKET, SETUP_HINT, MediaHost
from .retry import RetryPolicy

C = TypeVar("C", bound=ProviderClient)
SERVICE_NAME = "providers"
#: What a node that hands providers public links to local files ``requires``.
MEDIA_HOST = "media_host"
_SHARDS = 8


class ProviderHub:
    def __init__(self, *, secrets: SecretStore, settings: ProviderSettings,
                 providers: Mapping[str, ProviderInfo] | None = None, retry: RetryPolicy | None = None,
                 timeout: httpx.Timeout | None = None,
                 record: Callable[[str, str], None] | None = None, max_connections: int = 100,
                 media: Callable[["ProviderHub"], Any] | None = None) -> None:
        self.secrets = secrets
        self.settings = settings
        #: The providers the loaded packs declare (``Registry.providers``), by name.
        self.providers: Mapping[str, ProviderInfo] = providers if providers is not None else {}
        self.retry = retry or RetryPolicy()
        self.timeout = timeout or httpx.Timeout(connect=10.0, read=120.0, write=60.0, pool=60.0)
        self.record = record
        #: Multiplies every poll interval and timeout (tests run tasks in milliseconds).
        self.poll_scale = 1.0
        #: Public links to local files (``media_host.MediaHost``), made by ``media(hub)``.
        self.media: Any = media(self) if media is not None else None
        # httpcore assigns requests to connections in time proportional to connections
        # x waiting requests, so 100 concurrent calls in one pool cost seconds of CPU.
        # Each origin gets several small pools instead; a client keeps to one of them,
        # so its keep-alive connections are still reused.
        per_pool = max(1, -(-max_connections // _SHARDS))
        self._limits = httpx.Limits(max_connections=per_pool, max_keepalive_connections=per_pool)
        # Loading the CA bundle takes ~15 ms; one context serves every pool, made here
        # (at start-up) rather than on the event loop in the middle of a burst of calls.
        self._ssl = httpx.create_ssl_context()
        self._pools: dict[str, list[httpx.AsyncClient | None]] = {}
        #: Clients alive per (origin, pool): a new client joins the least busy pool, so
        #: sequential calls keep one warm connection and a burst spreads out.
        self._active: dict[str, list[int]] = {}

    async def warm_up(self) -> None:
        """Pay the HTTP stack's one-time costs now, at start-up: anyio loads its event
        loop backend on the first network call, which would otherwise stall the loop
        for tens of milliseconds in the middle of the first burst of provider calls."""
        import anyio
        import h11  # noqa: F401 - httpx imports the HTTP/1.1 machinery on the first request
        import httpcore  # noqa: F401
        await anyio.sleep(0)

    def base_url(self, provider: str, default: str | None = None, *, region: str | None = None) -> str:
        """The explicit setting, else ``region``'s URL (a node's choice), else the
        region chosen in the settings, else the default. An explicit base URL (a
        proxy, a test server) always wins: it is the more deliberate choice."""
        config = self.settings.get(provider)
        info = self.providers.get(provider)
        if config.base_url:
            return config.base_url
        if region:
            if info is None or region not in info.regions:
                known = ", ".join(info.regions) if info is not None else "none"
                raise ValueError(f"region: {region!r} is not a region of {provider} ({known})")
            return info.regions[region]
        if config.region and info is not None and config.region in info.regions:
            return info.regions[config.region]
        if default:
            return default
        if info is None:
            raise MissingCredentialsError(f"unknown provider {provider!r}", provider=provider)
        return info.base_url

    def limit(self, provider: str) -> int | None:
        config = self.settings.get(provider)
        if config.limit:
            return config.limit
        info = self.providers.get(provider)
        return info.limit if info is not None else None

    def missing_credentials(self, provider: str, names: tuple[str, ...]) -> str | None:
        """None when every credential is set; otherwise a message saying which are
        missing and where to set them."""
        if provider == MEDIA_HOST:  # a node's ``requires``: a host for public links
            return self.media.missing() if self.media is not None else f"no media host; {SETUP_HINT}"
        missing = [n for n in names if not self.secrets.get(provider, n)]
        if not missing:
            return None
        info = self.providers.get(provider)
        label = info.display_name if info is not None else provider
        env = [v for n in missing for v in (info.env_vars(n)[:1] if info is not None else ())]
        return (f"{label} credentials are not set ({', '.join(missing)}): add them in Settings → Providers, "
                f"PUT /api/providers/{provider}/secrets, or the environment variable(s) {', '.join(env)}")

    def client(self, cls: type[C], *, base_url: str | None = None, region: str | None = None,
               context: Any = None) -> C:
        """A configured client for ``cls`` (bound to the node ``context`` when given:
        its retries sleep with ``ctx.sleep``); raises MissingCredentialsError naming
        where to set missing keys."""
        message = self.missing_credentials(cls.provider, cls.credentials)
        if message is not None:
            raise MissingCredentialsError(message, provider=cls.provider)
        url = base_url or self.base_url(cls.provider, getattr(cls, "default_base_url", None), region=region)
        secrets = {n: self.secrets.get(cls.provider, n) or "" for n in cls.credentials}
        origin, index = self._pick(url)
        client = cls(http=self._pool(origin, index), base_url=url, secrets=secrets, retry=self.retry,
                     record=self.record)
        self._active[origin][index] += 1
        weakref.finalize(client, self._release, origin, index)
        if context is not None:
            client.bind(context)
        return client

    def http(self, base_url: str) -> httpx.AsyncClient:
        """The least busy pooled client for ``base_url``'s origin (created on first use)."""
        origin, index = self._pick(base_url)
        return self._pool(origin, index)

    def _pick(self, base_url: str) -> tuple[str, int]:
        origin = str(httpx.URL(base_url).copy_with(path="/", query=None, fragment=None))
        if origin not in self._pools:
            self._pools[origin] = [None] * _SHARDS
            self._active[origin] = [0] * _SHARDS
        active = self._active[origin]
        return origin, active.index(min(active))

    def _pool(self, origin: str, index: int) -> httpx.AsyncClient:
        pool = self._pools[origin][index]
        if pool is None or pool.is_closed:
            pool = self._pools[origin][index] = httpx.AsyncClient(
                timeout=self.timeout, limits=self._limits, follow_redirects=True, trust_env=False, verify=self._ssl)
        return pool

    def _release(self, origin: str, index: int) -> None:
        counts = self._active.get(origin)
        if counts is not None and counts[index] > 0:
            counts[index] -= 1

    async def close(self) -> None:
        for pools in self._pools.values():
            for pool in pools:
                if pool is not None:
                    await pool.aclose()
        self._pools.clear()
        self._active.clear()


def hub_of(ctx: Any) -> ProviderHub:
    """The hub a NodeContext offers (``ctx.services["providers"]``)."""
    hub: ProviderHub | None = getattr(ctx, "services", {}).get(SERVICE_NAME)
    if hub is None:
        raise MissingCredentialsError("no provider hub is configured in this process")
    return hub


def media_host_of(ctx: Any) -> NodeMediaHost:
    """The host a NodeContext's provider hub carries, bound to that node: its uploads'
    retries sleep with ``ctx.sleep`` (they stop when the job is cancelled)."""
    host: MediaHost | None = getattr(hub_of(ctx), "media", None)
    if host is None:
        raise MissingCredentialsError(f"no media host in this process; {SETUP_HINT}", provider=BUCKET)
    return NodeMediaHost(host, ctx)


class NodeMediaHost:
    """A MediaHost serving one running node (``media_host_of(ctx)``)."""

    __slots__ = ("host", "ctx")

    def __init__(self, host: MediaHost, ctx: Any) -> None:
        self.host, self.ctx = host, ctx

    def missing(self) -> str | None:
        return self.host.missing()

    async def publish(self, path: Path) -> str:
        """A URL serving ``path`` (read-only) for the host's link lifetime."""
        return await self.host.publish(path, sleep=self.ctx.sleep)
