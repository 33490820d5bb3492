"""Wire details real ComfyUI clients and the official frontend rely on: /view's
Content-Disposition as ComfyUI writes it, /i18n and /experiment/models, the template
library under /templates/ with thumbnails, and reading the workflow and prompt out
of an uploaded PNG or WebP."""
from __future__ import annotations

import io
import json
import zlib
from pathlib import Path

from aiohttp import FormData
from aiohttp.test_utils import TestClient
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from keroro_graph.registry import load_registry
from keroro_graph.server.app import create_app
from keroro_graph.settings import Settings

WORKFLOW = {"id": "wf", "nodes": [{"id": 1, "type": "EmptyImage", "pos": [0, 0], "size": [200, 80]},
                                  {"id": 2, "type": "SaveImage", "pos": [300, 0], "size": [200, 80]}],
            "links": [[1, 1, 0, 2, 0, "IMAGE"]], "extra": {"note": "海报"}}
PROMPT = {"1": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": 0}}}


def png_with(**texts: str) -> bytes:
    info = PngInfo()
    for key, value in texts.items():
        info.add_text(key, value)
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def webp_with(**texts: str) -> bytes:
    """As ComfyUI's SaveAnimatedWEBP writes it: IFD0 Make/Model as "key:json"."""
    exif = Image.Exif()
    for tag, (key, value) in zip((0x010F, 0x0110), texts.items()):
        exif[tag] = f"{key}:{value}"
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, "WEBP", exif=exif)
    return out.getvalue()


async def test_content_disposition_as_comfyui_writes_it(client: TestClient, settings: Settings) -> None:
    out = settings.paths.output
    out.mkdir(parents=True, exist_ok=True)
    for name in ("plain.png", 'say "hi".png', "海报.png", "page.html"):
        (out / name).write_bytes(png_with())
    plain = await client.get("/view", params={"filename": "plain.png"})
    assert plain.headers["Content-Disposition"] == 'filename="plain.png"'
    quoted = await client.get("/view", params={"filename": 'say "hi".png'})
    assert quoted.headers["Content-Disposition"] == 'filename="say \\"hi\\".png"'
    chinese = await client.get("/view", params={"filename": "海报.png"})
    assert chinese.headers["Content-Disposition"] == (
        "filename=\"__.png\"; filename*=UTF-8''%E6%B5%B7%E6%8A%A5.png")
    active = await client.get("/view", params={"filename": "page.html"})
    assert active.headers["Content-Disposition"] == 'attachment; filename="page.html"'
    assert active.headers["Content-Type"] == "application/octet-stream"


async def test_i18n_and_experiment_models(client: TestClient) -> None:
    for path in ("/i18n", "/api/i18n"):
        resp = await client.get(path)
        # The fixture pack kg_test_nodes ships locales/zh and locales/en (ComfyUI's layout).
        body = await resp.json()
        assert resp.status == 200 and set(body) == {"en", "zh"}
        assert body["zh"]["nodeDefs"]["TestConst"]["display_name"] == "测试常量"
        assert body["zh"]["title"] == "测试节点包"  # main.json merged at the top
        assert body["en"] == {"nodeDefs": {"TestConst": {"display_name": "Test Constant"}}}
    for path in ("/experiment/models", "/api/experiment/models"):
        resp = await client.get(path)
        assert resp.status == 200 and await resp.json() == []
    assert (await client.get("/api/experiment/models/checkpoints")).status == 404
    resp = await client.get("/api/global_subgraphs")
    assert resp.status == 200 and await resp.json() == {}
    assert (await client.get("/api/global_subgraphs/x")).status == 404


async def test_template_library_of_app_examples(client: TestClient) -> None:
    index = await (await client.get("/templates/index.json")).json()
    assert index[0]["moduleName"] == "default"
    names = [t["name"] for t in index[0]["templates"]]
    assert "hello_poster" in names and all(t["mediaSubtype"] == "jpg" for t in index[0]["templates"])
    assert await (await client.get("/templates/index.zh.json")).json() == index
    logo = await client.get("/templates/index_logo.json")
    assert logo.status == 200 and await logo.json() == {}
    doc = await client.get("/templates/hello_poster.json")
    assert doc.status == 200 and isinstance(await doc.json(), dict)
    thumb = await client.get("/templates/hello_poster-1.jpg")
    assert thumb.status == 200 and thumb.content_type == "image/jpeg"
    assert Image.open(io.BytesIO(await thumb.read())).size == (320, 240)
    for missing in ("/templates/nothing.json", "/templates/nothing-1.jpg", "/templates/../secrets.json"):
        assert (await client.get(missing)).status == 404, missing


