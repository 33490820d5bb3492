"""The MCP tools around running things: templates, the node catalogue, provider
models, image uploads, provider settings (secrets masked: values go in, never come
out) and system status. Each is one or two HTTP calls through the KeroroClient."""
from __future__ import annotations

import asyncio
import base64
import binascii
import difflib
import importlib.metadata
from pathlib import Path
from typing import Annotated, Any, Callable, cast

import aiohttp
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import ToolAnnotations
from pydantic import Field

from .. import __version__
from .client import KeroroClient, KeroroServerError, ServerAnswerError, segment
from . import shapes
from .context import DELETE, READ, WRITE, client_of
from .workflows import input_type

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
_SOURCE_ORDER = {"user": 0, "app": 1}
_MAGIC = ((b"\x89PNG", ".png"), (b"\xff\xd8", ".jpg"), (b"GIF8", ".gif"), (b"BM", ".bmp"))

TemplateName = Annotated[str, Field(description="A template's name (see list_templates).")]
Provider = Annotated[str, Field(description="A provider name such as kling, gemini or dashscope (see get_settings).")]
Category = Annotated[str | None, Field(description='Category prefix, e.g. "image" or "image/filter".')]
SocketType = Annotated[str | None, Field(description="Only nodes taking or producing this socket type, e.g. IMAGE.")]
Search = Annotated[str | None, Field(description="Text to find in the name, display name or description.")]
ImageBase64 = Annotated[str | None, Field(description="The image bytes as base64 (a data: URL works too).")]
LocalPath = Annotated[str | None, Field(description="Or a path to an image file on the machine running this MCP "
                                                   "server.")]
FileName = Annotated[str | None, Field(description="Name to store it under (default: the file's name, or "
                                                  "upload.<ext>).")]
Secret = Annotated[str, Field(description="The key or token; stored on the server, never shown again.")]
Credential = Annotated[str | None, Field(
    description="Which credential (e.g. api_key, access_key); needed only when the provider has several.")]


async def list_templates(ctx: Context, source: Annotated[str | None, Field(
        description='Only this source: "app", "user" or "pack:<name>".')] = None) -> shapes.TemplateList:
    """Example workflows to start from: name, source (app, pack:<name> or user) and format."""
    return cast(shapes.TemplateList,
                await client_of(ctx).get("/api/templates", params={"source": source} if source else None))


async def get_template(ctx: Context, name: TemplateName, source: Annotated[str | None, Field(
        description="Its source, when several templates share the name.")] = None) -> shapes.TemplateDocument:
    """A template's workflow document. Run it with run_workflow(graph=...) or save it
    with save_template."""
    client = client_of(ctx)
    if source is None:
        source = await _template_source(client, name)
    try:
        doc = await client.get(f"/api/templates/{segment(source)}/{segment(name)}")
    except ServerAnswerError as exc:
        if exc.status == 404:
            raise ToolError(f"no template {name!r} in source {source!r}; list_templates shows them") from exc
        raise
    return {"name": name, "source": source, "template": doc}


async def _template_source(client: KeroroClient, name: str) -> str:
    entries = (await client.get("/api/templates")).get("templates", [])
    sources = sorted((e["source"] for e in entries if e["name"] == name), key=lambda s: _SOURCE_ORDER.get(s, 2))
    if sources:
        return str(sources[0])
    close = difflib.get_close_matches(name, [e["name"] for e in entries], n=5)
    raise ToolError(f"no template named {name!r}" + (f"; did you mean {', '.join(map(repr, close))}?" if close else
                                                      "; list_templates shows them"))


async def save_template(ctx: Context, name: TemplateName,
                        graph: Annotated[dict[str, Any], Field(description="The workflow: API graph or UI workflow.")],
                        overwrite: Annotated[bool, Field(description="Replace a user template of that name.")] = True
                        ) -> shapes.Saved:
    """Save a workflow as a user template (known secret values in it are masked)."""
    try:
        saved = await client_of(ctx).put(f"/api/templates/user/{segment(name)}", json_body=graph,
                                         params={"overwrite": "true" if overwrite else "false"})
        return cast(shapes.Saved, saved)
    except ServerAnswerError as exc:
        raise ToolError(f"template {name!r} not saved: {exc}") from exc


async def delete_template(ctx: Context, name: TemplateName) -> shapes.Saved:
    """Delete a user template (app and pack templates are read-only)."""
    try:
        return cast(shapes.Saved, await client_of(ctx).delete(f"/api/templates/user/{segment(name)}"))
    except ServerAnswerError as exc:
        raise ToolError(f"template {name!r} not deleted: {exc}") from exc


