"""The lint rules that keep replayed code deterministic (workflows/ and models/, whose code runs
inside dossiers): a clock read, randomness, a file, the environment or a thread there fails
`make lint`, i.e. CI. The worker runs without the SDK's sandbox (worker.py), so these rules and
the strict-sandbox replay (test_replay.py) are what stand between such code and a dossier that
no longer replays."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RUFF = Path(sys.executable).parent / "ruff"

FORBIDDEN = {
    "a clock read": "from datetime import datetime\n\nNOW = datetime.now()\n",
    "a clock read through the module": "import datetime\n\nTODAY = datetime.date.today()\n",
    "a clock read without a zone": "from datetime import datetime\n\nNOW = datetime.utcnow()\n",
    "the time module": "import time\n\nNOW = time.time()\n",
    "randomness": "import random\n\nN = random.random()\n",
    "random identifiers": "import uuid\n\nID = uuid.uuid4()\n",
    "random tokens": "import secrets\n\nT = secrets.token_hex()\n",
    "the environment": "import os\n\nHOME = os.environ['HOME']\n",
    "a file": "from pathlib import Path\n\nDATA = Path('x').read_text()\n",
    "threads": "import threading\n\nLOCK = threading.Lock()\n",
}
# only where workflows run: models have no coroutines and no logger
WORKFLOW_ONLY = {
    "waiting through a set": (
        "import asyncio\n\n\nasync def f(tasks: list[asyncio.Task[None]]) -> None:\n"
        "    await asyncio.wait(tasks)\n"
    ),
    "open()": "DATA = open('x').read()\n",
    "a logger that logs again on replay": "import logging\n\nLOG = logging.getLogger()\n",
    "the database": "import sqlalchemy\n\nE = sqlalchemy.create_engine('sqlite://')\n",
    "an activity's implementation": "from activities.forms import FormActivities\n",
    "a PDF library": "import fpdf\n\nPDF = fpdf.FPDF()\n",
}
ALLOWED = (
    "from datetime import UTC, datetime, timedelta\n\n"
    "DUE = datetime(2026, 11, 30, tzinfo=UTC) + timedelta(days=15)\n"
)


def lint(folder: str, source: str) -> subprocess.CompletedProcess[str]:
    """ruff on `source` as if it were a module of `folder` (that folder's rules apply)."""
    return subprocess.run(
        [str(RUFF), "check", "--no-fix", "--stdin-filename", f"{folder}/probe.py", "-"],
        input=source,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


CASES = [
    pytest.param(folder, source, id=f"{folder}: {what}")
    for folder in ("workflows", "models")
    for what, source in FORBIDDEN.items()
] + [
    pytest.param("workflows", source, id=f"workflows: {what}")
    for what, source in WORKFLOW_ONLY.items()
]


@pytest.mark.parametrize(("folder", "source"), CASES)
def test_non_deterministic_code_fails_lint(folder: str, source: str) -> None:
    result = lint(folder, source)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "TID251" in result.stdout or "PTH123" in result.stdout, result.stdout


@pytest.mark.parametrize("folder", ["workflows", "models"])
def test_deterministic_code_passes_lint(folder: str) -> None:
    result = lint(folder, ALLOWED)
    assert result.returncode == 0, result.stdout + result.stderr
