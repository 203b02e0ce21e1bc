"""A CPU profile of every thread of this process, weighted by the CPU each thread really used.

pyinstrument samples the thread it starts in; the hoso worker runs its workflow activations in
the SDK's thread pool (`temporal_workflow_*`), blocking work in the loop's executor (`asyncio_*`,
`uvloop_*`) and gRPC and protobuf in the Rust core's threads. Every `interval`, this reads each
thread's CPU time from /proc (psutil) and charges what it used since the last tick to the Python
stack it is in now: a thread waiting for the GIL or for I/O uses no CPU and is charged nothing.
"""

from __future__ import annotations

import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

import psutil

ROOT = Path(__file__).resolve().parent.parent
# (area, what a frame's file path contains): the first match from the leaf up names the area.
AREAS = (
    ("pydantic (validation, serialisation, copies)", ("/pydantic/", "/pydantic_core/")),
    ("SQLAlchemy / SQLite", ("/sqlalchemy/", "/sqlmodel/", "sqlite3")),
    ("PDF rendering (fpdf2)", ("/fpdf/", "/fontTools/", "/PIL/")),
    ("Ed25519 (cryptography)", ("/cryptography/",)),
    ("protobuf / payload conversion", ("/google/protobuf/", "/temporalio/converter")),
    ("workflow sandbox", ("/temporalio/worker/workflow_sandbox/",)),
    ("temporalio workflow runtime", ("/temporalio/worker/_workflow_instance",
                                     "/temporalio/workflow")),
    ("temporalio worker / client", ("/temporalio/",)),
    ("logging (structlog, json)", ("/structlog/", "/logging/", "/json/")),
    ("templates (jinja2)", ("/jinja2/", "/markupsafe/")),
    ("event loop machinery (asyncio; uvloop's C code shows as asyncio/runners.py)", ("/asyncio/",)),
)  # fmt: skip
OURS = ("workflows/", "activities/", "support/", "models/", "bench/", "worker.py")
ENTRY_POINTS = (":main", ":_main", ":profiled_benchmark", ":run_hoso", "event_loop.py:run")
# Where a thread waits (a lock, a queue, the selector): CPU seen there was used just before.
IDLE = {
    ("threading.py", "wait"),
    ("queue.py", "get"),
    ("thread.py", "_worker"),
    ("selectors.py", "select"),
    ("threading.py", "_wait_for_tstate_lock"),
}


def _idle(frame: FrameType) -> bool:
    return (Path(frame.f_code.co_filename).name, frame.f_code.co_name) in IDLE


def thread_group(name: str) -> str:
    if name.startswith("temporal_workflow_"):
        return "workflow activations (temporal_workflow_* threads)"
    if name.startswith(("asyncio_", "uvloop_")):  # the loop's default executor
        return "blocking work of activities (asyncio.to_thread pool)"
    if name == "MainThread":
        return "event loop (activities, SDK glue, load generator)"
    if name.startswith("native:"):
        return "native threads (Temporal core in Rust: gRPC, protobuf)"
    return f"other ({name})"


def _where(frame: FrameType) -> tuple[str, str]:
    path = frame.f_code.co_filename
    try:
        short = str(Path(path).relative_to(ROOT))
    except ValueError:
        short = path.split("site-packages/")[-1] if "site-packages/" in path else path
    return short, f"{short}:{frame.f_code.co_name}"


@dataclass
class Profile:
    """CPU seconds by thread group, by area of the running code, by function (self, inclusive)."""

    seconds: float = 0.0
    wall: float = 0.0
    groups: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    areas: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    own: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    inclusive: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    ours: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))

    def add(self, group: str, frame: FrameType | None, cpu: float) -> None:
        self.seconds += cpu
        self.groups[group] += cpu
        if frame is None:
            self.areas["native code (no Python frame)"] += cpu
            return
        stack: list[tuple[str, str]] = []
        while frame is not None:
            stack.append(_where(frame))
            frame = frame.f_back
        leaf_file, leaf = stack[0]
        self.own[leaf] += cpu
        for name in {name for _, name in stack}:
            self.inclusive[name] += cpu
        self.areas[_area(stack)] += cpu
        innermost = next(
            (
                name
                for path, name in stack
                if path.startswith(OURS)
                and not name.endswith(ENTRY_POINTS)
                and not (path.startswith("bench/") and name.endswith(":<module>"))
            ),
            None,
        )
        if innermost is not None:
            self.ours[innermost] += cpu
        del leaf_file


def ranked(counter: dict[str, float]) -> list[tuple[str, float]]:
    """(name, CPU seconds), the most first."""
    return sorted(counter.items(), key=lambda item: -item[1])


def _area(stack: list[tuple[str, str]]) -> str:
    for path, _ in stack:
        for area, marks in AREAS:
            if any(mark in "/" + path for mark in marks):
                return area
        if path.startswith(OURS):
            return f"hoso code ({path.split('/')[0]})"
    return "other Python"


class ThreadSampler:
    """Samples until stopped; `profile` holds what was measured."""

    def __init__(self, interval: float = 0.005) -> None:
        self.interval = interval
        self.profile = Profile()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-sampler", daemon=True)
        self._names: dict[int, str] = {}

    def __enter__(self) -> ThreadSampler:
        self._began = time.perf_counter()
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.profile.wall = time.perf_counter() - self._began

    def _name(self, tid: int, python: dict[int, threading.Thread]) -> str:
        if tid in python:
            return python[tid].name
        if tid not in self._names:
            try:
                comm = Path(f"/proc/self/task/{tid}/comm").read_text(encoding="utf-8").strip()
            except OSError:
                comm = str(tid)
            self._names[tid] = f"native:{comm}"
        return self._names[tid]

    def _run(self) -> None:
        me = psutil.Process()
        mine = threading.get_native_id()
        last = {t.id: t.user_time + t.system_time for t in me.threads()}
        before: dict[int, FrameType] = {}  # each thread's frame at the last tick, if not waiting
        while not self._stop.wait(self.interval):
            python = {t.native_id: t for t in threading.enumerate() if t.native_id is not None}
            frames = sys._current_frames()
            now: dict[int, FrameType] = {}
            for tid, thread in python.items():
                frame = frames.get(thread.ident) if thread.ident else None
                if frame is not None and not _idle(frame):
                    now[tid] = frame
            for t in me.threads():
                cpu = t.user_time + t.system_time
                used = cpu - last.get(t.id, cpu)
                last[t.id] = cpu
                if used <= 0 or t.id == mine:
                    continue
                group = thread_group(self._name(t.id, python))
                # The CPU was used between the two ticks: half to each end's stack (a thread
                # seen waiting — for work, or for the GIL after a system call — ran before).
                ends = [f for f in (before.get(t.id), now.get(t.id)) if f is not None]
                if not ends:
                    seen = python.get(t.id)
                    ident = seen.ident if seen else None
                    self.profile.add(group, frames.get(ident) if ident else None, used)
                for frame in ends:
                    self.profile.add(group, frame, used / len(ends))
            before = now
