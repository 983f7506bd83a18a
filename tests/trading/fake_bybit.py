"""A local HTTP server answering Bybit v5 REST paths with recorded responses (see fake_binance).

Private POST bodies are JSON; the key travels in ``X-BAPI-API-KEY``. A placed order is
remembered under its ``orderLinkId`` (our client order id) as soon as the request arrives, and
``/v5/order/realtime`` finds it by that id (or by the order id it was given), as Bybit does. A
conditional order (one with a ``triggerPrice``: a stop-market or take-profit-market) rests
``Untriggered`` until the test calls ``trigger``; ``/v5/order/cancel`` cancels a resting one.
"""

from __future__ import annotations

import asyncio
import json
import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from domain.exchanges.ccxt_exchange import redirect
from tests.trading.fake_binance import FakeBinance, Reply, SeenRequest
from tests.trading.fake_bybit_stream import PRIVATE_PATH, BybitPrivateStream

FIXTURES = Path(__file__).parent / "fixtures" / "bybit"
ORDER_PATH, LOOKUP_PATH, CANCEL_PATH = "/v5/order/create", "/v5/order/realtime", "/v5/order/cancel"


def recorded(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


@dataclass
class FakeBybit(FakeBinance):
    sent: dict[str, dict[str, Any]] = field(default_factory=dict)  # by orderLinkId: the create request
    order_ids: dict[str, str] = field(default_factory=dict)  # orderLinkId -> orderId
    states: dict[str, str] = field(default_factory=dict)  # orderLinkId -> orderStatus, where not the fixture's
    fills_as_sent: bool = False  # a market order fills its whole quantity (else: as the recording did)
    _ids: Any = field(default_factory=lambda: itertools.count(2078912345678901248))

    def trigger(self, link_id: str) -> None:
        """A conditional order's trigger price is reached: it executes at market, in full."""
        self.states[link_id] = "Filled"

    def __post_init__(self) -> None:
        self.stream: BybitPrivateStream | None = None
        self.script("GET", "/v5/market/instruments-info", Reply(recorded("instruments_info_spot.json")))
        self.script("GET", "/v5/user/query-api", Reply(recorded("query_api.json")))
        self.script("GET", "/v5/account/info", Reply(recorded("account_info.json")))
        self.script("GET", "/v5/account/wallet-balance", Reply(recorded("wallet_balance.json")))
        self.script("POST", ORDER_PATH, Reply(recorded("order_create.json")))
        self.script("POST", "/v5/position/set-leverage", Reply(recorded("set_leverage.json")))
        self.lookup_fixture = "order_realtime_filled.json"

    def point(self, client: Any) -> Any:
        return redirect(client, self.base_url)

    def open_stream(self, key: str, secret: str) -> BybitPrivateStream:
        """Answer ``/v5/private`` as Bybit's private websocket does, for the account ``key``."""
        self.stream = BybitPrivateStream(key, secret)
        return self.stream

    async def push(self, *link_ids: str) -> None:
        """The private stream tells its subscribers these orders changed (as they are now)."""
        assert self.stream is not None
        await self.stream.push_orders([self.order_row(link) | {"category": "linear"} for link in link_ids])

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        if request.path == PRIVATE_PATH and self.stream is not None:
            return await self.stream.handle(request)
        body = await request.text()
        params = dict(parse_qsl(request.query_string)) | (json.loads(body) if body else {})
        self.requests.append(SeenRequest(request.method, request.path, params, request.headers.get("X-BAPI-API-KEY")))
        if (request.method, request.path) == ("GET", LOOKUP_PATH) and ("GET", LOOKUP_PATH) not in self._routes:
            return self._order_lookup(params)
        if (request.method, request.path) == ("POST", CANCEL_PATH) and ("POST", CANCEL_PATH) not in self._routes:
            return self._cancel(params)
        if request.path == "/v5/market/instruments-info" and params.get("category") == "linear":
            return web.json_response(recorded("instruments_info_linear.json"))
        replies = self._routes.get((request.method, request.path))
        if not replies:
            return web.json_response({"retCode": 10001, "retMsg": f"no recording for {request.path}"})
        reply = replies.pop(0) if len(replies) > 1 else replies[0]
        if request.method == "POST" and request.path == ORDER_PATH and reply.places_order and reply.status == 200 \
                and reply.body.get("retCode") == 0:
            link_id = params["orderLinkId"]
            self.placed.add(link_id)
            self.sent[link_id] = params
            self.order_ids[link_id] = str(next(self._ids))
            reply = Reply(reply.body | {"result": {"orderId": self.order_ids[link_id], "orderLinkId": link_id}},
                          reply.status, reply.delay_seconds)
        await asyncio.sleep(reply.delay_seconds)
        return web.json_response(reply.body, status=reply.status)

    def _link_id(self, params: dict[str, str]) -> str | None:
        if "orderLinkId" in params:
            return params["orderLinkId"]
        by_id = {order_id: link for link, order_id in self.order_ids.items()}
        return by_id.get(params.get("orderId", ""), next(iter(self.placed), None))

    def _order_lookup(self, params: dict[str, str]) -> web.Response:
        filled = recorded(self.lookup_fixture)
        link_id = self._link_id(params)
        if link_id not in self.placed:
            return web.json_response(recorded("order_realtime_empty.json"))
        filled["result"]["list"][0] = self.order_row(link_id)
        return web.json_response(filled)

    def order_row(self, link_id: str) -> dict[str, Any]:
        """The order as Bybit reports it (the realtime query's row, the private stream's too)."""
        row = recorded(self.lookup_fixture)["result"]["list"][0]
        row["orderLinkId"] = link_id
        sent = self.sent.get(link_id)
        if sent is not None:  # the order as it was sent, in the recorded row's shape
            row |= {"orderId": self.order_ids[link_id], "side": sent["side"],
                    "reduceOnly": bool(sent.get("reduceOnly")), "triggerPrice": sent.get("triggerPrice", "0"),
                    "triggerDirection": sent.get("triggerDirection", 0)}
            resting = "Untriggered" if "triggerPrice" in sent else "New" if sent.get("orderType") == "Limit" else None
            status = self.states.get(link_id, resting or row["orderStatus"])
            row["orderStatus"] = status
            if status in ("Untriggered", "Cancelled", "Deactivated"):
                row |= {"qty": sent["qty"], "cumExecQty": "0", "cumExecValue": "0", "cumExecFee": "0", "avgPrice": "",
                        "leavesQty": sent["qty"]}
            elif status == "New":
                row |= {"qty": sent["qty"], "orderType": "Limit", "price": sent["price"], "cumExecQty": "0",
                        "cumExecValue": "0", "cumExecFee": "0", "avgPrice": "", "leavesQty": sent["qty"]}
            elif status == "Filled" and ("triggerPrice" in sent or "price" in sent or self.fills_as_sent):
                price = sent.get("triggerPrice") or sent.get("price") or row["avgPrice"]
                row |= {"qty": sent["qty"], "cumExecQty": sent["qty"], "avgPrice": price, "leavesQty": "0",
                        "cumExecValue": str(float(price) * float(sent["qty"]))}
        return row

    def _cancel(self, params: dict[str, str]) -> web.Response:
        link_id = self._link_id(params)
        sent = self.sent.get(link_id or "", {})
        # Spot keeps conditional orders apart: a cancel finds one only with orderFilter=StopOrder.
        wrong_book = sent.get("category") == "spot" and ("orderFilter" in sent) != (params.get("orderFilter") ==
                                                                                    "StopOrder")
        if link_id not in self.sent or wrong_book or self.states.get(link_id, "Untriggered") != "Untriggered":
            return web.json_response({"retCode": 110001, "retMsg": "order not exists or too late to cancel",
                                      "result": {}, "retExtInfo": {}, "time": 1764072000300})
        self.states[link_id] = "Deactivated" if "triggerPrice" in self.sent[link_id] else "Cancelled"
        return web.json_response({"retCode": 0, "retMsg": "OK", "result": {
            "orderId": self.order_ids[link_id], "orderLinkId": link_id}, "retExtInfo": {}, "time": 1764072000300})
