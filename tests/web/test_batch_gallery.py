"""The gallery of a batch's results in Chromium against a real server and the Kling fake:
four lines fan out over KlingImageGeneration (one too long, refused by the provider);
the chip beside Run opens a grid with one card per item (number, line, thumbnail), the
failed item shows its error, a click views a result large and the arrow keys step to
the next one; the History panel opens the same gallery; in Chinese the strings are
Chinese."""
from __future__ import annotations

from typing import Any, Iterator

import pytest

from tests.fakes.kling import ACCESS_KEY, SECRET_KEY, KlingFake

from .conftest import FIXTURE_PACKS, ROOT, Canvas, Server, configure_provider, threaded_fake, returning_user, running_server

LINES = ["a red mug", "a blue mug", "x" * 2600, "a green mug"]
GRAPH = {"lines": {"class_type": "TextLines", "inputs": {"text": "\n".join(LINES)}},
         "gen": {"class_type": "KlingImageGeneration",
                 "inputs": {"prompt": ["lines", 0], "negative_prompt": "", "model": "kling-v2-1",
                            "resolution": "1k", "aspect_ratio": "1:1", "n": 1}},
         "save": {"class_type": "SaveImage", "inputs": {"images": ["gen", 0], "filename_prefix": "gallery"}}}


@pytest.fixture(scope="module")
def kling_fake() -> Iterator[KlingFake]:
    with threaded_fake(KlingFake(steps=())) as fake:  # tasks finish on their first poll
        yield fake


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, kling_fake: KlingFake) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("gallery-user"), [ROOT / "custom_nodes", FIXTURE_PACKS]) as started:
        configure_provider(started, "kling", {"base_url": kling_fake.url},
                           {"access_key": ACCESS_KEY, "secret_key": SECRET_KEY})
        yield started


def test_a_batch_opens_as_a_gallery_from_the_canvas_and_from_history(canvas: Canvas, kling_fake: KlingFake) -> None:
    page = canvas.page
    canvas.load(GRAPH, "Mugs")
    canvas.run()
    canvas.wait_idle(timeout_ms=60000)
    assert len(kling_fake.creates("image")) == 3
    chip = page.get_by_test_id("batch-chip")
    chip.wait_for()
    assert chip.inner_text().strip() == "▦ 4 items · 1 failed"
    chip.click()
    cards = page.get_by_test_id("gallery").locator(".kg-gallery-item")
    cards.nth(3).locator("img").wait_for()
    assert cards.count() == 4
    assert cards.nth(0).locator(".kg-gallery-label").inner_text() == "#1 a red mug"
    assert cards.nth(3).locator(".kg-gallery-label").inner_text() == "#4 a green mug"
    failed = cards.nth(2)
    assert "failed" in failed.get_attribute("class") and failed.locator("img").count() == 0
    error = failed.locator(".kg-gallery-error").inner_text()
    assert error.startswith("Failed at KlingImageGeneration: item 3 of 4") and "2500" in error
    thumb = cards.nth(1).locator("img")
    assert "preview=" in thumb.get_attribute("src")
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=thumb.element_handle())

    cards.nth(0).locator(".kg-gallery-thumb").click()
    large = page.get_by_test_id("gallery-large")
    large.wait_for()
    assert large.locator("header").inner_text().startswith("#1 a red mug")
    src = large.locator("img").get_attribute("src")
    assert "preview=" not in src and "gallery" in src
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('[data-testid=gallery-large] header').textContent.startsWith('#2')")
    page.keyboard.press("ArrowRight")  # the failed item has no result: skipped
    page.wait_for_function("() => document.querySelector('[data-testid=gallery-large] header').textContent.startsWith('#4')")
    page.keyboard.press("Escape")
    large.wait_for(state="detached")
    assert page.get_by_test_id("gallery").is_visible(), "Esc closes the large view, not the gallery"
    page.keyboard.press("Escape")
    page.get_by_test_id("gallery").wait_for(state="detached")

    page.keyboard.press("h")
    button = page.get_by_test_id("history-gallery").first
    button.wait_for()
    assert "4 items · 1 failed" in button.inner_text()
    button.click()
    page.get_by_test_id("gallery").locator(".kg-gallery-item").nth(3).wait_for()
    assert page.get_by_test_id("gallery-summary").inner_text() == "4 items · 1 failed"


def test_the_gallery_speaks_chinese(browser: Any, server: Server, kling_fake: KlingFake) -> None:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 860})
    returning_user(context, server)
    page = context.new_page()
    page.set_default_timeout(15000)
    canvas = Canvas(page, server).open()
    try:
        canvas.load(GRAPH, "杯子")
        page.get_by_role("button", name="▶ 运行", exact=True).click()
        canvas.wait_idle(timeout_ms=60000)
        chip = page.get_by_test_id("batch-chip")
        chip.wait_for()
        assert chip.inner_text().strip() == "▦ 4 项 · 1 项失败"
        chip.click()
        dialog = page.get_by_role("dialog", name="批量结果（4 项）")
        dialog.wait_for()
        assert dialog.locator(".kg-gallery-error").inner_text().startswith("在 KlingImageGeneration 失败")
        assert not canvas.errors
    finally:
        context.close()
