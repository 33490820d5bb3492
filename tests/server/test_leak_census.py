"""A census of leaks: run graphs against provider fakes that echo every credential
they are sent (the Authorization header with a Kling JWT, a DashScope or an
OpenAI-compatible relay key, Gemini's x-goog-api-key, the RunningHub apiKey in the
body) in their error bodies, on creates, polls and cancels;
paste keys into widgets, /userdata and /settings; then read every answer the server
gives, every WebSocket message, every log line (verbose) and every file it wrote.
Not one credential value may appear anywhere but user/secrets.json."""
from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any, AsyncIterator

import pytest

from keroro_graph.providers.retry import RetryPolicy
from keroro_graph.server.app import create_app
from keroro_graph.server.keys import RUNTIME
from keroro_graph.settings import Settings
from tests.conftest import FIXTURE_PACKS, until
from tests.fakes import dashscope as ds, gemini as gm, kling as kl, openai as oa, runninghub as rhf
from tests.fakes.echo import (Echoes, dashscope_shape, echo_errors, google_shape, kling_shape, openai_shape,
                              runninghub_shape)
from tests.providers.conftest import PACKS, full_registry  # noqa: F401 - a fixture
from tests.providers.gemini.conftest import vision_graph
from tests.providers.kling.conftest import t2v_graph
from tests.providers.openai_compat.conftest import chat_graph
from tests.providers.qwen.conftest import t2i_graph
from tests.providers.runninghub.conftest import workflow_graph

OPENAI_KEY = "sk-census-ohmygpt-0123456789"
STORED = [kl.ACCESS_KEY, kl.SECRET_KEY, ds.API_KEY, rhf.API_KEY, gm.GOOD_KEY, OPENAI_KEY]
RUNTIME_JWT = "eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJydW50aW1lIn0.c2lnbmF0dXJlLXJ1bg"


@pytest.fixture
async def fakes() -> AsyncIterator[dict[str, tuple[Any, Echoes]]]:
    made = {"kling": kl.KlingFake(), "dashscope": ds.DashScopeFake(), "runninghub": rhf.RunningHubFake(),
            "gemini": gm.GeminiFake(), "ohmygpt": oa.OpenAIFake(api_key=OPENAI_KEY)}
    echoes = {name: echo_errors(fake) for name, fake in made.items()}
    for fake in made.values():
        await fake.start()
    yield {name: (made[name], echoes[name]) for name in made}
    for fake in made.values():
        await fake.close()


@pytest.fixture
def log_file(tmp_path: Path) -> AsyncIterator[Path]:
    """Everything logged at DEBUG (as ``-v`` and more), as a file handler writes it."""
    path = tmp_path / "server.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield path
    root.removeHandler(handler)
    root.setLevel(level)
    handler.close()


async def _collect(ws: Any, into: list[str]) -> None:
    async for msg in ws:
        into.append(msg.data if isinstance(msg.data, str) else msg.data.decode("utf-8", "replace"))


