"""What every benchmark test checks: the run wrote its own section, with the machine and date."""

from __future__ import annotations

from pathlib import Path

from temporalio.testing import WorkflowEnvironment


def address(env: WorkflowEnvironment) -> str:
    return env.client.service_client.config.target_host


def section(results: Path, key: str) -> str:
    """The text of section `key`, checked to appear once and to name the machine and date."""
    text = results.read_text(encoding="utf-8")
    mark = f"<!-- bench:{key} -->"
    assert text.count(mark) == 1, text
    body = text.split(mark, 1)[1].split("<!-- bench:", 1)[0]
    assert body.lstrip().startswith("## "), body
    assert "Machine:" in body and " cores (" in body and "GB RAM" in body, body
    assert "Date: 20" in body, body
    return body
