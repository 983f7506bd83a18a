"""A local HTTP server answering Binance spot order paths, keeping the orders it was sent.

A market order fills at once (in the recorded format, its fee taken in the coin bought), a limit
order rests until ``fill``. ``POST /api/v3/orderList/oco`` places a take-profit (``LIMIT_MAKER``)
above and a stop-loss limit below as one list, answered in Binance's format (``orderListId``,
``orders``, ``orderReports``); when one leg fills the other expires, and cancelling either leg
(``DELETE /api/v3/order``) or the list (``DELETE /api/v3/orderList``) cancels both, as Binance
does. Any route can still be scripted with recorded replies (see fake_binance).
"""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from tests.trading.fake_binance import FakeBinance, SeenRequest, recorded

ORDER_PATH, OCO_PATH, LIST_PATH = "/api/v3/order", "/api/v3/orderList/oco", "/api/v3/orderList"
TIME = 1764072000123


@dataclass
class FakeBinanceSpot(FakeBinance):
    last_price: str = "86811.45"
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)  # by client id, as Binance shows them
    lists: dict[str, dict[str, Any]] = field(default_factory=dict)  # by listClientOrderId
    refusals: dict[str, list[str]] = field(default_factory=dict)  # client id -> recorded errors, one per try
    _ids: Any = field(default_factory=lambda: itertools.count(51234568000))

    def refuse(self, client_id: str, fixture: str = "error_insufficient_balance.json", times: int = 1000) -> None:
        """The next ``times`` requests placing ``client_id`` (an order or a list) are refused."""
        self.refusals[client_id] = [fixture] * times

    # -- what the test makes the market do ------------------------------------------------------

    def fill(self, client_id: str, quantity: str | None = None, price: str | None = None) -> None:
        """A resting order fills (in full unless told), at its limit price unless told. A leg of
        an OCO that fills expires the other leg."""
        order = self.orders[client_id]
        price = price or (order["price"] if float(order["price"]) else self.last_price)
        executed = float(quantity or order["origQty"])
        order |= {"executedQty": f"{executed:.8f}", "cummulativeQuoteQty": f"{executed * float(price):.8f}",
                  "status": "FILLED" if executed >= float(order["origQty"]) else "PARTIALLY_FILLED",
                  "updateTime": TIME + 60_000}
        if order["status"] == "FILLED" and order["orderListId"] != -1:
            for sibling in self._list_orders(order["orderListId"]):
                if sibling is not order:
                    sibling["status"] = "EXPIRED"

    def open_orders(self) -> dict[str, dict[str, Any]]:
        return {cid: o for cid, o in self.orders.items() if o["status"] in ("NEW", "PARTIALLY_FILLED")}

    # -- the exchange -------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        params = dict(parse_qsl(request.query_string)) | dict(parse_qsl(await request.text()))
        self.requests.append(SeenRequest(request.method, request.path, params, request.headers.get("X-MBX-APIKEY")))
        route = (request.method, request.path)
        if route in self._routes and route not in self._stateful():
            return await super()._handle_scripted(request, params)
        client_id = params.get("newClientOrderId") or params.get("listClientOrderId")
        if request.method == "POST" and self.refusals.get(client_id):
            return web.json_response(recorded(self.refusals[client_id].pop(0)), status=400)
        if request.path == ORDER_PATH:
            return self._order(request.method, params)
        if route == ("POST", OCO_PATH):
            return self._new_list(params)
        if route == ("DELETE", LIST_PATH):
            return self._cancel_list(params)
        return await super()._handle_scripted(request, params)

    @staticmethod
    def _stateful() -> set[tuple[str, str]]:
        return {("POST", ORDER_PATH), ("GET", ORDER_PATH), ("DELETE", ORDER_PATH), ("POST", OCO_PATH),
                ("DELETE", LIST_PATH)}

    def _new_order(self, params: dict[str, str], list_id: int = -1) -> dict[str, Any]:
        market = params["type"] == "MARKET"
        order = recorded("order_market_buy_full.json" if market else "order_limit_new_full.json")
        quantity = params["quantity"]
        order |= {"orderId": next(self._ids), "orderListId": list_id, "clientOrderId": params["newClientOrderId"],
                  "side": params["side"], "type": params["type"], "origQty": quantity, "symbol": params["symbol"],
                  "price": params.get("price", "0.00000000"), "updateTime": TIME}
        if "stopPrice" in params:
            order["stopPrice"] = params["stopPrice"]
        if market:
            cost = float(quantity) * float(self.last_price)
            order |= {"executedQty": quantity, "cummulativeQuoteQty": f"{cost:.8f}", "fills": [{
                "price": self.last_price, "qty": quantity, "commission": f"{float(quantity) * 0.001:.8f}",
                "commissionAsset": params["symbol"].removesuffix("USDT"), "tradeId": next(self._ids)}]}
        self.orders[order["clientOrderId"]] = order
        self.placed.add(order["clientOrderId"])
        return order

    def _order(self, method: str, params: dict[str, str]) -> web.Response:
        if method == "POST":
            if params["newClientOrderId"] in self.orders:
                return web.json_response(recorded("error_duplicate_order.json"), status=400)
            return web.json_response(self._new_order(params))
        order = self._find(params)
        if order is None or (method == "DELETE" and order["status"] not in ("NEW", "PARTIALLY_FILLED")):
            return web.json_response(recorded("error_order_does_not_exist.json"), status=400)
        if method == "DELETE":
            if order["orderListId"] != -1:  # a leg of a list: Binance cancels the whole list
                for leg in self._list_orders(order["orderListId"]):
                    leg["status"] = "CANCELED"
            order["status"] = "CANCELED"
            return web.json_response(recorded("order_cancel_limit.json") | {
                key: order[key] for key in ("orderId", "orderListId", "price", "origQty", "executedQty", "status",
                                            "type", "side", "symbol")} | {"origClientOrderId": order["clientOrderId"]})
        return web.json_response(order | {"time": TIME, "isWorking": True})

    def _find(self, params: dict[str, str]) -> dict[str, Any] | None:
        if "origClientOrderId" in params:
            return self.orders.get(params["origClientOrderId"])
        return next((o for o in self.orders.values() if str(o["orderId"]) == params.get("orderId")), None)

    def _list_orders(self, list_id: int) -> list[dict[str, Any]]:
        return [o for o in self.orders.values() if o["orderListId"] == list_id]

    def _new_list(self, params: dict[str, str]) -> web.Response:
        if params["listClientOrderId"] in self.lists:
            return web.json_response(recorded("error_duplicate_order.json"), status=400)
        list_id = next(self._ids)
        common = {"symbol": params["symbol"], "side": params["side"], "quantity": params["quantity"]}
        below = self._new_order(common | {"type": params["belowType"], "newClientOrderId": params["belowClientOrderId"],
                                          "price": params["belowPrice"], "stopPrice": params["belowStopPrice"]},
                                list_id)
        above = self._new_order(common | {"type": params["aboveType"], "newClientOrderId": params["aboveClientOrderId"],
                                          "price": params["abovePrice"]}, list_id)
        for leg in (below, above):
            leg.pop("fills", None)
            leg["timeInForce"] = params.get("belowTimeInForce", "GTC")
        answer = recorded("order_list_oco_new.json") | {
            "orderListId": list_id, "listClientOrderId": params["listClientOrderId"], "symbol": params["symbol"],
            "orders": [{"symbol": params["symbol"], "orderId": o["orderId"], "clientOrderId": o["clientOrderId"]}
                       for o in (below, above)],
            "orderReports": [dict(o) for o in (below, above)],
        }
        self.lists[params["listClientOrderId"]] = answer
        self.placed.add(params["listClientOrderId"])
        return web.json_response(answer)

    def _cancel_list(self, params: dict[str, str]) -> web.Response:
        answer = self.lists.get(params.get("listClientOrderId", ""))
        legs = [] if answer is None else self._list_orders(answer["orderListId"])
        if not legs or all(leg["status"] not in ("NEW", "PARTIALLY_FILLED") for leg in legs):
            return web.json_response(recorded("error_order_does_not_exist.json"), status=400)
        for leg in legs:
            leg["status"] = "CANCELED"
        return web.json_response(answer | {"listStatusType": "ALL_DONE", "listOrderStatus": "ALL_DONE",
                                           "orderReports": [dict(leg) for leg in legs]})
