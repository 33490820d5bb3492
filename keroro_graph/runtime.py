"""Runtime: the assembled core of one process — registry, engine, job store and job
service — built from Settings. The server, the CLI, the MCP wrapper and the tests all
start here, so they all share one submit → validate → queue → execute path.
"""
from __future__ import annotations

import asyncio
import gc
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Awaitable, Callable

from .engine.engine import Engine, EngineConfig
from .engine.events import Event, EventBus
from .jobs.backend import JobBackend
from .jobs.embedded import EmbeddedBackend
from .jobs.service import JobService
from .providers.hub import SERVICE_NAME, ProviderHub
from .providers.media_host import BUCKET_ENV_VARS, MediaHost
from .redaction import install_log_redaction
from .secrets import ProviderSettings, SecretStore
from .registry.loader import load_registry
from .registry.providers import env_vars, price_files
from .registry.registry import Registry
from .settings import Settings

if TYPE_CHECKING:
    from .jobs.redis_events import RedisRelay
    from .spend.service import Spend
    from .spend.store import PaidStore


@dataclass
class Runtime:
    settings: Settings
    registry: Registry
    #: Every event of this process (jobs, nodes, the queue); bound to the loop at start.
    bus: EventBus
    engine: Engine
    jobs: JobService
    secrets: SecretStore
    provider_settings: ProviderSettings
    providers: ProviderHub
    #: Carries events and interrupts to the other processes on a shared queue.
    relay: "RedisRelay | None" = None
    #: Costs: prices, the paid-result store, budgets and the spend ledger.
    spend: "Spend | None" = None

    async def start(self) -> list[str]:
        """Start the job workers; returns ids of jobs a dead process left interrupted."""
        self.bus.bind(asyncio.get_running_loop())
        await self.providers.warm_up()
        if self.relay is not None:
            await self.relay.start()
        return await self.jobs.start()

    async def close(self) -> None:
        await self.jobs.stop()
        if self.spend is not None:
            await self.spend.close()
        if self.relay is not None:
            await self.relay.stop()
        await self.providers.close()
        await self.engine.close()

    async def __aenter__(self) -> "Runtime":
        await self.start()
        return self

    async def __aexit__(self, *_exc: Any) -> None:
        await self.close()


def freeze_startup_heap() -> None:
    """For long-running processes, once started: what exists now (modules, node specs,
    the registry) lives as long as the process, so take it out of the collector's
    generations; a full collection during a burst of work then walks only what the
    work allocated instead of pausing the event loop for tens of milliseconds."""
    gc.collect()
    gc.freeze()


def build_runtime(settings: Settings, *, registry: Registry | None = None,
                  backend: JobBackend | None = None, run_workers: bool = True,
                  on_provider_call: Callable[[str, str], None] | None = None) -> Runtime:
    """Assemble (but do not start) the core. Loading node packs happens here. The
    runtime owns the event bus; every part gets it, and every hook, as it is made.
    ``on_provider_call(provider, outcome)`` is told of each provider call (metrics)."""
    settings.ensure_dirs()
    if registry is None:  # an empty Registry is falsy, and still the caller's choice
        registry = load_registry(builtin_dir=settings.builtin_nodes_dir, custom_dirs=settings.custom_nodes_dirs,
                                 paths=settings.paths)
    secrets = SecretStore(settings.secrets_path,
                          env_vars={**env_vars(registry.providers.values()), **BUCKET_ENV_VARS})
    install_log_redaction(secrets)
    provider_settings = ProviderSettings(settings.provider_settings_path)
    hub = ProviderHub(secrets=secrets, settings=provider_settings, providers=registry.providers,
                      record=on_provider_call,
                      media=lambda h: MediaHost(hub=h, temp_dir=settings.paths.temp,
                                                media_bucket=settings.media_bucket,
                                                media_bucket_region=settings.media_bucket_region,
                                                public_url=settings.public_url, ttl_s=settings.media_link_ttl_s))
    limits = {name: hub.limit(name) or 1 for name in registry.providers}
    bus = EventBus()
    paid_store = build_paid_store(settings)
    engine = Engine(EngineConfig(
        paths=settings.paths, cache_bytes=settings.cache_bytes,
        max_concurrent_nodes=settings.max_concurrent_nodes,
        thread_workers=settings.thread_workers, limits={**limits, **settings.limits},
        redact=secrets.redact),
        bus=bus, services={SERVICE_NAME: hub}, specs=registry.get, paid_store=paid_store)
    relay = None
    sole_owner = backend is None and not settings.queue_url  # the ledger is in the embedded store's file
    if backend is None and settings.queue_url:
        backend, relay = shared_queue(settings.queue_url, bus, on_interrupt=lambda job_id: jobs.interrupt_here(job_id))
    backend = backend or EmbeddedBackend(settings.jobs_store)
    spend = build_spend(settings, registry, engine, paid_store, sole_owner=sole_owner, job_status=backend.status,
                        is_relayed=relay.is_relayed if relay is not None else None)
    jobs = JobService(registry=registry, engine=engine, backend=backend, bus=bus,
                      max_jobs=settings.max_jobs, max_waiting_jobs=settings.max_waiting_jobs,
                      run_workers=run_workers and settings.run_workers,
                      worker_id=relay.origin if relay else None,
                      credentials=hub.missing_credentials, redact_json=secrets.redact_json,
                      pasted_secrets=secrets.pasted_inputs, admit=spend.admit,
                      remote_interrupt=relay.request_interrupt if relay is not None else None)
    bus.subscribe(spend.on_event)
    return Runtime(settings=settings, registry=registry, bus=bus, engine=engine, jobs=jobs, secrets=secrets,
                   provider_settings=provider_settings, providers=hub, relay=relay, spend=spend)


def build_paid_store(settings: Settings) -> "PaidStore":
    from .spend.store import PaidStore
    return PaidStore(settings.store_path, max_bytes=settings.store_bytes,
                     restore_dir=settings.paths.temp / "paid-store")


def build_spend(settings: Settings, registry: Registry, engine: Engine, store: "PaidStore", *,
                sole_owner: bool, job_status: Callable[[str], Awaitable[Any]],
                is_relayed: Callable[[Event], bool] | None) -> "Spend":
    """Prices (the packs' tables, then the user's file), the paid-result store, the ledger."""
    from .spend.prices import PriceBook
    from .spend.service import Spend
    ledger = settings.ledger_path
    prices = PriceBook.load(settings.prices_path, shipped=price_files(registry.providers.values()))
    return Spend(registry=registry, engine=engine, prices=prices, store=store,
                 ledger_path=":memory:" if ledger == ":memory:" else ledger, sole_owner=sole_owner,
                 job_status=job_status, is_relayed=is_relayed)


def shared_queue(url: str, bus: EventBus, *,
                 on_interrupt: Callable[[str], Any] | None = None) -> "tuple[JobBackend, RedisRelay]":
    """The Redis Streams backend for queue ``url`` and the relay that carries this
    process's job events and interrupts to the others (imported only when used)."""
    from .jobs.redis_backend import RedisStreamsBackend
    from .jobs.redis_events import RedisRelay
    backend = RedisStreamsBackend.from_url(url)
    return backend, RedisRelay(backend.url, prefix=backend.prefix, bus=bus, origin=backend.consumer,
                                 on_interrupt=on_interrupt)
