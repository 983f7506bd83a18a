"""A local HTTP server answering Binance USDⓈ-M futures REST paths in Binance's recorded formats.

It keeps the orders it was sent, as the exchange does: a market order fills at once, a limit
order rests until ``fill`` is called, a conditional (algo) order rests until ``trigger`` is called,
which fills it through an order of its own (``actualOrderId``), as Binance does. Lookups and
cancels find orders by our client id or the exchange's id. Any route can be scripted with
recorded replies instead (an error, a delay), as on the spot server.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from tests.trading.fake_binance import FakeBinance, Reply, SeenRequest

FIXTURES = Path(__file__).parent / "fixtures" / "binance_futures"
ORDER_PATH, ALGO_PATH = "/fapi/v1/order", "/fapi/v1/algoOrder"


def recorded(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


@dataclass
class FakeBinanceFutures(FakeBinance):
    mark_price: str = "86810.40"
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)  # by client id: the order as Binance shows it
    algo_orders: dict[str, dict[str, Any]] = field(default_factory=dict)  # by clientAlgoId
    refusals: dict[str, str] = field(default_factory=dict)  # client id -> the recorded error it is refused with
    cancel_failures: dict[str, int] = field(default_factory=dict)  # client id -> cancels that fail before one works
    _ids: Any = field(default_factory=lambda: itertools.count(4611875134427365400))

    def refuse(self, client_id: str, fixture: str = "error_max_stop_orders.json") -> None:
        """The exchange will refuse the order sent under ``client_id`` with a recorded error."""
        self.refusals[client_id] = fixture

    def fail_cancels(self, client_id: str, times: int) -> None:
        """The next ``times`` cancels of ``client_id`` get Binance's internal error (-1001)."""
        self.cancel_failures[client_id] = times

    def __post_init__(self) -> None:
        super().__post_init__()
        self.script("GET", "/fapi/v1/exchangeInfo", Reply(recorded("exchange_info.json")))
        self.script("GET", "/fapi/v3/account", Reply(recorded("account.json")))
        self.script("POST", "/fapi/v1/leverage", Reply(recorded("leverage.json")))
        self.script("GET", "/sapi/v1/account/apiRestrictions", Reply(recorded("api_restrictions.json")))

    # -- what the test makes the market do ------------------------------------------------------

    def fill(self, client_id: str, price: str | None = None, quantity: str | None = None) -> None:
        """A resting limit order fills, completely unless ``quantity`` (the total filled so far)
        is less (at its limit price unless told)."""
        order = self.orders[client_id]
        quantity = quantity or order["origQty"]
        price = price or order["price"]
        status = "FILLED" if float(quantity) >= float(order["origQty"]) else "PARTIALLY_FILLED"
        order |= {"status": status, "executedQty": quantity, "cumQty": quantity, "avgPrice": price,
                  "cumQuote": str(float(price) * float(quantity))}

    def trigger(self, client_id: str, price: str | None = None) -> None:
        """A conditional order's trigger is reached: it becomes a market order, which fills."""
        algo = self.algo_orders[client_id]
        price = price or algo["triggerPrice"]
        actual = self._new_order({"symbol": algo["symbol"], "side": algo["side"], "type": "MARKET",
                                  "quantity": algo["quantity"], "newClientOrderId": f"algo-{algo['algoId']}",
                                  "reduceOnly": "true"}, price)
        algo |= {"algoStatus": "FINISHED", "actualOrderId": str(actual["orderId"]), "actualPrice": price}

    # -- the exchange -------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        params = dict(parse_qsl(request.query_string)) | dict(parse_qsl(await request.text()))
        self.requests.append(SeenRequest(request.method, request.path, params, request.headers.get("X-MBX-APIKEY")))
        route = (request.method, request.path)
        if route in self._routes:
            replies = self._routes[route]
            reply = replies.pop(0) if len(replies) > 1 else replies[0]
            if reply.status == 200 and reply.places_order and route == ("POST", ORDER_PATH):
                self._new_order(params)
            await asyncio.sleep(reply.delay_seconds)
            return web.json_response(reply.body, status=reply.status)
        client_id = params.get("newClientOrderId") or params.get("clientAlgoId")
        if request.method == "POST" and client_id in self.refusals:
            return web.json_response(recorded(self.refusals[client_id]), status=400)
        cancelled = params.get("origClientOrderId") or client_id or self._client_id_of(params)
        if request.method == "DELETE" and self.cancel_failures.get(cancelled, 0) > 0:
            self.cancel_failures[cancelled] -= 1
            return web.json_response(recorded("error_internal.json"), status=500)
        if request.path == ORDER_PATH:
            return self._order(request.method, params)
        if request.path == ALGO_PATH:
            return self._algo(request.method, params)
        return web.json_response({"code": -1100, "msg": f"no recording for {request.path}"}, status=400)

    def _new_order(self, params: dict[str, str], fill_price: str | None = None) -> dict[str, Any]:
        market = params["type"] == "MARKET"
        order = recorded("order_market_filled.json" if market else "order_limit_new.json")
        quantity = params["quantity"]
        order |= {"orderId": next(self._ids), "clientOrderId": params["newClientOrderId"], "side": params["side"],
                  "origQty": quantity, "reduceOnly": params.get("reduceOnly") == "true", "symbol": params["symbol"]}
        if market:
            price = fill_price or self.mark_price
            order |= {"executedQty": quantity, "cumQty": quantity, "avgPrice": price,
                      "cumQuote": str(float(price) * float(quantity))}
        else:
            order["price"] = params["price"]
        self.orders[order["clientOrderId"]] = order
        self.placed.add(order["clientOrderId"])
        return order

    def _client_id_of(self, params: dict[str, str]) -> str | None:
        """The client id of the order or algo order ``params`` name by the exchange's id."""
        for book, id_key, client_key in ((self.orders, "orderId", "clientOrderId"),
                                         (self.algo_orders, "algoId", "clientAlgoId")):
            found = next((o for o in book.values() if str(o[id_key]) == params.get(id_key)), None)
            if found is not None:
                return found[client_key]
        return None

    def _find(self, book: dict[str, dict[str, Any]], params: dict[str, str], client_key: str, id_key: str) -> Any:
        if client_key in params:
            return book.get(params[client_key])
        return next((o for o in book.values() if str(o[id_key]) == params.get(id_key)), None)

    def _order(self, method: str, params: dict[str, str]) -> web.Response:
        if method == "POST":
            return web.json_response(self._new_order(params))
        order = self._find(self.orders, params, "origClientOrderId", "orderId")
        if order is None:
            return web.json_response(recorded("error_unknown_order.json"), status=400)
        if method == "DELETE":
            order["status"] = "CANCELED"
        return web.json_response(order)

    def _algo(self, method: str, params: dict[str, str]) -> web.Response:
        if method == "POST":
            algo = recorded("algo_order_new.json") | {
                "algoId": next(self._ids), "clientAlgoId": params["clientAlgoId"], "orderType": params["type"],
                "side": params["side"], "quantity": params["quantity"], "triggerPrice": params["triggerPrice"],
                "reduceOnly": params.get("reduceOnly") == "true", "symbol": params["symbol"],
            }
            self.algo_orders[algo["clientAlgoId"]] = algo
            self.placed.add(algo["clientAlgoId"])
            return web.json_response(algo)
        algo = self._find(self.algo_orders, params, "clientAlgoId", "algoId")
        if algo is None:
            return web.json_response(recorded("error_unknown_order.json"), status=400)
        if method == "DELETE":
            algo["algoStatus"] = "CANCELED"
            return web.json_response(recorded("algo_order_cancel.json") | {
                "algoId": algo["algoId"], "clientAlgoId": algo["clientAlgoId"]})
        return web.json_response(algo)