async def list_nodes(ctx: Context, category: Category = None, type: SocketType = None, search: Search = None,
                     limit: Annotated[int, Field(ge=1, le=1000)] = 200) -> shapes.NodeList:
    """The node catalogue, filtered: class type, display name, category, input and output
    types. describe_node gives one node's full inputs."""
    info: dict[str, Any] = await client_of(ctx).get("/object_info")
    found = [_node_entry(name, spec) for name, spec in sorted(info.items())
             if _matches(name, spec, category, type, search)]
    return {"total": len(found), "nodes": found[:limit],
            "categories": sorted({spec.get("category", "") for spec in info.values()})}


def _matches(name: str, spec: dict[str, Any], category: str | None, kind: str | None, search: str | None) -> bool:
    if category and not spec.get("category", "").lower().startswith(category.lower().strip("/")):
        return False
    if kind and kind.upper() not in {*_input_types(spec).values(), *spec.get("output", [])}:
        return False
    text = f"{name} {spec.get('display_name', '')} {spec.get('description', '')}".lower()
    return not search or search.lower() in text


def _input_types(spec: dict[str, Any]) -> dict[str, str]:
    inputs = spec.get("input", {})
    return {n: input_type(e)["type"] for section in ("required", "optional")
            for n, e in inputs.get(section, {}).items()}


def _node_entry(name: str, spec: dict[str, Any]) -> shapes.NodeEntry:
    return {"class_type": name, "display_name": spec.get("display_name"), "category": spec.get("category"),
            "inputs": _input_types(spec), "outputs": spec.get("output", []), "output_node": spec.get("output_node")}


async def node_info(client: KeroroClient, class_type: str) -> dict[str, Any]:
    """``/object_info/{class_type}``; a ToolError suggesting close names when unknown."""
    info = await client.get(f"/object_info/{segment(class_type)}")
    if class_type in (info or {}):
        return cast("dict[str, Any]", info[class_type])
    names = list((await client.get("/object_info")).keys())
    close = difflib.get_close_matches(class_type, names, n=5, cutoff=0.5)
    raise ToolError(f"no node type {class_type!r}" + (f"; did you mean {', '.join(close)}?" if close else
                                                       "; list_nodes shows the catalogue"))


async def describe_node(ctx: Context, class_type: Annotated[str, Field(description="The node type, e.g. SaveImage.")]
                        ) -> shapes.NodeDescription:
    """One node type: description, category, each input (type, default, limits, choices,
    required or optional) and outputs."""
    spec = await node_info(client_of(ctx), class_type)
    inputs = [{"name": n, "section": section, **input_type(e)}
              for section in ("required", "optional") for n, e in spec.get("input", {}).get(section, {}).items()]
    outputs = [{"name": n, "type": t} for n, t in zip(spec.get("output_name", []), spec.get("output", []))]
    return {"class_type": class_type, "display_name": spec.get("display_name"), "category": spec.get("category"),
            "description": spec.get("description"), "output_node": spec.get("output_node"),
            "inputs": inputs, "outputs": outputs}


async def list_models(ctx: Context, provider: Annotated[str | None, Field(
                          description="One provider; all providers when left out.")] = None,
                      kind: Annotated[str | None, Field(description='Only this kind, e.g. "image" or "video".')] = None
                      ) -> shapes.ModelList:
    """Model ids each provider offers, by kind (image, video, chat, …)."""
    client = client_of(ctx)
    names = [provider] if provider else [p["name"] for p in (await client.get("/api/providers"))["providers"]]
    models: dict[str, Any] = {}
    for name in names:
        answer = await client.get(f"/api/providers/{segment(name)}/models")
        kinds = answer.get("models", {})
        if kind is not None:
            if kind not in kinds and provider:
                raise ToolError(f"provider {name!r} has no {kind!r} models; its kinds are {', '.join(kinds) or 'none'}")
            kinds = {kind: kinds[kind]} if kind in kinds else {}
        if kinds:
            models[name] = kinds
    return {"models": models}


async def upload_image(ctx: Context, image_base64: ImageBase64 = None, path: LocalPath = None,
                       filename: FileName = None,
                       overwrite: Annotated[bool, Field(description="Replace a file of the same name.")] = False
                       ) -> shapes.Uploaded:
    """Upload an image into the server's input folder; returns the name to put in
    LoadImage's `image` input."""
    data, default_name = await _upload_bytes(image_base64, path)
    name = filename or default_name
    form = aiohttp.FormData()
    form.add_field("image", data, filename=name, content_type="application/octet-stream")
    form.add_field("type", "input")
    form.add_field("overwrite", "true" if overwrite else "false")
    try:
        answer = await client_of(ctx).post("/upload/image", data=form)
    except ServerAnswerError as exc:
        raise ToolError(f"upload refused: {exc}") from exc
    stored = f"{answer['subfolder']}/{answer['name']}" if answer.get("subfolder") else answer["name"]
    hint = f'use overrides {{"<LoadImage node>.image": "{stored}"}} or LoadImage inputs {{"image": "{stored}"}}'
    return cast(shapes.Uploaded, {**answer, "load_image_value": stored, "hint": hint})


