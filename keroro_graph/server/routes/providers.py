"""``/api/providers``: the providers the loaded packs declare (the registry), with each credential's state (masked,
never the value), setting and deleting credentials, non-secret provider settings
(base URL, region, concurrency limit, model overrides) and the model lists node
combos offer. Secrets go in through this module and never come out of it."""
from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import ValidationError

from ...registry.providers import ProviderInfo
from ...secrets import ProviderConfig
from ..errors import fail, json_object
from ..keys import PROVIDER_SETTINGS, REGISTRY, SECRETS

routes = web.RouteTableDef()
_MAX_SECRET_CHARS = 4096


@routes.get("/api/providers")
async def list_providers(request: web.Request) -> web.Response:
    providers = request.app[REGISTRY].providers
    return web.json_response({"providers": [_view(request, info) for info in providers.values()]})


@routes.get("/api/providers/{provider}")
async def get_provider(request: web.Request) -> web.Response:
    return web.json_response(_view(request, _provider(request)))


@routes.put("/api/providers/{provider}/secrets")
@routes.post("/api/providers/{provider}/secrets")
async def put_secrets(request: web.Request) -> web.Response:
    info = _provider(request)
    body = await json_object(request)
    if not body:
        fail(400, "send at least one credential as {name: value}")
    unknown = [name for name in body if info.credential(name) is None]
    if unknown:
        fail(400, f"provider {info.name!r} has no credential {unknown[0]!r}; "
                  f"its credentials are {', '.join(c.name for c in info.credentials)}")
    for name, value in body.items():
        if not isinstance(value, str) or not value.strip() or len(value) > _MAX_SECRET_CHARS:
            fail(400, f"credential {name!r} must be a non-empty string of at most {_MAX_SECRET_CHARS} characters")
    store = request.app[SECRETS]
    for name, value in body.items():
        store.set(info.name, name, value)
    return web.json_response(_view(request, info))


@routes.delete("/api/providers/{provider}/secrets/{name}")
async def delete_secret(request: web.Request) -> web.Response:
    info = _provider(request)
    name = request.match_info["name"]
    if info.credential(name) is None:
        fail(400, f"provider {info.name!r} has no credential {name!r}")
    deleted = request.app[SECRETS].delete(info.name, name)
    return web.json_response({"deleted": deleted, "provider": _view(request, info)})


@routes.put("/api/providers/{provider}/settings")
async def put_settings(request: web.Request) -> web.Response:
    info = _provider(request)
    body = await json_object(request)
    region = body.get("region")
    if region is not None and region not in info.regions:
        known = ", ".join(info.regions) or "none"
        fail(400, f"provider {info.name!r} has no region {region!r} (regions: {known})")
    try:
        request.app[PROVIDER_SETTINGS].update(info.name, body)
    except ValidationError as exc:
        fail(400, f"invalid settings for {info.name!r}: {_first_error(exc)}")
    return web.json_response(_view(request, info))


@routes.get("/api/providers/{provider}/models")
async def get_models(request: web.Request) -> web.Response:
    info = _provider(request)
    config = request.app[PROVIDER_SETTINGS].get(info.name)
    models = models_for(info, config)
    kind = request.query.get("kind")
    if kind is not None:
        if kind not in models:
            fail(400, f"provider {info.name!r} has no {kind!r} models (kinds: {', '.join(models) or 'none'})")
        return web.json_response({"provider": info.name, "kind": kind, "models": models[kind]})
    return web.json_response({"provider": info.name, "models": models,
                              "overridden": sorted((config.models or {}).keys())})


def models_for(info: ProviderInfo, config: ProviderConfig) -> dict[str, list[str]]:
    """Built-in model lists by kind, each kind replaced by the user's list if given."""
    models = {kind: list(ids) for kind, ids in info.models.items()}
    models.update({kind: list(ids) for kind, ids in (config.models or {}).items()})
    return models


def _view(request: web.Request, info: ProviderInfo) -> dict[str, Any]:
    config = request.app[PROVIDER_SETTINGS].get(info.name)
    masked = request.app[SECRETS].masked().get(info.name, {})
    credentials = [{"name": c.name, "label": c.label, "env": list(info.env_vars(c.name)),
                    **masked.get(c.name, {"set": False})} for c in info.credentials]
    return {
        "name": info.name, "display_name": info.display_name, "docs_url": info.docs_url,
        "credentials": credentials, "configured": all(c["set"] for c in credentials),
        "base_url": config.base_url or info.regions.get(config.region or "", info.base_url),
        "default_base_url": info.base_url, "region": config.region, "regions": dict(info.regions),
        "limit": config.limit or info.limit, "default_limit": info.limit,
        "model_kinds": sorted(models_for(info, config)),
    }


def _provider(request: web.Request) -> ProviderInfo:
    name = request.match_info["provider"]
    providers = request.app[REGISTRY].providers
    info = providers.get(name)
    if info is None:
        fail(400, f"unknown provider {name!r}; known providers are {', '.join(providers) or 'none'}")
    return info


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(p) for p in error.get("loc", ())) or "body"
    message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
    return f"{where}: {message}"
