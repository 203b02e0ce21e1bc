"""History per dossier: events and bytes for each sample procedure, and a check that no document
bytes travel in a payload.

Each dossier is submitted with real stored documents (64 KB each, carrying a marker) and runs to
its end; its history is read back from the server, every payload decoded (decrypted) as the
client sees it, and searched for the documents' marker and for any PDF (the issued forms).

    uv run python -m bench.history
"""

from __future__ import annotations

import argparse
import base64
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message
from temporalio.api.common.v1 import Payload
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import History
from temporalio.client import WorkflowHistory

from bench.dossiers import MARKER, Step, Submitter, drive, happy_path, rework_path
from bench.results import publish, run_benchmark, table
from bench.stack import (
    Stack,
    add_server_arguments,
    bench_stack,
    log_file,
    new_queue,
    worker_logs,
)
from models.procedure import DeliveryChannel, Procedure

WARN_EVENTS, WARN_BYTES = 10_240, 10 * 2**20  # Temporal's history warnings
PathOf = Callable[[Stack, Procedure, DeliveryChannel], list[Step]]
CASES: list[tuple[str, str, PathOf, DeliveryChannel]] = [
    ("eia", "every stage approves, online result", happy_path, DeliveryChannel.online),
    ("eia", "head returns it to the specialist once, result by post", rework_path,
     DeliveryChannel.post),
    ("permit", "every stage approves, result at the counter", happy_path, DeliveryChannel.counter),
    ("extract", "every stage approves, online result", happy_path, DeliveryChannel.online),
]  # fmt: skip
FORBIDDEN = [MARKER, b"%PDF"]


def _encodings(needle: bytes) -> list[bytes]:
    """`needle` as it would appear raw, in hex, or inside base64 at any of the three offsets."""
    found = [needle, needle.hex().encode()]
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + needle)
        found.append(encoded[4 : len(encoded) - 4])  # the part that does not depend on neighbours
    return [f for f in found if len(f) >= 4]


NEEDLES = {needle: _encodings(needle) for needle in FORBIDDEN}


def leaks(data: bytes) -> list[bytes]:
    """The forbidden contents (a stored document, a PDF) found in a payload's bytes."""
    return [needle for needle, shapes in NEEDLES.items() if any(s in data for s in shapes)]


def iter_payloads(message: Message) -> Iterator[tuple[str, Payload]]:
    """Every Payload inside a protobuf message, with the name of the field holding it."""
    for descriptor, value in message.ListFields():
        kind = descriptor.message_type
        if descriptor.type != FieldDescriptor.TYPE_MESSAGE or kind is None:
            continue
        if kind.GetOptions().map_entry:
            inner = kind.fields_by_name["value"]
            children = list(value.values()) if inner.type == FieldDescriptor.TYPE_MESSAGE else []
        elif descriptor.is_repeated:
            children = list(value)
        else:
            children = [value]
        for child in children:
            if isinstance(child, Payload):
                yield descriptor.name, child
            else:
                yield from iter_payloads(child)


@dataclass
class HistoryFigures:
    events: int
    history_bytes: int
    payload_bytes: int
    record_bytes: int
    record_calls: int
    first_record: int
    last_record: int
    largest: int
    largest_where: str
    forbidden: list[str]


async def measure(stack: Stack, history: WorkflowHistory) -> HistoryFigures:
    codec = stack.client.data_converter.payload_codec
    by_id = {event.event_id: event for event in history.events}
    sizes: Counter[str] = Counter()
    records: list[int] = []
    largest, where = 0, ""
    forbidden: set[str] = set()
    for event in history.events:
        found = list(iter_payloads(event))
        if not found:
            continue
        decoded = await codec.decode([p for _, p in found]) if codec else [p for _, p in found]
        name = EventType.Name(event.event_type).removeprefix("EVENT_TYPE_").lower()
        if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            name = event.activity_task_scheduled_event_attributes.activity_type.name + " input"
        elif event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
            scheduled = by_id[event.activity_task_completed_event_attributes.scheduled_event_id]
            activity = scheduled.activity_task_scheduled_event_attributes.activity_type.name
            name = f"{activity} result"
        total = 0
        for payload in decoded:
            size = len(payload.data)
            total += size
            if size > largest:
                largest, where = size, name
            forbidden.update(f"{needle[:12]!r} in {name}" for needle in leaks(payload.data))
        sizes[name] += total
        if name in ("record_dossier input", "record_change input"):
            records.append(total)
    return HistoryFigures(
        events=len(history.events),
        history_bytes=History(events=history.events).ByteSize(),
        payload_bytes=sum(sizes.values()),
        record_bytes=sum(records),
        record_calls=len(records),
        first_record=records[0] if records else 0,
        last_record=records[-1] if records else 0,
        largest=largest,
        largest_where=where,
        forbidden=sorted(forbidden),
    )


async def benchmark(stack: Stack) -> list[tuple[str, str, HistoryFigures]]:
    out = []
    async with stack.hoso_worker(queue := new_queue()):
        submitter = Submitter(stack, queue)
        for sample, description, path, delivery in CASES:
            procedure = stack.procedures[sample]
            handle = await submitter.start(procedure, delivery=delivery)
            await drive(stack, handle, path(stack, procedure, delivery))
            figures = await measure(stack, await handle.fetch_history())
            out.append((f"{procedure.code} ({sample})", description, figures))
    return out


def _kb(n: int) -> str:
    return f"{n / 1024:,.1f} KB"


def report(results: list[tuple[str, str, HistoryFigures]]) -> str:
    rows = [
        [name, path, f.events, _kb(f.history_bytes), _kb(f.payload_bytes),
         f"{_kb(f.record_bytes)} ({f.record_calls}×, {_kb(f.first_record)} → "
         f"{_kb(f.last_record)})",
         f"{_kb(f.largest)} ({f.largest_where})",
         f"{f.events / WARN_EVENTS:.2%} / {f.history_bytes / WARN_BYTES:.2%}"]
        for name, path, f in results
    ]  # fmt: skip
    leaks = [f"{name}: {', '.join(f.forbidden)}" for name, _, f in results if f.forbidden]
    check = (
        "**Document bytes in payloads: none.** Every payload of every history above was "
        "decoded (decrypted) and searched for the stored documents' marker and for a PDF "
        "header, raw, in hex and in base64; only references (kind, hash, size) travel."
        if not leaks
        else "**Document bytes found in payloads:** " + "; ".join(leaks)
    )
    return (
        "`uv run python -m bench.history`: one dossier per case, run to its end with stored "
        "documents (64 KB each); history as the server returns it (payloads encrypted). "
        "Projection inputs (`record_change`): what the projection activity carries at each "
        "transition (the dossier row and the rows added since the last one), first → last "
        "call.\n\n"
        + table(
            [
                "procedure",
                "path",
                "events",
                "history",
                "payloads",
                "projection inputs",
                "largest payload",
                "of the 10,240-event / 10 MB warnings",
            ],
            rows,
        )  # fmt: skip
        + "\n\n"
        + check
    )


async def _main(args: argparse.Namespace) -> str:
    async with bench_stack(args.address, server_pid=args.server_pid) as stack:
        with worker_logs(log_file(stack, args)):
            results = await benchmark(stack)
    text = report(results)
    return publish(args, "history", "History per dossier", text)


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__)
    add_server_arguments(parser)
    return parser


def main(argv: list[str] | None = None) -> str:
    return run_benchmark(_main, parser(), argv)


if __name__ == "__main__":
    main()
