"""``keroro-graph worker``: run jobs from a shared queue (Redis) without serving HTTP.

A worker loads the same node packs as the servers, leases jobs from the queue, runs
them and sends their events through Redis to whichever server holds the submitting
client's WebSocket. It writes outputs to its output folder, which must be the same
shared folder every server and worker mounts. SIGTERM or Ctrl-C stops it; the jobs
it was running stay leased and are taken over by another worker once their lease
has been silent for the queue's ``claim_idle_s``.
"""
from __future__ import annotations

import asyncio
import signal
import sys
from typing import Any

from ..jobs.redis_client import split_queue_url
from ..runtime import build_runtime, freeze_startup_heap
from ..settings import Settings


def worker_settings(args: Any) -> Settings:
    return Settings.from_env(user_dir=args.user_dir, custom_nodes_dirs=args.custom_nodes_dir or None,
                             max_jobs=args.max_jobs,
                             max_waiting_jobs=getattr(args, "max_waiting_jobs", None), output_dir=args.output_dir, queue_url=args.queue,
                             run_workers=True)


def worker_command(args: Any) -> int:
    settings = worker_settings(args)
    if not settings.queue_url:
        sys.stderr.write("error: a worker needs a shared queue: pass --queue redis://HOST:PORT/DB "
                         "or set KERORO_QUEUE\n")
        return 2
    try:
        asyncio.run(run_worker(settings))
    except OSError as exc:  # redis' ConnectionError is one
        sys.stderr.write(f"error: cannot reach the queue at {_shown(settings.queue_url)}: {exc}\n")
        return 1
    return 0


async def run_worker(settings: Settings) -> None:
    """Work jobs until SIGTERM or SIGINT."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    runtime = build_runtime(settings)
    async with runtime:
        failed = runtime.registry.failed_packs
        print(f"Keroro Graph worker {runtime.jobs.worker_id} on {_shown(settings.queue_url)}: "
              f"{len(runtime.registry)} nodes, {settings.max_jobs} job slot(s), outputs in "
              f"{settings.paths.output}{'; failed packs: ' + ', '.join(p.name for p in failed) if failed else ''}",
              flush=True)
        freeze_startup_heap()
        await stop.wait()


def _shown(url: str | None) -> str:
    """The queue URL without a password."""
    redis_url, _options = split_queue_url(url or "")
    scheme, sep, rest = redis_url.partition("://")
    if "@" in rest:
        rest = "***@" + rest.split("@", 1)[1]
    return f"{scheme}{sep}{rest}"
