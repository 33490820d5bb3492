"""The canvas's Settings dialog offers a provider a third-party pack declares (its
credential, regions and concurrency limit), with no core edit, and saves them."""
from __future__ import annotations

import json
import textwrap
import urllib.request
from pathlib import Path
from typing import Any, Iterator

import pytest

from tests.server.routes.test_provider_packs import PACK, PRICES, TOKEN

from .conftest import Canvas, Server, returning_user, running_server


@pytest.fixture
def acme_server(tmp_path: Path) -> Iterator[Server]:
    folder = tmp_path / "third_party" / "acme_pack"
    folder.mkdir(parents=True)
    (folder / "__init__.py").write_text(textwrap.dedent(PACK), encoding="utf-8")
    (folder / "prices.json").write_text(json.dumps(PRICES), encoding="utf-8")
    with running_server(tmp_path / "user", [folder.parent]) as started:
        yield started


def provider(server: Server, name: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{server.url}/api/providers/{name}", timeout=10) as answer:
        return json.loads(answer.read())


def test_settings_offers_and_saves_a_pack_declared_provider(browser: Any, acme_server: Server) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 860})
    returning_user(context, acme_server)
    page = context.new_page()
    page.set_default_timeout(15000)
    canvas = Canvas(page, acme_server).open()
    page.get_by_role("button", name="Settings").click()
    acme = page.get_by_role("dialog", name="Settings").locator("fieldset[data-provider=acme]")
    assert "Acme Render (测试)" in acme.locator("legend").inner_text()
    region = acme.get_by_label("Region")
    assert [o.get_attribute("value") for o in region.locator("option").all()] == ["", "eu", "us"]
    assert acme.get_by_label("Calls at once").input_value() == "3"
    acme.get_by_label("Access token").fill(TOKEN)
    region.select_option("eu")
    acme.get_by_label("Calls at once").fill("1")
    acme.get_by_role("button", name="Save Acme Render (测试)").click()
    page.wait_for_function("() => document.querySelector('fieldset[data-provider=acme] .kg-ok')")
    saved = provider(acme_server, "acme")
    assert saved["configured"] is True and saved["region"] == "eu" and saved["limit"] == 1
    assert saved["base_url"] == "https://eu.acme.invalid/v1"
    assert TOKEN not in page.content()
    errors = canvas.errors
    context.close()
    assert not errors, errors
