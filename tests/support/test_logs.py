"""hoso's log lines off a terminal: JSON, and a failure carries its traceback as text."""

from __future__ import annotations

import json
import logging
import sys

from logs import line_formatter
from support.seals import SealError


def test_a_failure_logged_off_a_terminal_carries_its_traceback_as_text() -> None:
    try:
        raise SealError("the newest seal key of so-tnmt, so-tnmt.2, is revoked")
    except SealError:  # as the SDK logs a failing activity
        record = logging.LogRecord(
            "temporalio.activity",
            logging.WARNING,
            __file__,
            1,
            "Completing activity as failed",
            None,
            sys.exc_info(),
        )
    line = line_formatter(terminal=False).format(record)
    fields = json.loads(line)
    assert fields["event"] == "Completing activity as failed" and fields["level"] == "warning"
    assert fields["exception"].startswith("Traceback (most recent call last):")
    assert "SealError: the newest seal key of so-tnmt, so-tnmt.2, is revoked" in fields["exception"]
    assert "traceback object" not in line
