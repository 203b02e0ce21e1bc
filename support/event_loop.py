"""The event loop hoso's processes run on: uvloop (libuv) where it is installed, else asyncio's.

A worker's event loop is woken from other threads all the time (Temporal Core's callbacks, the
activities' blocking work handed back): uvloop does that, and the rest of the loop's machinery,
for less CPU than asyncio's selector loop (bench/RESULTS.md).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's loop, or None (asyncio's default) where uvloop is not installed."""
    try:
        import uvloop
    except ImportError:  # Windows has no uvloop
        return None
    return uvloop.new_event_loop


def run(coro: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run` on hoso's event loop."""
    with asyncio.Runner(loop_factory=loop_factory()) as runner:
        return runner.run(coro)
