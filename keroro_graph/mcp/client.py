"""The MCP server's only way into Keroro Graph: a thin aiohttp client of a running
server's HTTP API and WebSocket (``/ws``), with the access token sent as
``Authorization: Bearer``. Answers come back as parsed JSON; a 4xx/5xx becomes a
``ServerAnswerError`` carrying the server's own message (and any ComfyUI
``node_errors``), an unreachable server an ``UnreachableError``. Both are MCP tool
errors, so their text reaches the assistant as is. Knows nothing of tools, graphs
or the engine.

    ToolError (mcp SDK)
    └── KeroroServerError
        ├── UnreachableError       no connection to the server
        └── ServerAnswerError      the server answered 4xx/5xx
"""
from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, urlencode

import aiohttp
from mcp.server.mcpserver.exceptions import ToolError

#: Per-request budget; runs are followed over the WebSocket, never by one request.
REQUEST_TIMEOUT_S = 60.0
#: Full files larger than this are never downloaded to make a preview.
MAX_DOWNLOAD_BYTES = 64 * 1024 * 1024


class KeroroServerError(ToolError):
    """Talking to the Keroro Graph server failed; the message says how."""


class UnreachableError(KeroroServerError):
    """The server did not answer at all (not running, wrong URL, network)."""


class ServerAnswerError(KeroroServerError):
    """The server refused a request. ``body`` is its parsed JSON answer."""

    def __init__(self, status: int, message: str, body: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.body = body


def segment(name: str) -> str:
    """``name`` percent-encoded as one URL path segment."""
    return quote(name, safe="")


class KeroroClient:
    """An open connection pool to one server. Use as ``async with``; every method
    is a coroutine on the caller's event loop."""

    def __init__(self, base_url: str, *, token: str | None = None,
                 timeout_s: float = REQUEST_TIMEOUT_S) -> None:
        self.base_url = base_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> "KeroroClient":
        self._session = aiohttp.ClientSession(headers=self._headers, timeout=self._timeout)
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None:
            raise RuntimeError("KeroroClient is used outside 'async with'")
        return self._session

    def url(self, path: str, params: dict[str, Any] | None = None) -> str:
        query = f"?{urlencode(params)}" if params else ""
        return f"{self.base_url}{path}{query}"

    def view_url(self, ref: dict[str, Any]) -> str:
        """The ``/view`` link of an output file reference ``{filename, subfolder, type}``.
        The access token is never put in it."""
        return self.url("/view", {"filename": ref.get("filename", ""), "subfolder": ref.get("subfolder", ""),
                                  "type": ref.get("type", "output")})

    async def request(self, method: str, path: str, *, params: dict[str, Any] | None = None,
                      json_body: Any = None, data: Any = None, allow: tuple[int, ...] = ()) -> Any:
        """Send one request and return the parsed JSON answer. Statuses in
        ``allow`` count as answers; other 4xx/5xx raise ServerAnswerError."""
        try:
            async with self.session.request(method, self.url(path, params), json=json_body, data=data) as resp:
                text = await resp.text()
                body = _parse(text)
                if resp.status >= 400 and resp.status not in allow:
                    raise ServerAnswerError(resp.status, _message(resp.status, body, text), body)
                return body
        except aiohttp.ClientConnectionError as exc:
            raise UnreachableError(self._unreachable(exc)) from exc
        except TimeoutError as exc:
            raise UnreachableError(f"the Keroro Graph server at {self.base_url} did not answer "
                                   f"{method} {path} in time") from exc

    async def get(self, path: str, **kw: Any) -> Any:
        return await self.request("GET", path, **kw)

    async def post(self, path: str, **kw: Any) -> Any:
        return await self.request("POST", path, **kw)

    async def put(self, path: str, **kw: Any) -> Any:
        return await self.request("PUT", path, **kw)

    async def delete(self, path: str, **kw: Any) -> Any:
        return await self.request("DELETE", path, **kw)

    async def read_file(self, ref: dict[str, Any], *, max_bytes: int = MAX_DOWNLOAD_BYTES) -> bytes | None:
        """The bytes of an output file, or None when it is missing or larger than
        ``max_bytes`` (a preview is then simply left out)."""
        try:
            async with self.session.get(self.view_url(ref)) as resp:
                if resp.status != 200 or (resp.content_length or 0) > max_bytes:
                    return None
                data = bytearray()
                async for chunk in resp.content.iter_chunked(1 << 20):
                    data += chunk
                    if len(data) > max_bytes:
                        return None
                return bytes(data)
        except (aiohttp.ClientError, TimeoutError):
            return None

    async def websocket(self, client_id: str) -> aiohttp.ClientWebSocketResponse:
        """The server's ComfyUI WebSocket as ``client_id``; its jobs' events come here."""
        try:
            return await self.session.ws_connect(self.url("/ws", {"clientId": client_id}), heartbeat=30,
                                                 max_msg_size=16 * 1024 * 1024)
        except aiohttp.ClientConnectionError as exc:
            raise UnreachableError(self._unreachable(exc)) from exc

    def _unreachable(self, exc: Exception) -> str:
        return (f"cannot reach the Keroro Graph server at {self.base_url} ({exc}); start it with "
                "`keroro-graph serve`, or run the MCP server with --embedded")


def _parse(text: str) -> Any:
    try:
        return json.loads(text) if text else None
    except ValueError:
        return text


def _message(status: int, body: Any, text: str) -> str:
    """The server's own words: ``{"error": {"message"}}`` (ours), ComfyUI's
    ``{"error": {...}, "node_errors"}``, or the raw text."""
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict) and error.get("message"):
        return str(error["message"]) + (f": {error['details']}" if error.get("details") else "")
    if isinstance(error, str):
        return error
    if status == 401:
        return "the server wants an access token: pass --token (or set KERORO_TOKEN)"
    return f"HTTP {status}: {text[:300] or 'no details'}"
