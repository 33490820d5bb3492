"""Templates, the node catalogue, models, uploads, settings and status through the
SDK's client, in memory, against a real server: what each tool returns, the
errors it gives, and that a stored secret never comes back in a tool result."""
from __future__ import annotations

import base64
import io
import json
from pathlib import Path

from PIL import Image

from keroro_graph.settings import Settings
from tests.mcp.conftest import gradient, images_of, mcp_client, text_of

SECRET = "AIzaSy-very-secret-value-0042"


def png_bytes(size: tuple[int, int] = (24, 16), color: tuple[int, int, int] = (10, 200, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


async def test_templates_can_be_listed_read_saved_and_deleted(keroro: str) -> None:
    async with mcp_client(keroro) as client:
        listed = (await client.call_tool("list_templates", {})).structured_content["templates"]
        assert {"name": "hello_poster", "source": "app", "format": "api"} in listed
        poster = (await client.call_tool("get_template", {"name": "hello_poster"})).structured_content
        assert poster["source"] == "app" and poster["template"]["5"]["class_type"] == "SaveImage"
        saved = await client.call_tool("save_template", {"name": "my start", "graph": gradient(32, 32)})
        assert not saved.is_error and saved.structured_content["source"] == "user"
        mine = (await client.call_tool("list_templates", {"source": "user"})).structured_content["templates"]
        assert [t["name"] for t in mine] == ["my start"]
        refused = await client.call_tool("save_template", {"name": "my start", "graph": {}, "overwrite": False})
        assert refused.is_error and "not saved" in text_of(refused)
        run = await client.call_tool("run_workflow", {"graph": (await client.call_tool(
            "get_template", {"name": "my start"})).structured_content["template"]})
        assert not run.is_error and len(images_of(run)) == 1
        assert not (await client.call_tool("delete_template", {"name": "my start"})).is_error
        gone = await client.call_tool("get_template", {"name": "my start"})
        assert gone.is_error and "no template named 'my start'" in text_of(gone)
        app_owned = await client.call_tool("delete_template", {"name": "hello_poster"})
        assert app_owned.is_error and "not deleted" in text_of(app_owned)


async def test_the_node_catalogue_filters_by_category_type_and_text(keroro: str) -> None:
    async with mcp_client(keroro) as client:
        generate = (await client.call_tool("list_nodes", {"category": "image/generate"})).structured_content
        assert {"EmptyImage", "ImageGradient", "ImageNoise"} <= {n["class_type"] for n in generate["nodes"]}
        assert "test" in generate["categories"]
        images = (await client.call_tool("list_nodes", {"type": "image", "limit": 500})).structured_content["nodes"]
        assert "SaveImage" in {n["class_type"] for n in images} and "TestConst" not in {n["class_type"] for n in images}
        found = (await client.call_tool("list_nodes", {"search": "gradient"})).structured_content["nodes"]
        assert [n["class_type"] for n in found] == ["ImageGradient"]
        empty = (await client.call_tool("describe_node", {"class_type": "EmptyImage"})).structured_content
        width = next(i for i in empty["inputs"] if i["name"] == "width")
        assert width == {"name": "width", "section": "required", "type": "INT", "default": 512, "min": 1,
                         "max": 16384, "step": 1}
        assert empty["outputs"] == [{"name": "IMAGE", "type": "IMAGE"}]
        unknown = await client.call_tool("describe_node", {"class_type": "SaveImages"})
        assert unknown.is_error and "did you mean SaveImage" in text_of(unknown)


async def test_upload_image_from_base64_or_a_path_names_the_loadimage_value(keroro: str, settings: Settings,
                                                                            tmp_path: Path) -> None:
    data = png_bytes()
    local = tmp_path / "photo.png"
    local.write_bytes(png_bytes(color=(1, 2, 3)))
    async with mcp_client(keroro) as client:
        by_data = (await client.call_tool("upload_image", {
            "image_base64": "data:image/png;base64," + base64.b64encode(data).decode()})).structured_content
        assert by_data["load_image_value"] == by_data["name"] == "upload.png"
        assert (settings.paths.input / "upload.png").read_bytes() == data
        by_path = (await client.call_tool("upload_image",
                                          {"path": str(local), "filename": "cat.png"})).structured_content
        assert by_path["name"] == "cat.png"
        graph = {"1": {"class_type": "LoadImage", "inputs": {"image": by_path["load_image_value"]}},
                 "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "loaded"}}}
        run = await client.call_tool("run_workflow", {"graph": graph})
        assert not run.is_error, text_of(run)
        [(preview, _, _)] = images_of(run)
        assert preview.size == (24, 16)
        not_image = await client.call_tool("upload_image", {"image_base64": base64.b64encode(b"hello").decode()})
        assert not_image.is_error and "upload refused" in text_of(not_image)
        missing = await client.call_tool("upload_image", {"path": str(tmp_path / "nope.png")})
        assert missing.is_error and "no file at" in text_of(missing)
        both = await client.call_tool("upload_image", {})
        assert both.is_error and "either 'image_base64' or 'path'" in text_of(both)


async def test_provider_keys_go_in_and_only_masked_state_comes_out(keroro: str, settings: Settings) -> None:
    async with mcp_client(keroro) as client:
        stored = await client.call_tool("set_provider_key", {"provider": "gemini", "value": SECRET})
        assert not stored.is_error, text_of(stored)
        assert stored.structured_content["credentials"][0]["masked"].endswith("0042")
        settings_view = await client.call_tool("get_settings", {})
        several = await client.call_tool("set_provider_key", {"provider": "kling", "value": SECRET})
        unknown = await client.call_tool("set_provider_key", {"provider": "nobody", "value": SECRET})
    for result in (stored, settings_view, several, unknown):
        assert SECRET not in json.dumps(result.model_dump(mode="json"))
    gemini = next(p for p in settings_view.structured_content["providers"] if p["name"] == "gemini")
    assert gemini["configured"] is True and gemini["credentials"][0]["set"] is True
    assert several.is_error and "access_key, secret_key" in text_of(several)
    assert unknown.is_error and "unknown provider 'nobody'" in text_of(unknown)
    assert SECRET in settings.secrets_path.read_text()


async def test_models_are_listed_per_provider_and_kind(keroro: str) -> None:
    async with mcp_client(keroro) as client:
        everything = (await client.call_tool("list_models", {})).structured_content["models"]
        gemini = (await client.call_tool("list_models", {"provider": "gemini", "kind": "image"})).structured_content
        bad_kind = await client.call_tool("list_models", {"provider": "gemini", "kind": "sound"})
    assert "gemini" in everything and "kling" in everything
    assert list(gemini["models"]) == ["gemini"] and gemini["models"]["gemini"]["image"]
    assert bad_kind.is_error and "has no 'sound' models" in text_of(bad_kind)


async def test_system_status_reports_health_queue_and_versions(keroro: str) -> None:
    async with mcp_client(keroro) as client:
        await client.call_tool("run_workflow", {"graph": gradient(8, 8)})
        status = (await client.call_tool("system_status", {})).structured_content
    assert status["status"] == "ready" and status["checks"]["workers"]["ok"] is True
    assert status["queue_depth"] == 0 and status["running"] == []
    assert status["versions"]["server"] == status["versions"]["mcp_server"] == "0.1.0"
    assert status["versions"]["mcp_sdk"].startswith("2.")
