"""Workflow code sees activity interfaces only: importing the workflow loads none of the
libraries the activities use for the database, forms, mail or logging."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
IO_LIBRARIES = ("sqlalchemy", "sqlmodel", "fpdf", "aiosmtplib", "jinja2", "httpx", "structlog")


def test_importing_the_workflow_loads_no_io_library() -> None:
    probe = (
        "import sys\n"
        "import workflows.dossier\n"
        f"print(' '.join(sorted(m for m in {IO_LIBRARIES!r} if m in sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.split() == []