async def test_pack_template_thumbnail(settings: Settings, tmp_path: Path, aiohttp_client) -> None:
    pack = tmp_path / "packs" / "poster_pack"
    (pack / "example_workflows").mkdir(parents=True)
    (pack / "__init__.py").write_text("NODE_CLASS_MAPPINGS = {}\n")
    (pack / "example_workflows" / "poster.json").write_text(json.dumps(WORKFLOW))
    registry = load_registry(custom_dirs=[tmp_path / "packs"])
    client = await aiohttp_client(create_app(settings, registry=registry))
    assert (await (await client.get("/api/workflow_templates")).json()) == {"poster_pack": ["poster"]}
    thumb = await client.get("/api/workflow_templates/poster_pack/poster.jpg")
    assert thumb.status == 200 and thumb.content_type == "image/jpeg"
    pixels = Image.open(io.BytesIO(await thumb.read())).convert("RGB")
    assert len(pixels.getcolors(1 << 16)) > 3  # boxes and a link drawn, not a blank card
    assert (await client.get("/api/workflow_templates/poster_pack/nothing.jpg")).status == 404


async def test_extract_workflow_from_png_and_webp(client: TestClient) -> None:
    png = png_with(workflow=json.dumps(WORKFLOW), prompt=json.dumps(PROMPT))
    form = FormData()
    form.add_field("image", png, filename="ComfyUI_00001_.png", content_type="image/png")
    resp = await client.post("/api/workflows/extract", data=form)
    assert resp.status == 200
    assert await resp.json() == {"workflow": WORKFLOW, "prompt": PROMPT}

    resp = await client.post("/api/workflows/extract", data=webp_with(workflow=json.dumps(WORKFLOW),
                                                                     prompt=json.dumps(PROMPT)))
    assert await resp.json() == {"workflow": WORKFLOW, "prompt": PROMPT}

    nothing = await (await client.post("/api/workflows/extract", data=png_with())).json()
    assert nothing == {"workflow": None, "prompt": None}
    broken = await (await client.post("/api/workflows/extract", data=png_with(workflow="{oops"))).json()
    assert broken["workflow"] is None and "workflow" in broken["problems"]


async def test_extract_refuses_what_it_cannot_read(client: TestClient) -> None:
    resp = await client.post("/api/workflows/extract", data=b"GIF89a not ours")
    assert resp.status == 415 and "PNG or WebP" in (await resp.json())["error"]["message"]
    assert (await client.post("/api/workflows/extract", data=b"")).status == 400
    cut = png_with(workflow=json.dumps(WORKFLOW))[:60]
    assert (await client.post("/api/workflows/extract", data=cut)).status == 415
    # a compressed text chunk that would inflate to far more than any workflow is refused
    bomb = zlib.compress(b"0" * (80 * 1024 * 1024), 9)
    chunk = b"workflow\0\0" + bomb
    crc = zlib.crc32(b"zTXt" + chunk).to_bytes(4, "big")
    png = png_with()
    bombed = png[:33] + len(chunk).to_bytes(4, "big") + b"zTXt" + chunk + crc + png[33:]
    resp = await client.post("/api/workflows/extract", data=bombed)
    assert resp.status == 415 and "MiB" in (await resp.json())["error"]["message"]


def test_pack_locales_merge_packs_and_skip_bad_files(tmp_path: Path) -> None:
    from keroro_graph.server.routes.comfy_extras import pack_locales
    a, b = tmp_path / "a", tmp_path / "b"
    (a / "locales" / "zh").mkdir(parents=True)
    (b / "locales" / "zh").mkdir(parents=True)
    (a / "locales" / "zh" / "nodeDefs.json").write_text(json.dumps({"A": {"display_name": "甲"}}), encoding="utf-8")
    (b / "locales" / "zh" / "nodeDefs.json").write_text(json.dumps({"B": {"display_name": "乙"}}), encoding="utf-8")
    (b / "locales" / "zh" / "settings.json").write_text("[1, 2]", encoding="utf-8")  # not an object: skipped
    (b / "locales" / "zh" / "main.json").write_text("{broken", encoding="utf-8")  # not JSON: skipped
    assert pack_locales([a, b, tmp_path / "no-such-pack"]) == {"zh": {"nodeDefs": {"A": {"display_name": "甲"}, "B": {"display_name": "乙"}}}}
