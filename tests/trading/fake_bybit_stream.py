"""Bybit v5's private websocket (``/v5/private``) as a local server speaks it: ``auth`` with the
key, an expiry and its HMAC signature; ``subscribe`` to topics; ``ping``/``pong``; and order
updates pushed on the ``order`` topic in Bybit's recorded message shape. The signature is
checked as Bybit checks it, so a client with the wrong secret is refused."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

PRIVATE_PATH = "/v5/private"


@dataclass
class BybitPrivateStream:
    key: str
    secret: str
    sockets: list[web.WebSocketResponse] = field(default_factory=list)
    subscribed: list[str] = field(default_factory=list)
    authenticated: int = 0
    refused: int = 0  # auth requests with a wrong key or signature
    _ids: Any = field(default_factory=lambda: itertools.count(1))

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self.sockets.append(socket)
        conn_id = f"cs6o7krtd{next(self._ids):04d}"
        async for message in socket:
            if message.type is not WSMsgType.TEXT:
                continue
            request_body = json.loads(message.data)
            op = request_body.get("op")
            if op == "auth":
                await socket.send_json(self._auth(request_body, conn_id))
            elif op == "subscribe":
                self.subscribed += request_body.get("args", [])
                await socket.send_json({"success": True, "ret_msg": "", "op": "subscribe", "conn_id": conn_id,
                                        "req_id": request_body.get("req_id", "")})
            elif op == "ping":
                await socket.send_json({"req_id": request_body.get("req_id", ""), "op": "pong", "args": [
                    str(int(time.time() * 1000))], "conn_id": conn_id})
        self.sockets.remove(socket)
        return socket

    def _auth(self, body: dict[str, Any], conn_id: str) -> dict[str, Any]:
        key, expires, signature = body["args"]
        expected = hmac.new(self.secret.encode(), f"GET/realtime{expires}".encode(), hashlib.sha256).hexdigest()
        if key != self.key or not hmac.compare_digest(signature, expected):
            self.refused += 1
            return {"success": False, "ret_msg": "error:USVC1111", "op": "auth", "conn_id": conn_id}
        self.authenticated += 1
        return {"success": True, "ret_msg": "", "op": "auth", "conn_id": conn_id}

    async def push_orders(self, rows: list[dict[str, Any]]) -> None:
        """An ``order`` topic message, as Bybit sends one when orders change."""
        message = {"id": f"5923240c6880ab-c59f-420b-9adb-{next(self._ids):012d}", "topic": "order",
                   "creationTime": int(time.time() * 1000), "data": rows}
        for socket in list(self.sockets):
            await socket.send_json(message)
