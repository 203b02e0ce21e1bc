"""structlog, configured once per process; standard-library logs (Temporal's too) go through it.

Logs go to stderr, so the CLI's stdout stays clean for its tables and `--json`.
"""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import queue
import sys
from collections.abc import Iterator
from typing import Any

import structlog

_configured = False


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is now (test runners swap it)."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


SHARED: list[structlog.types.Processor] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def configure_logging(level: str | int = logging.INFO) -> None:
    global _configured
    if isinstance(level, str):
        level = logging.getLevelNamesMapping().get(level.upper(), logging.INFO)
    logging.getLogger().setLevel(level)
    # httpx logs each request's URL at INFO: a gateway's or a portal's URL may carry a key.
    logging.getLogger("httpx").setLevel(max(level, logging.WARNING))
    if _configured:
        return
    _configured = True
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *SHARED,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = _StderrHandler()
    handler.setFormatter(line_formatter(terminal=sys.stderr.isatty()))
    logging.getLogger().handlers[:] = [handler]


def line_formatter(*, terminal: bool) -> structlog.stdlib.ProcessorFormatter:
    """How a record becomes a line: coloured for a terminal, else JSON. Off a terminal an
    exception becomes its formatted traceback (the JSON renderer would write the traceback
    object's repr); on a terminal the console renderer draws it itself."""
    renderers: list[structlog.types.Processor] = (
        [structlog.dev.ConsoleRenderer()]
        if terminal
        else [
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(ensure_ascii=False),
        ]
    )
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=SHARED,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *renderers],
    )


@contextlib.contextmanager
def logging_in_background() -> Iterator[None]:
    """While a worker runs, its log lines are written by a thread of their own.

    A write to stderr is a system call: on the event loop it gives up the GIL and waits for it
    again behind the activities' threads (forms, database), a few milliseconds per line. Here the
    loop only puts the record on a queue; the lines are written in order, and all of them are
    written before this returns.
    """
    root = logging.getLogger()
    handlers = root.handlers[:]
    records: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
    listener = logging.handlers.QueueListener(records, *handlers, respect_handler_level=True)
    root.handlers[:] = [_Enqueue(records)]
    listener.start()
    try:
        yield
    finally:
        root.handlers[:] = handlers
        listener.stop()


class _Enqueue(logging.handlers.QueueHandler):
    """Hands the record over as it is: the writing handlers format it (structlog's formatter
    needs the record's own arguments, which QueueHandler.prepare would have merged away)."""

    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        return record
