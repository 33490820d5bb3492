"""``/api/runs`` composed from the stored JSON text (server/runs_text) means exactly
what the decoded path answers (the path a backend without stored text, Redis, takes),
for small and large jobs, stored pieces cut anywhere (mid-character included); and a
key stored after a job ran never appears in an answer, whichever piece or escape form
the stored text holds it in."""
from __future__ import annotations

import json
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from keroro_graph import jsonpieces
from keroro_graph.jobs import embedded_sql
from keroro_graph.jobs.service import JobService
from keroro_graph.server import runs_text, streaming
from keroro_graph.server.keys import RUNTIME, SECRETS
from tests.conftest import chain
from tests.server.routes.test_large_documents import pairs

SECRET = "clé-sécrète-9f8e7d6c"  # non-ASCII: the store writes it as \u00e9 escapes


@pytest.fixture(autouse=True)
def small_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stored documents read in 7-byte pieces and asked about in small windows, so
    values, escapes and UTF-8 characters fall across pieces and windows."""
    monkeypatch.setattr(embedded_sql, "_PIECE", 7)
    monkeypatch.setattr(runs_text, "_WINDOW", 300)
    monkeypatch.setattr(runs_text, "_OVERLAP", 64)
    monkeypatch.setattr(jsonpieces, "LARGE", 200)  # extra_data parsed a member at a time
    monkeypatch.setattr(streaming, "LARGE_NODES", 100)


def failing(message: str) -> dict[str, Any]:
    return {"c": {"class_type": "TestConst", "inputs": {"value": 1}},
            "f": {"class_type": "TestFail", "inputs": {"value": ["c", 0], "message": message}},
            "o": {"class_type": "TestOutput", "inputs": {"source": ["f", 0]}}}


async def run(client: TestClient, graph: dict[str, Any], **extra: Any) -> str:
    response = await client.post("/prompt", json={"prompt": graph, **extra})
    body = await response.json()
    assert response.status == 200, body
    await client.app[RUNTIME].jobs.wait(body["prompt_id"], timeout_s=60)
    return str(body["prompt_id"])


async def both(client: TestClient, monkeypatch: pytest.MonkeyPatch, path: str,
               served: list[bool] | None = None) -> tuple[str, str]:
    """(the text path's answer, the decoded path's answer) to ``GET path``; ``served``
    gets whether the first was served from the stored text (no secret in it)."""
    texts = []
    unless_secret = runs_text.unless_secret

    def spy(*args: Any) -> Any:
        answer = unless_secret(*args)
        if served is not None:
            served.append(answer is not None)
        return answer
    monkeypatch.setattr(runs_text, "unless_secret", spy)
    for stored in (True, False):
        if not stored:  # as a backend without stored text answers
            async def none(self: JobService, **kwargs: Any) -> None:
                return None
            monkeypatch.setattr(JobService, "list_text", none)
        response = await client.get(path)
        assert response.status == 200
        texts.append(await response.text())
    monkeypatch.undo()
    return texts[0], texts[1]


async def test_text_answers_mean_what_decoded_answers_mean(client: TestClient,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    small = await run(client, chain(2), client_id="me", extra_data={"workflow_name": "海报 v2 ✓"})
    large = await run(client, pairs(150, 7000), extra_data={"workflow_name": 5, "note": "x" * 500})
    failed = await run(client, failing("é 💥 boom"))
    paths = ["/api/runs", "/api/runs?include=prompt", "/api/runs?limit=1&offset=1", "/api/runs?status=error",
             "/api/runs?status=success&include=prompt"] + [f"/api/runs/{job}" for job in (small, large, failed)]
    for path in paths:
        served: list[bool] = []
        text, decoded = await both(client, monkeypatch, path, served)
        assert json.loads(text) == json.loads(decoded), path
        assert served == [True], path
    listed = json.loads((await both(client, monkeypatch, "/api/runs"))[0])
    assert [job["id"] for job in listed["jobs"]] == [failed, large, small] and listed["total"] == 3
    assert listed["jobs"][2]["workflow_name"] == "海报 v2 ✓" and listed["jobs"][1]["workflow_name"] is None
    assert listed["jobs"][1]["outputs"]["o149"] == {"text": ["7149"]} and len(listed["jobs"][1]["outputs"]) == 150
    assert "💥" in listed["jobs"][0]["error"]["exception_message"]


async def test_a_key_stored_after_the_run_never_reaches_the_answer(client: TestClient,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    failed = await run(client, failing(f"{'x' * 290} {SECRET}"))
    large = await run(client, pairs(150, 918273645000))  # outputs hold "918273645123"
    before = await (await client.get(f"/api/runs/{failed}")).json()
    assert SECRET in before["error"]["exception_message"]  # not a secret when the job ran

    client.app[SECRETS].set("kling", "access_key", SECRET)
    client.app[SECRETS].set("kling", "secret_key", "918273645123")
    for path in ("/api/runs", "/api/runs?include=prompt", f"/api/runs/{failed}", f"/api/runs/{large}"):
        text, decoded = await both(client, monkeypatch, path)
        shown = json.dumps(json.loads(text), ensure_ascii=False)
        assert SECRET not in shown, path
        assert '"918273645123"' not in text, path  # as text (a prompt's numbers are numbers, left alone)
        assert json.loads(text) == json.loads(decoded), path
    detail = await (await client.get(f"/api/runs/{large}")).json()
    assert detail["outputs"]["o123"] == {"text": ["***"]} and detail["outputs"]["o122"] == {"text": ["918273645122"]}


def test_windows_overlap_and_decode_characters_split_across_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runs_text, "_WINDOW", 10)
    monkeypatch.setattr(runs_text, "_OVERLAP", 6)
    data = ("abcdé" * 20).encode()
    pieces = [data[i:i + 3] for i in range(0, len(data), 3)]  # é's two bytes split
    windows = list(runs_text._windows(pieces))
    assert len(windows) > 5 and all("abcdé" in w for w in windows[1:])
    assert "".join(w[6:] if i else w for i, w in enumerate(windows)) == data.decode()
    assert runs_text._unescaped(json.dumps("é 💥 x")[1:-1]) == "é 💥 x"
