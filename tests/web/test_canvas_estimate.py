"""The estimate beside Run, in Chromium against a real server with the provider packs:
a graph with a paid Kling node shows what a run will cost from the price table, a model
without a price row shows "unknown", and a graph without paid nodes shows nothing."""
from __future__ import annotations

from typing import Any, Iterator

import pytest

from tests.conftest import FIXTURE_PACKS
from tests.providers.conftest import PACKS
from tests.web.conftest import Canvas, Server, returning_user, running_server


def video(model: str) -> dict[str, Any]:
    return {"1": {"class_type": "KlingTextToVideo",
                  "inputs": {"prompt": "a fox", "negative_prompt": "", "model": model, "mode": "std",
                             "duration": "5", "aspect_ratio": "16:9", "cfg_scale": 0.5}},
            "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 1]}}}


@pytest.fixture(scope="module")
def paid_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("estimate-user"), [PACKS, FIXTURE_PACKS]) as started:
        yield started


def _open(browser: Any, server: Server) -> tuple[Any, Any, Canvas]:
    """A returning user's canvas in a context of its own (closed by the caller)."""
    context = browser.new_context(viewport={"width": 1400, "height": 860})
    returning_user(context, server)
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page, Canvas(page, server).open()


def test_the_estimate_beside_run_follows_the_graph(browser: Any, paid_server: Server):
    context, page, canvas = _open(browser, paid_server)
    try:
        canvas.load(video("kling-v2-5-turbo"))
        chip = page.get_by_test_id("estimate")
        chip.wait_for()
        assert chip.inner_text().strip() == "≈ $0.21"
        assert "kling-v2-5-turbo/std/5" in chip.get_attribute("title")
        canvas.load(video("kling-v2-1"), title="No price")
        page.wait_for_function("() => document.querySelector('[data-testid=estimate]')?.textContent.includes('+')")
        assert "unknown" in chip.inner_text() and "unknown" in chip.get_attribute("class")
        canvas.load({"1": {"class_type": "PrimitiveInt", "inputs": {"value": 1}},
                     "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}, title="Free")
        chip.wait_for(state="detached")
        assert not canvas.errors
    finally:
        context.close()


def _put(server: Server, path: str, body: Any) -> None:
    import json
    import urllib.request
    req = urllib.request.Request(server.url + path, data=json.dumps(body).encode(), method="PUT",
                                 headers={"Content-Type": "application/json"})
    urllib.request.urlopen(req, timeout=10).read()


def _confirmed_submit(response: Any) -> bool:
    """A POST /prompt that carries the user's confirmation of the spend."""
    import json
    request = response.request
    if request.method != "POST" or not response.url.endswith("/prompt"):
        return False
    body = json.loads(request.post_data or "null")
    return isinstance(body, dict) and (body.get("extra_data") or {}).get("confirm_spend") is True


def test_run_over_the_per_job_limit_asks_and_runs_when_confirmed(browser: Any, paid_server: Server):
    # Keys so validation passes; a base URL where nothing listens, so nothing leaves this machine.
    _put(paid_server, "/api/providers/kling/settings", {"base_url": "http://127.0.0.1:9"})
    _put(paid_server, "/api/providers/kling/secrets", {"access_key": "ak-test-0123456789", "secret_key": "sk-test-0123456789"})
    _put(paid_server, "/api/spend/budget", {"per_job": {"USD": 0.1}})
    context, page, canvas = _open(browser, paid_server)
    asked: list[str] = []

    def answer(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.accept()
    page.on("dialog", answer)
    try:
        canvas.load(video("kling-v2-5-turbo"), title="Over budget")
        # Run is refused over the limit, the user is asked, and the confirmed resubmission
        # is accepted: wait for that POST /prompt answer itself (a wait_for_function
        # predicate returning fetch()'s promise is truthy at once: it never waited).
        with page.expect_response(_confirmed_submit, timeout=60000) as answered:
            page.locator(".kg-run").click()
        assert answered.value.ok, answered.value.text()
        job_id = answered.value.json()["prompt_id"]
        assert len(asked) == 1 and "per-job limit" in asked[0] and "Run it anyway?" in asked[0]
        job = paid_server.get(f"/api/runs/{job_id}")
        assert job["extra_data"]["confirm_spend"] is True and job["workflow_name"] == "Over budget"
        paid_server.post(f"/api/runs/{job_id}/cancel", {})  # its provider never answers: don't leave it running
    finally:
        _put(paid_server, "/api/spend/budget", {})
        context.close()


def test_the_spend_panel_sets_the_budget_and_shows_today(browser: Any, paid_server: Server):
    context, page, canvas = _open(browser, paid_server)
    try:
        page.get_by_role("button", name="Spend").click()
        page.get_by_test_id("spend-today").wait_for()
        assert "Today:" in page.get_by_test_id("spend-today").inner_text()
        page.get_by_label("Daily limit").fill("100")
        page.get_by_label("Per-job limit").fill("5")
        page.get_by_role("button", name="Set limits").click()
        page.wait_for_function("() => document.querySelector('[data-testid=spend-limits]').textContent.includes('¥100')")
        assert paid_server.get("/api/spend/budget")["per_day"] == {"CNY": 100}
        assert paid_server.get("/api/spend/budget")["per_job"] == {"CNY": 5}
        assert not canvas.errors
    finally:
        _put(paid_server, "/api/spend/budget", {})
        context.close()
