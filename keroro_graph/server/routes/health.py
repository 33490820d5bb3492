"""``/api/health`` (liveness: the process answers), ``/api/health/ready``
(readiness: the job store answers, the job workers run; failed packs are reported
but do not make the server unready) and ``/api/metrics`` (Prometheus text format,
rendered by ``server.metrics.Metrics``)."""
from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from ... import __version__
from ..keys import HUB, METRICS, REGISTRY, RUNTIME

routes = web.RouteTableDef()
STORE_TIMEOUT_S = 2.0
PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


@routes.get("/api/health")
async def health(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ok", "version": __version__})


@routes.get("/api/health/ready")
async def ready(request: web.Request) -> web.Response:
    checks = {"job_store": await _job_store(request), "workers": _workers(request), "packs": _packs(request)}
    is_ready = checks["job_store"]["ok"] and checks["workers"]["ok"]
    return web.json_response({"status": "ready" if is_ready else "not_ready", "version": __version__,
                              "checks": checks}, status=200 if is_ready else 503)


@routes.get("/api/metrics")
async def metrics(request: web.Request) -> web.Response:
    hub = request.app.get(HUB)
    text = await request.app[METRICS].render(request.app[RUNTIME], len(hub.clients) if hub else 0)
    return web.Response(body=text.encode("utf-8"), headers={"Content-Type": PROMETHEUS_CONTENT_TYPE})


async def _job_store(request: web.Request) -> dict[str, Any]:
    runtime = request.app.get(RUNTIME)
    if runtime is None:
        return {"ok": False, "error": "the runtime has not started"}
    try:
        jobs = await asyncio.wait_for(runtime.jobs.count(), STORE_TIMEOUT_S)
    except asyncio.TimeoutError:
        return {"ok": False, "error": f"the job store did not answer within {STORE_TIMEOUT_S}s"}
    except Exception as exc:  # any store failure means "not ready", with the reason
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    return {"ok": True, "jobs": jobs}


def _workers(request: web.Request) -> dict[str, Any]:
    runtime = request.app.get(RUNTIME)
    if runtime is None:
        return {"ok": False, "running": 0, "expected": 0}
    service = runtime.jobs
    expected = service.max_jobs if service.run_workers else 0
    # JobService exposes no public view of its worker tasks yet; count live ones.
    running = service.workers_alive
    return {"ok": running >= expected, "running": running, "expected": expected}


def _packs(request: web.Request) -> dict[str, Any]:
    registry = request.app.get(REGISTRY)
    packs = registry.packs if registry is not None else []
    failed = [p.name for p in packs if p.error is not None]
    return {"loaded": sum(1 for p in packs if p.loaded), "failed": len(failed), "failed_names": failed}
