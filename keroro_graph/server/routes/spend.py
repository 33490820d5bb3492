"""Costs over HTTP: ``POST /prompt/estimate`` (what a ``POST /prompt`` body will
cost), ``GET /spend`` (the ledger, totalled and grouped), ``GET``/``PUT
/spend/budget`` (limits per job and per day), ``GET /spend/store`` (the paid-result
store's size) and ``GET /spend/prices`` (the price tables in use)."""
from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from aiohttp import web

from ...graph.validate import validate_prompt
from ...spend.budget import BudgetError
from ..errors import fail, json_body, json_object
from ..keys import RUNTIME

routes = web.RouteTableDef()

_GROUPS = ("provider", "day", "job")


def _spend(request: web.Request) -> Any:
    spend = request.app[RUNTIME].spend
    if spend is None:
        fail(503, "costs are not enabled in this process")
    return spend


@routes.post("/prompt/estimate")
async def post_estimate(request: web.Request) -> web.Response:
    body = await json_object(request)
    if "prompt" not in body:
        fail(400, "the body must be a POST /prompt body: {\"prompt\": {...}}")
    extra = body.get("extra_data")
    if extra is not None and not isinstance(extra, dict):
        fail(400, "'extra_data' must be a JSON object")
    runtime = request.app[RUNTIME]
    checked = await validate_prompt(body["prompt"], runtime.registry, paths=runtime.engine.paths)
    if not checked.ok or checked.graph is None:
        return web.json_response(checked.as_json(), status=400)
    est = await _spend(request).estimate(checked.graph, checked.outputs, extra_data=extra or {})
    return web.json_response(est.as_json())


@routes.get("/spend")
async def get_spend(request: web.Request) -> web.Response:
    query = request.rel_url.query
    group_by = query.get("group_by") or None
    if group_by is not None and group_by not in _GROUPS:
        fail(400, f"group_by must be one of {', '.join(_GROUPS)}, got {group_by!r}")
    since, until = _time(query.get("since"), "since"), _time(query.get("until"), "until")
    report = await _spend(request).report(since=since, until=until, group_by=group_by)
    return web.json_response({"since": since, "until": until, "group_by": group_by, **report})


@routes.get("/spend/budget")
async def get_budget(request: web.Request) -> web.Response:
    return web.json_response(await _spend(request).budget())


@routes.put("/spend/budget")
async def put_budget(request: web.Request) -> web.Response:
    raw = await json_body(request)
    try:
        return web.json_response(await _spend(request).set_budget(raw))
    except BudgetError as exc:
        fail(400, str(exc))


@routes.get("/spend/store")
async def get_store(request: web.Request) -> web.Response:
    store = _spend(request).store
    if store is None:
        return web.json_response({"enabled": False})
    size = await asyncio.get_running_loop().run_in_executor(None, store.size)
    return web.json_response({"enabled": True, "bytes": size, "max_bytes": store.max_bytes,
                              "hits": store.hits, "corrupt": store.corrupt})


@routes.get("/spend/prices")
async def get_prices(request: web.Request) -> web.Response:
    return web.json_response(_spend(request).prices.describe())


def _time(value: str | None, name: str) -> float | None:
    """Unix seconds, or an ISO date/time (a date is local midnight)."""
    if value is None or value == "":
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        return dt.datetime.fromisoformat(value).timestamp()
    except ValueError:
        fail(400, f"{name} must be unix seconds or an ISO date such as 2026-12-04, got {value!r}")
