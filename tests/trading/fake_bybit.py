"""A local HTTP server answering Bybit v5 REST paths with recorded responses (see fake_binance).

Private POST bodies are JSON; the key travels in ``X-BAPI-API-KEY``. A placed order is
remembered under its ``orderLinkId`` (our client order id) as soon as the request arrives, and
``/v5/order/realtime`` finds it by that id, as Bybit does.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from domain.exchanges.ccxt_exchange import redirect
from tests.trading.fake_binance import FakeBinance, Reply, SeenRequest

FIXTURES = Path(__file__).parent / "fixtures" / "bybit"
ORDER_PATH, LOOKUP_PATH = "/v5/order/create", "/v5/order/realtime"


def recorded(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


@dataclass
class FakeBybit(FakeBinance):
    def __post_init__(self) -> None:
        self.script("GET", "/v5/market/instruments-info", Reply(recorded("instruments_info_spot.json")))
        self.script("GET", "/v5/user/query-api", Reply(recorded("query_api.json")))
        self.script("GET", "/v5/account/info", Reply(recorded("account_info.json")))
        self.script("GET", "/v5/account/wallet-balance", Reply(recorded("wallet_balance.json")))
        self.script("POST", ORDER_PATH, Reply(recorded("order_create.json")))
        self.script("POST", "/v5/position/set-leverage", Reply(recorded("set_leverage.json")))
        self.lookup_fixture = "order_realtime_filled.json"

    def point(self, client: Any) -> Any:
        return redirect(client, self.base_url)

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.text()
        params = dict(parse_qsl(request.query_string)) | (json.loads(body) if body else {})
        self.requests.append(SeenRequest(request.method, request.path, params, request.headers.get("X-BAPI-API-KEY")))
        if (request.method, request.path) == ("GET", LOOKUP_PATH) and ("GET", LOOKUP_PATH) not in self._routes:
            return self._order_lookup(params)
        if request.path == "/v5/market/instruments-info" and params.get("category") == "linear":
            return web.json_response(recorded("instruments_info_linear.json"))
        replies = self._routes.get((request.method, request.path))
        if not replies:
            return web.json_response({"retCode": 10001, "retMsg": f"no recording for {request.path}"})
        reply = replies.pop(0) if len(replies) > 1 else replies[0]
        if request.method == "POST" and request.path == ORDER_PATH and reply.places_order and reply.status == 200 \
                and reply.body.get("retCode") == 0:
            self.placed.add(params["orderLinkId"])
        await asyncio.sleep(reply.delay_seconds)
        return web.json_response(reply.body, status=reply.status)

    def _order_lookup(self, params: dict[str, str]) -> web.Response:
        filled = recorded(self.lookup_fixture)
        link_id = params.get("orderLinkId") or next(iter(self.placed), None)
        if link_id not in self.placed:
            return web.json_response(recorded("order_realtime_empty.json"))
        filled["result"]["list"][0]["orderLinkId"] = link_id
        return web.json_response(filled)
