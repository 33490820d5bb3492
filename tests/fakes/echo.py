"""Echoing errors: a careless provider (or its gateway) that repeats the request in its
error body — the ``Authorization`` header (a Kling JWT carrying the access key, a
DashScope bearer key), other credential headers, and the JSON body (RunningHub's
``apiKey``). ``echo_errors(fake, ...)`` installs this on any provider fake before it
starts; the rules then answer matching requests in that provider's own error shape,
so the client classifies them as usual and every credential it sent comes back in
the message."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from aiohttp import web

from tests.fakes.base import FakeServer

Shape = Callable[[int, str], dict[str, Any]]


def kling_shape(status: int, text: str) -> dict[str, Any]:
    return {"code": 1200 if status < 500 else 5000, "message": text, "request_id": "req-echo"}


def dashscope_shape(status: int, text: str) -> dict[str, Any]:
    return {"request_id": "req-echo", "code": "InvalidParameter" if status < 500 else "InternalError",
            "message": text}


def google_shape(status: int, text: str) -> dict[str, Any]:
    return {"error": {"code": status, "message": text, "status": "INVALID_ARGUMENT" if status < 500 else "INTERNAL"}}


def openai_shape(_status: int, text: str) -> dict[str, Any]:
    return {"error": {"message": text, "type": "invalid_request_error", "code": None}}


def runninghub_shape(_status: int, text: str) -> dict[str, Any]:
    return {"code": 901, "msg": text, "data": None}


@dataclass
class EchoRule:
    path_prefix: str
    status: int
    shape: Shape
    remaining: int


class Echoes:
    """The echo rules of one fake, and every credential value it saw."""

    def __init__(self) -> None:
        self.rules: list[EchoRule] = []
        self.credentials: set[str] = set()
        self.echoed = 0

    def next(self, path_prefix: str, *, shape: Shape, status: int = 400, times: int = 1) -> None:
        self.rules.append(EchoRule(path_prefix, status, shape, times))

    @web.middleware
    async def middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        body = await request.text()
        for name, value in request.headers.items():
            if name.lower() in ("authorization", "x-goog-api-key", "x-api-key"):
                self.credentials.add(value)
                self.credentials.add(value.partition(" ")[2] or value)
        for rule in self.rules:
            if rule.remaining > 0 and request.path.startswith(rule.path_prefix):
                rule.remaining -= 1
                self.echoed += 1
                headers = "; ".join(f"{k}: {v}" for k, v in request.headers.items() if k.lower() != "host")
                text = f"cannot parse the request. Headers were: {headers}. Body was: {body[:400]}"
                return web.json_response(rule.shape(rule.status, text), status=rule.status)
        return await handler(request)


def echo_errors(fake: FakeServer) -> Echoes:
    """Install echoing on ``fake`` (call before it starts); returns the rule set."""
    echoes = Echoes()
    fake.app.middlewares.insert(0, echoes.middleware)
    return echoes
