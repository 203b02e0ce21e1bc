"""`hoso list` against a real dev server: role, received between, count, pages."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from typer.testing import CliRunner

from config import Settings
from models.calendar import VIETNAM
from tests.cli.test_dossier_commands import hoso, submitted, wait_state


def rows(runner: CliRunner, *args: str) -> list[dict]:
    result = hoso(runner, "list", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_filters_count_and_pages_agree(
    runner: CliRunner, worker: Settings, dossier_file: Path
) -> None:
    codes = []
    first_day = datetime.now(UTC).astimezone(VIETNAM).date()  # the test may run over midnight
    for n in range(3):
        text = dossier_file.read_text(encoding="utf-8")
        dossier_file.write_text(
            text + f"\nreference: list-{n}-{time.time_ns()}\n", encoding="utf-8"
        )
        codes.append(submitted(runner, worker, dossier_file))
        dossier_file.write_text(text, encoding="utf-8")
    for code in codes[:2]:
        wait_state(runner, code, status="received")
        assert hoso(runner, "act", code, "accept", "--as", "tn.reception").exit_code == 0
    today = datetime.now(UTC).astimezone(VIETNAM).date()
    filters = ["--role", "specialist", "--received-from", first_day.isoformat(),
               "--received-to", today.isoformat(), "--procedure", "9.000002"]  # fmt: skip

    deadline = time.monotonic() + 30
    while not set(codes[:2]) <= {r["code"] for r in rows(runner, *filters, "--limit", "1000")}:
        assert time.monotonic() < deadline, "visibility never caught up"
        time.sleep(0.5)
    listed = {r["code"] for r in rows(runner, *filters, "--limit", "1000")}
    assert codes[2] not in listed  # still at reception: it waits for another role
    tomorrow = (today + timedelta(days=1)).isoformat()
    assert not set(codes) & {r["code"] for r in rows(runner, "--received-from", tomorrow)}

    counted = json.loads(hoso(runner, "list", *filters, "--count", "--json").stdout)["count"]
    assert counted == len(listed)

    paged: list[str] = []
    token: str | None = None
    while True:
        more = ["--page", token] if token else []
        page = json.loads(
            hoso(runner, "list", *filters, "--page-size", "1", *more, "--json").stdout
        )
        assert len(page["dossiers"]) <= 1
        paged += [r["code"] for r in page["dossiers"]]
        token = page["next_page"]
        if not token:
            break
    assert set(paged) == listed and len(paged) == len(listed)
    bad = hoso(runner, "list", "--page", "not-a-token")
    assert bad.exit_code == 1 and "--page 'not-a-token'" in bad.stderr
