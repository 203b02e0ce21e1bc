"""bench/RESULTS.md: one section per benchmark, replaced on each run, with the machine and date."""

from __future__ import annotations

import argparse
import os
import platform
import re
import sqlite3
import statistics
import subprocess
import sys
from collections.abc import Callable, Coroutine, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

from support import event_loop

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
HEADER = "# Benchmark results\n"
_MARK = re.compile(r"^<!-- bench:([a-z_]+) -->$", re.MULTILINE)
LOAD_AT_START = os.getloadavg()[0]  # other work on the machine when the benchmark began


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def temporal_version() -> str:
    binary = Path(sys.executable).parent / "temporal"
    try:
        out = subprocess.run(
            [str(binary), "--version"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except OSError:
        return "?"
    return out.strip().removeprefix("temporal version ")


def machine() -> str:
    """One line: cores, RAM, CPU model, Python, SQLite, Temporal CLI, and the date (UTC)."""
    ram = psutil.virtual_memory().total / 2**30
    return (
        f"Machine: {os.cpu_count()} cores ({cpu_model()}), {ram:.0f} GB RAM, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"temporal {temporal_version()}; load average {LOAD_AT_START:.2f} when the run began. "
        f"Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC."
    )


def add_result_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--results", type=Path, default=RESULTS, help="the results file (default bench/RESULTS.md)"
    )
    parser.add_argument(
        "--no-write", action="store_true", help="print the figures, leave the results file alone"
    )


def publish(args: argparse.Namespace, key: str, title: str, text: str) -> str:
    """Writes the benchmark's section (unless `--no-write`); returns `text`."""
    if not args.no_write:
        write_section(key, title, text, path=args.results)
    return text


def run_benchmark(
    measure: Callable[[argparse.Namespace], Coroutine[Any, Any, str]],
    parser: argparse.ArgumentParser,
    argv: list[str] | None,
) -> str:
    """A benchmark's `main`: parses its arguments, measures, prints the figures."""
    text = event_loop.run(measure(parser.parse_args(argv)))
    print(text)
    return text


def write_section(key: str, title: str, body: str, path: Path = RESULTS) -> str:
    """Replaces (or appends) the section `key` of `path`; returns the section's text."""
    section = f"<!-- bench:{key} -->\n## {title}\n\n{machine()}\n\n{body.strip()}\n"
    text = path.read_text(encoding="utf-8") if path.exists() else HEADER
    sections = _split(text)
    sections[key] = section
    first = _MARK.search(text)
    head = text[: first.start()] if first else _preamble(text)
    path.write_text(head.rstrip() + "\n\n" + "\n".join(sections.values()), encoding="utf-8")
    return section


def _preamble(text: str) -> str:
    """Everything before the first marked section (unmarked sections of older files kept)."""
    return text if text.strip() else HEADER


def _split(text: str) -> dict[str, str]:
    marks = list(_MARK.finditer(text))
    sections: dict[str, str] = {}
    for n, mark in enumerate(marks):
        end = marks[n + 1].start() if n + 1 < len(marks) else len(text)
        sections[mark.group(1)] = text[mark.start() : end].rstrip() + "\n"
    return sections


# -- formatting ---------------------------------------------------------------------------


def percentiles(samples: list[float]) -> dict[str, float]:
    """p50, p95, p99 and max of `samples` (seconds), in milliseconds."""
    if not samples:
        return {"p50": 0.0, "p95": 0.0, "p99": 0.0, "max": 0.0}
    q = statistics.quantiles(samples, n=100, method="inclusive") if len(samples) > 1 else []
    pick = (lambda k: q[k - 1]) if q else (lambda _k: samples[0])
    return {
        "p50": pick(50) * 1000,
        "p95": pick(95) * 1000,
        "p99": pick(99) * 1000,
        "max": max(samples) * 1000,
    }


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def mib(n: float) -> str:
    return f"{n / 2**20:,.0f} MiB"


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b else "–"