async def _upload_bytes(image_base64: str | None, path: str | None) -> tuple[bytes, str]:
    if (image_base64 is None) == (path is None):
        raise ToolError("give either 'image_base64' or 'path', not both")
    if path is not None:
        file = Path(path).expanduser()
        if not file.is_file():
            raise ToolError(f"no file at {str(file)!r} on the machine running the MCP server")
        if file.stat().st_size > MAX_UPLOAD_BYTES:
            raise ToolError(f"{file.name} is larger than {MAX_UPLOAD_BYTES // 2**20} MiB")
        return await asyncio.to_thread(file.read_bytes), file.name
    assert image_base64 is not None  # one of the two, checked above
    text = image_base64.split(",", 1)[1] if image_base64.startswith("data:") else image_base64
    try:
        data = base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ToolError(f"'image_base64' is not valid base64: {exc}") from exc
    if len(data) > MAX_UPLOAD_BYTES:
        raise ToolError(f"the image is larger than {MAX_UPLOAD_BYTES // 2**20} MiB")
    ext = next((e for magic, e in _MAGIC if data.startswith(magic)), ".webp" if data[8:12] == b"WEBP" else ".png")
    return data, f"upload{ext}"


async def get_settings(ctx: Context) -> shapes.Settings:
    """Provider settings: which credentials are set (masked, never the values), base URL,
    region, concurrency limit and model kinds for each provider."""
    client = client_of(ctx)
    providers = (await client.get("/api/providers"))["providers"]
    keep = ("name", "display_name", "configured", "base_url", "region", "regions", "limit", "model_kinds", "docs_url")
    shown = ("name", "label", "set", "masked", "source", "env")
    return cast(shapes.Settings, {
        "server": client.base_url,
        "providers": [{**{k: p.get(k) for k in keep},
                       "credentials": [{k: c.get(k) for k in shown} for c in p.get("credentials", [])]}
                      for p in providers]})


async def set_provider_key(ctx: Context, provider: Provider, value: Secret,
                           credential: Credential = None) -> shapes.KeyStored:
    """Store a provider credential on the server; answers with the masked state only."""
    client = client_of(ctx)
    try:
        if credential is None:
            names = [c["name"] for c in (await client.get(f"/api/providers/{segment(provider)}"))["credentials"]]
            if len(names) != 1:
                raise ToolError(f"provider {provider!r} has credentials {', '.join(names)}; "
                                "say which one in 'credential'")
            credential = names[0]
        view = await client.put(f"/api/providers/{segment(provider)}/secrets", json_body={credential: value})
    except ServerAnswerError as exc:
        raise ToolError(f"credential not stored: {exc}") from exc
    return {"provider": provider, "credential": credential, "configured": view.get("configured"),
            "credentials": [cast(shapes.Credential, {k: c.get(k) for k in ("name", "set", "masked", "source")})
                            for c in view["credentials"]]}


async def system_status(ctx: Context) -> shapes.Status:
    """Health of the Keroro Graph server: readiness checks, queue depth, running jobs
    and versions. Reports an unreachable server as such instead of failing."""
    client = client_of(ctx)
    try:
        ready = await client.get("/api/health/ready", allow=(503,))
        queued = await client.get("/api/runs", params={"status": "queued", "limit": 1})
        running = await client.get("/api/runs", params={"status": "running", "limit": 50})
        stats = (await client.get("/system_stats")).get("system", {})
    except ServerAnswerError as exc:
        state = "unauthorized" if exc.status in (401, 403) else "error"
        hint = (" — the server wants an access token: start the MCP server with --token (or KERORO_TOKEN)"
                if state == "unauthorized" else "")
        return {"server": client.base_url, "status": state, "error": f"{exc}{hint}", "versions": _versions({})}
    except KeroroServerError as exc:
        return {"server": client.base_url, "status": "unreachable", "error": str(exc), "versions": _versions({})}
    return {"server": client.base_url, "status": ready.get("status"), "checks": ready.get("checks"),
            "queue_depth": (queued.get("total") or 0) + (running.get("total") or 0),
            "queued": queued.get("total"),
            "running": [{"id": j["id"], "duration_s": j.get("duration_s")} for j in running.get("jobs", [])],
            "versions": _versions(stats)}


def _versions(stats: dict[str, Any]) -> dict[str, Any]:
    return {"server": stats.get("keroro_graph_version"), "comfyui_api": stats.get("comfyui_version"),
            "mcp_server": __version__, "mcp_sdk": importlib.metadata.version("mcp")}


TOOLS: list[tuple[Callable[..., Any], ToolAnnotations]] = [
    (list_templates, READ), (get_template, READ), (save_template, WRITE), (delete_template, DELETE),
    (list_nodes, READ), (describe_node, READ), (list_models, READ), (upload_image, WRITE),
    (get_settings, READ), (set_provider_key, WRITE), (system_status, READ),
]
