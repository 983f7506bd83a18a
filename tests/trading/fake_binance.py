"""A local HTTP server answering Binance spot REST paths with recorded responses.

ccxt talks to it through its real transport (aiohttp), request signing, response parsing and
error mapping: only ``urls['api']`` is pointed here. Each route serves a queue of scripted
responses (the last one repeats). A placed order is remembered under its client order id as soon
as the request arrives, so a response that never reaches the client (a timeout) still leaves the
order on the "exchange", as it would on the real one.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from domain.exchanges.ccxt_exchange import redirect

FIXTURES = Path(__file__).parent / "fixtures" / "binance"
BINANCE_HOST = "api.binance.com"


def recorded(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


@dataclass(frozen=True)
class Reply:
    body: Any
    status: int = 200
    delay_seconds: float = 0.0
    places_order: bool = True  # for POST /order: whether the exchange acted on the request


@dataclass(frozen=True)
class SeenRequest:
    method: str
    path: str
    params: dict[str, str]
    api_key: str | None  # the X-MBX-APIKEY header of signed requests


@dataclass
class FakeBinance:
    requests: list[SeenRequest] = field(default_factory=list)
    placed: set[str] = field(default_factory=set)  # client order ids the exchange acted on
    _routes: dict[tuple[str, str], list[Reply]] = field(default_factory=dict)
    _runner: web.AppRunner | None = None
    base_url: str = ""

    def __post_init__(self) -> None:
        self.script("GET", "/api/v3/exchangeInfo", Reply(recorded("exchange_info.json")))
        self.script("GET", "/api/v3/ticker/24hr", Reply(recorded("ticker_24hr_btcusdt.json")))
        self.script("GET", "/api/v3/depth", Reply(recorded("depth_btcusdt.json")))
        self.script("GET", "/api/v3/klines", Reply(recorded("klines_btcusdt_1h.json")))
        self.script("GET", "/api/v3/account", Reply(recorded("account.json")))
        self.script("GET", "/sapi/v1/account/apiRestrictions", Reply(recorded("api_restrictions.json")))

    def script(self, method: str, path: str, *replies: Reply) -> None:
        self._routes[(method, path)] = list(replies)

    def unscript(self, method: str, path: str) -> None:
        self._routes.pop((method, path), None)

    def seen(self, method: str, path: str) -> list[SeenRequest]:
        return [r for r in self.requests if (r.method, r.path) == (method, path)]

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}"
        return self.base_url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def point(self, client: Any) -> Any:
        """Send a ccxt binance client's spot REST calls to this server."""
        return redirect(client, self.base_url, BINANCE_HOST)

    async def _handle(self, request: web.Request) -> web.Response:
        params = dict(parse_qsl(request.query_string)) | dict(parse_qsl(await request.text()))
        self.requests.append(SeenRequest(request.method, request.path, params, request.headers.get("X-MBX-APIKEY")))
        if (request.method, request.path) == ("GET", "/api/v3/order") and ("GET", "/api/v3/order") not in self._routes:
            return self._order_lookup(params)
        return await self._handle_scripted(request, params)

    async def _handle_scripted(self, request: web.Request, params: dict[str, str]) -> web.Response:
        replies = self._routes.get((request.method, request.path))
        if not replies:
            return web.json_response({"code": -1100, "msg": f"no recording for {request.path}"}, status=400)
        reply = replies.pop(0) if len(replies) > 1 else replies[0]
        if request.method == "POST" and request.path == "/api/v3/order" and reply.places_order and reply.status == 200:
            self.placed.add(params["newClientOrderId"])
        await asyncio.sleep(reply.delay_seconds)
        if isinstance(reply.body, str):
            return web.Response(text=reply.body, status=reply.status)
        return web.json_response(reply.body, status=reply.status)

    def _order_lookup(self, params: dict[str, str]) -> web.Response:
        client_id = params.get("origClientOrderId")
        if client_id not in self.placed:
            return web.json_response(recorded("error_order_does_not_exist.json"), status=400)
        return web.json_response(recorded("order_query_filled.json") | {"clientOrderId": client_id})
