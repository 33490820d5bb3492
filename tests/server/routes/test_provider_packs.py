"""A third-party pack declares its provider — credentials and their environment
variables, regions, a limit, models and a price table — and the server offers it in
Settings (``/api/providers``), checks its keys at validation, prices its nodes and
limits its calls, with no edit to the core."""
from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from keroro_graph.server.app import create_app
from keroro_graph.settings import Settings

PACK = '''
from pathlib import Path
from typing import Annotated

from keroro_graph.api import Combo, Credential, NodeContext, Price, ProviderClient, ProviderInfo, node

PROVIDER = ProviderInfo(
    "acme", "Acme Render (测试)",
    (Credential("token", "Access token", ("ACME_TOKEN",)),),
    "https://api.acme.invalid/v1",
    regions={"eu": "https://eu.acme.invalid/v1", "us": "https://us.acme.invalid/v1"},
    limit=3, models={"video": ("acme-1", "acme-2")}, docs_url="https://acme.invalid/docs",
    prices=Path(__file__).with_name("prices.json"))


class AcmeClient(ProviderClient):
    provider = "acme"
    credentials = ("token",)


@node("AcmeRender", category="provider/acme", output=True, provider=AcmeClient,
      price=Price("acme", key=("model",)))
async def acme_render(ctx: NodeContext,
                      model: Annotated[str, Combo(options=("acme-1", "acme-2"), default="acme-1")]) -> str:
    return model
'''

PRICES = {"tables": {"acme": {"currency": "EUR", "as_of": "2026-12-04", "source": "https://acme.invalid/pricing",
                              "rows": {"acme-1": 0.25, "acme-2": 0.5}}}}
TOKEN = "acme-tok-0123456789abcdef"


@pytest.fixture
def pack_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "third_party" / "acme_pack"
    folder.mkdir(parents=True)
    (folder / "__init__.py").write_text(textwrap.dedent(PACK), encoding="utf-8")
    (folder / "prices.json").write_text(json.dumps(PRICES), encoding="utf-8")
    return folder.parent


@pytest.fixture
async def acme(tmp_path: Path, pack_folder: Path, aiohttp_client: Any,
               monkeypatch: pytest.MonkeyPatch) -> TestClient:
    monkeypatch.delenv("ACME_TOKEN", raising=False)
    monkeypatch.delenv("KERORO_ACME_TOKEN", raising=False)
    settings = Settings(user_dir=tmp_path / "user", custom_nodes_dirs=[pack_folder])
    return await aiohttp_client(create_app(settings))


def graph(model: str = "acme-2") -> dict[str, Any]:
    return {"1": {"class_type": "AcmeRender", "inputs": {"model": model}}}


async def test_a_pack_declared_provider_appears_in_settings(acme: TestClient) -> None:
    listed = {p["name"]: p for p in (await (await acme.get("/api/providers")).json())["providers"]}
    assert "acme" in listed
    info = listed["acme"]
    assert info["display_name"] == "Acme Render (测试)" and info["docs_url"] == "https://acme.invalid/docs"
    assert info["credentials"] == [{"name": "token", "label": "Access token",
                                    "env": ["KERORO_ACME_TOKEN", "ACME_TOKEN"], "set": False}]
    assert info["regions"] == {"eu": "https://eu.acme.invalid/v1", "us": "https://us.acme.invalid/v1"}
    assert info["base_url"] == "https://api.acme.invalid/v1" and info["limit"] == 3 == info["default_limit"]
    models = await (await acme.get("/api/providers/acme/models")).json()
    assert models["models"] == {"video": ["acme-1", "acme-2"]}

    resp = await acme.put("/api/providers/acme/settings", json={"region": "eu", "limit": 1})
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["base_url"] == "https://eu.acme.invalid/v1"
    resp = await acme.put("/api/providers/acme/settings", json={"region": "mars"})
    assert resp.status == 400 and "eu, us" in (await resp.json())["error"]["message"]

    resp = await acme.put("/api/providers/acme/secrets", json={"token": TOKEN})
    assert resp.status == 200 and TOKEN not in await resp.text()
    assert (await resp.json())["configured"] is True


async def test_validation_names_the_pack_providers_missing_key(acme: TestClient) -> None:
    resp = await acme.post("/prompt", json={"prompt": graph()})
    assert resp.status == 400
    text = json.dumps(await resp.json())
    assert "Acme Render" in text and "KERORO_ACME_TOKEN" in text


async def test_the_pack_price_table_prices_its_nodes(acme: TestClient) -> None:
    estimate = await (await acme.post("/api/prompt/estimate", json={"prompt": graph("acme-2")})).json()
    assert estimate["total"] == {"EUR": 0.5}
    assert estimate["nodes"]["1"]["provider"] == "acme"
    tables = await (await acme.get("/api/spend/prices")).json()
    assert tables["acme"]["source"] == "https://acme.invalid/pricing"


async def test_a_user_price_file_still_overrides_a_pack_table(tmp_path: Path, pack_folder: Path,
                                                              aiohttp_client: Any) -> None:
    user = tmp_path / "user"
    user.mkdir()
    (user / "prices.json").write_text(json.dumps({"tables": {"acme": {"rows": {"acme-2": 0.75}}}}))
    client = await aiohttp_client(create_app(Settings(user_dir=user, custom_nodes_dirs=[pack_folder])))
    estimate = await (await client.post("/api/prompt/estimate", json={"prompt": graph("acme-2")})).json()
    assert estimate["total"] == {"EUR": 0.75}
    one = await (await client.post("/api/prompt/estimate", json={"prompt": graph("acme-1")})).json()
    assert one["total"] == {"EUR": 0.25}, "the pack's other rows are kept"
