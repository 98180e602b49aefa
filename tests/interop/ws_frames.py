"""Helpers for JSON-protocol WebSocket tests (python3-websockets): bounded waits for frames."""
import asyncio
import json


def run(coro, timeout=30):
    """Runs one test coroutine with an overall deadline."""
    return asyncio.run(asyncio.wait_for(coro, timeout))


async def recv_json(ws, timeout=10):
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))


async def recv_until(ws, pred, timeout=10, limit=100):
    """The first frame for which pred holds (bounded in count and time)."""
    for _ in range(limit):
        msg = await recv_json(ws, timeout)
        if pred(msg):
            return msg
    raise AssertionError("no matching frame")