async def test_no_credential_reaches_any_answer_message_log_or_file(tmp_path, full_registry, aiohttp_client,
                                                                    fakes, log_file, monkeypatch):
    for name in list(__import__("os").environ):
        if name.startswith("KERORO_") or name.endswith(("_API_KEY", "_ACCESS_KEY", "_SECRET_KEY")):
            monkeypatch.delenv(name, raising=False)
    settings = Settings(user_dir=tmp_path / "user", custom_nodes_dirs=[PACKS, FIXTURE_PACKS])
    client = await aiohttp_client(create_app(settings, registry=full_registry))
    runtime = client.server.app[RUNTIME]
    runtime.providers.retry = RetryPolicy(max_attempts=2, base_delay_s=0.01, max_delay_s=0.02, max_total_s=2)
    runtime.providers.poll_scale = 0.01
    keys = {"kling": {"access_key": kl.ACCESS_KEY, "secret_key": kl.SECRET_KEY},
            "dashscope": {"api_key": ds.API_KEY}, "runninghub": {"api_key": rhf.API_KEY},
            "gemini": {"api_key": gm.GOOD_KEY}, "ohmygpt": {"api_key": OPENAI_KEY}}
    base_urls = {"gemini": fakes["gemini"][0].base_url, "ohmygpt": fakes["ohmygpt"][0].url + "/v1"}
    for provider, values in keys.items():
        assert (await client.put(f"/api/providers/{provider}/secrets", json=values)).status < 300
        assert (await client.put(f"/api/providers/{provider}/settings",
                                 json={"base_url": base_urls.get(provider, fakes[provider][0].url)})).status < 300
    seen: list[str] = []
    ws = await client.ws_connect("/ws?clientId=census")
    reader = asyncio.create_task(_collect(ws, seen))

    async def run(graph: dict[str, Any]) -> str:
        answer = await (await client.post("/prompt", json={"prompt": graph, "client_id": "census"})).json()
        await runtime.jobs.wait(answer["prompt_id"], timeout_s=30)
        return answer["prompt_id"]

    kling, kling_echo = fakes["kling"]
    dashscope, dashscope_echo = fakes["dashscope"]
    rh, rh_echo = fakes["runninghub"]
    jobs = []
    kling_echo.next("/v1/videos/text2video", shape=kling_shape, status=400)       # the create
    jobs.append(await run(t2v_graph(prompt="echo on create")))
    kling_echo.next("/v1/videos/text2video/", shape=kling_shape, status=500, times=5)  # every poll
    jobs.append(await run(t2v_graph(prompt="echo on poll")))
    dashscope_echo.next("/api/v1/services", shape=dashscope_shape, status=400)
    jobs.append(await run(t2i_graph()))
    jobs.append(await run(t2i_graph(seed=3)))  # a success: its PNG's metadata is in the census
    rh_echo.next("/task/openapi/create", shape=runninghub_shape, status=200)
    jobs.append(await run(workflow_graph()))
    # x-goog-api-key (and the relay-style Bearer beside it) echoed on a 400 and on a 500
    fakes["gemini"][1].next("/", shape=google_shape, status=400)
    jobs.append(await run(vision_graph()))
    fakes["gemini"][1].next("/", shape=google_shape, status=500)
    jobs.append(await run(vision_graph(prompt="again")))
    # an OpenAI-compatible relay echoing its bearer key, streamed and not
    fakes["ohmygpt"][1].next("/v1/chat", shape=openai_shape, status=400)
    jobs.append(await run(chat_graph()))
    fakes["ohmygpt"][1].next("/v1/chat", shape=openai_shape, status=500)
    jobs.append(await run(chat_graph(stream=True, prompt="streamed")))
    # a cancel the provider refuses, echoing the key, logged with -v
    rh.hold = True
    rh_echo.next("/task/openapi/cancel", shape=runninghub_shape, status=200)
    answer = await (await client.post("/prompt", json={"prompt": workflow_graph(), "client_id": "census"})).json()
    await until(lambda: bool(rh.seen_path("/task/openapi/status")), timeout_s=10)
    assert (await client.post(f"/api/runs/{answer['prompt_id']}/cancel")).status < 300
    await runtime.jobs.wait(answer["prompt_id"], timeout_s=10)
    await until(lambda: "did not succeed" in log_file.read_text(), timeout_s=5)
    jobs.append(answer["prompt_id"])
    # a token a node makes while running reaches `executed`, the record and history scrubbed
    jobs.append(await run({"jwt": {"class_type": "StringConcatenate", "inputs": {
        "string_a": "eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJydW50aW1lIn0", "string_b": "c2lnbmF0dXJlLXJ1bg",
        "delimiter": "."}}, "show": {"class_type": "PreviewAny", "inputs": {"source": ["jwt", 0]}}}))
    # keys pasted by hand: a widget (refused), /userdata and /settings (scrubbed)
    pasted = await client.post("/prompt", json={"prompt": t2v_graph(prompt=f"use {kl.SECRET_KEY}")})
    assert pasted.status == 400 and "secret store" in await pasted.text()
    assert (await client.post("/userdata/notes.txt", data=f"my key: {ds.API_KEY}\n")).status < 300
    assert (await client.post("/settings", json={"Comfy.Key": rhf.API_KEY})).status < 300
    assert (await client.post("/api/workflows/w", json={"1": {"class_type": "X", "inputs": {"k": kl.ACCESS_KEY}}}))

    echoed = sum(e.echoed for _, e in fakes.values())
    assert echoed >= 9, "the fakes echoed credentials back"
    assert any(v == gm.GOOD_KEY for v in fakes["gemini"][1].credentials), "x-goog-api-key was sent"
    jwt_and_bearer = set().union(*(e.credentials for _, e in fakes.values()))
    assert any(v.startswith("Bearer eyJ") for v in jwt_and_bearer), "a Kling JWT was sent"
    needles = sorted({*STORED, RUNTIME_JWT, *(v for v in jwt_and_bearer if len(v) >= 8)}, key=len)

    answers: dict[str, str] = {}
    for path in ["/history", "/queue", "/api/runs", "/api/runs?include=prompt", "/api/jobs", "/api/providers",
                 "/userdata?dir=.&recurse=true", "/userdata/notes.txt", "/settings", "/api/workflows/w",
                 *(f"/api/providers/{p}" for p in keys), *(f"/history/{j}" for j in jobs),
                 *(f"/api/runs/{j}" for j in jobs), *(f"/api/jobs/{j}" for j in jobs)]:
        answers[path] = await (await client.get(path)).text()
    errors = [await (await client.get(f"/api/runs/{j}")).json() for j in [*jobs[:3], *jobs[5:9]]]
    assert all("***" in str(e.get("error")) for e in errors), "the echoes reached the record, scrubbed"
    assert "may have accepted it" in str(errors[-1]["error"]), "the 500 on a streamed chat was not re-sent"
    await ws.close()
    reader.cancel()
    files = {str(p): p.read_bytes() for p in settings.user_dir.rglob("*")
             if p.is_file() and p.name != "secrets.json"}
    assert any(name.endswith(".png") for name in files)
    sinks = {**{f"GET {k}": v.encode() for k, v in answers.items()},
             "websocket": "\n".join(seen).encode(), "log": log_file.read_bytes(), **files}
    leaks = [(needle[:12] + "…", sink) for needle in needles for sink, data in sinks.items()
             if needle.encode() in data]
    print(f"census: {len(needles)} credential values x {len(sinks)} sinks, {len(leaks)} leaks")
    assert leaks == []
    assert len(seen) > 20 and "did not succeed" in log_file.read_text()
    assert any('"type":"executed"' in m and "***" in m for m in seen), "the made token was sent, scrubbed"
