"""``/api/health``, ``/api/health/ready`` and ``/api/metrics`` over real HTTP."""
from __future__ import annotations

import re

import pytest
from aiohttp.test_utils import TestClient

from keroro_graph import __version__
from keroro_graph.server.keys import RUNTIME
from tests.conftest import chain

#: One Prometheus text-format sample: name, optional labels, a number.
SAMPLE = re.compile(r'^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="[^"]*"'
                    r'(,[a-zA-Z_][a-zA-Z0-9_]*="[^"]*")*\})? -?[0-9.e+-]+$')
COMMENT = re.compile(r"^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$")


def samples(text: str) -> dict[str, float]:
    """Parse the exposition text strictly: every line a comment or a sample."""
    found: dict[str, float] = {}
    for line in text.splitlines():
        assert COMMENT.match(line) or SAMPLE.match(line), f"not a Prometheus line: {line!r}"
        if not line.startswith("#"):
            key, value = line.rsplit(" ", 1)
            found[key] = float(value)
    return found


async def test_liveness(client: TestClient) -> None:
    for path in ("/api/health",):
        resp = await client.get(path)
        assert resp.status == 200
        assert await resp.json() == {"status": "ok", "version": __version__}


async def test_readiness_reports_store_workers_and_packs(client: TestClient) -> None:
    resp = await client.get("/api/health/ready")
    assert resp.status == 200
    body = await resp.json()
    assert body["status"] == "ready"
    checks = body["checks"]
    assert checks["job_store"] == {"ok": True, "jobs": 0}
    assert checks["workers"]["ok"] is True and checks["workers"]["running"] == checks["workers"]["expected"] >= 1
    assert checks["packs"]["loaded"] >= 1 and isinstance(checks["packs"]["failed"], int)


async def test_not_ready_when_the_job_store_fails(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    backend = client.app[RUNTIME].jobs.backend

    async def broken(*_args: object, **_kw: object) -> int:
        raise OSError("database is locked")

    monkeypatch.setattr(backend, "count", broken)
    resp = await client.get("/api/health/ready")
    assert resp.status == 503
    body = await resp.json()
    assert body["status"] == "not_ready"
    assert body["checks"]["job_store"] == {"ok": False, "error": "OSError: database is locked"}


async def test_not_ready_when_the_workers_are_gone(client: TestClient) -> None:
    jobs = client.app[RUNTIME].jobs
    for task in jobs._workers:
        task.cancel()
    for task in jobs._workers:
        with pytest.raises(BaseException):
            await task
    resp = await client.get("/api/health/ready")
    assert resp.status == 503
    assert (await resp.json())["checks"]["workers"]["running"] == 0


async def test_metrics_parse_as_prometheus_and_count_a_finished_job(client: TestClient) -> None:
    resp = await client.get("/api/metrics")
    assert resp.status == 200
    assert resp.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    before = samples(await resp.text())
    assert before['keroro_jobs{status="success"}'] == 0
    assert "keroro_websocket_clients" in before

    resp = await client.post("/prompt", json={"prompt": chain(3)})
    job_id = (await resp.json())["prompt_id"]
    await client.app[RUNTIME].jobs.wait(job_id, timeout_s=20)

    after = samples(await (await client.get("/api/metrics")).text())
    assert after['keroro_jobs{status="success"}'] == 1
    assert after['keroro_jobs_finished_total{status="success"}'] == 1
    assert after["keroro_node_runs_total"] >= 5
    assert after["keroro_queue_depth"] == 0
