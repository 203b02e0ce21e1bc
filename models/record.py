"""A dossier's tamper-evident record: every accepted action, document and form as an entry that
carries the SHA-256 of the entry before it, so a changed, removed or inserted entry breaks the
chain; issued forms carry the agency's seal over their hash and the chain's head.

Pure: the workflow appends entries (workflows/record.py), `hoso verify` recomputes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from models.credentials import canonical, digest
from models.dossier import Sha256

GENESIS = "0" * 64
EntryKind = Literal[
    "submission",
    "document",
    "action",
    "supplement",
    "withdrawal",
    "cancellation",
    "delivery",
    "calendar",
    "retry",
    "deadline",
    "system",
    "form",
    "handover",
]
SubjectValue = str | int | None
Subject = dict[str, SubjectValue]
# The columns of an action row that its entry's `row` digest covers (the control sheet's line).
ACTION_FIELDS = (
    "seq",
    "stage",
    "action",
    "actor",
    "role",
    "unit",
    "agency",
    "comment",
    "to_stage",
    "at",
)


class FormSeal(BaseModel):
    """The agency's Ed25519 seal (dấu) over a form: its dossier, kind, hash and issue time, and
    the record's head when it was issued, so one seal also vouches for every entry before it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: Annotated[
        str,
        Field(
            pattern=r"^[a-z0-9-]{1,40}(\.[1-9][0-9]{0,5})?$",
            description="seal-<key>.pub: the agency's id, then `.<n>` from its second key on",
        ),
    ]
    signature: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]+={0,2}$", max_length=200)]
    head: Sha256


class RecordEntry(BaseModel):
    """One link of the chain; `hash` covers every other field, `prev` the entry before."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    n: int = Field(ge=1, description="1-based position in the record")
    at: datetime
    kind: EntryKind
    actor: str = Field(description="officer id, or 'applicant' / 'system'")
    subject: Subject = Field(default_factory=dict, description="what the entry is about")
    digest: Sha256 = Field(description="SHA-256 of the whole input (an action with its proof)")
    prev: Sha256 = Field(description="hash of the entry before ('0' * 64 for the first)")
    hash: Sha256

    def computed_hash(self) -> str:
        return entry_hash(self.model_dump(mode="json", exclude={"hash"}))

    def describe(self) -> str:
        """The entry in a few words, for an operator: `#3 action approve at specialist`."""
        s = self.subject
        if self.kind in ("document", "form"):
            what = f"{s.get('kind')} {str(s.get('sha256'))[:12]}…"
        elif "action" in s:
            where = f" at {s['stage']}" if s.get("stage") else ""
            what = f"{s['action']}{where}"
        else:
            what = str(s.get("code") or "")
        return f"#{self.n} {self.kind} {what}".rstrip()


def entry_hash(body: dict[str, object]) -> str:
    """The SHA-256 of an entry's canonical JSON without its own hash."""
    return digest(body)


def input_digest(item: BaseModel) -> str:
    """The SHA-256 of an input as it arrived: the fields it was sent with (an action with its
    proof), so a field added to a model later does not change the digest of older inputs."""
    return digest(item.model_dump(mode="json", exclude_unset=True))


def action_digest(row: dict[str, object]) -> str:
    """The SHA-256 of an action row's columns (ActionEntry dumped in JSON mode)."""
    return digest({name: row.get(name) for name in ACTION_FIELDS})


def chained(
    record: Sequence[RecordEntry],
    *,
    at: datetime,
    kind: EntryKind,
    actor: str,
    subject: Subject,
    digest: str,
) -> RecordEntry:
    """The entry that follows `record` (a whole record, or its latest entries)."""
    body = {
        "n": record[-1].n + 1 if record else 1,
        "at": at,
        "kind": kind,
        "actor": actor,
        "subject": subject,
        "digest": digest,
        "prev": record[-1].hash if record else GENESIS,
    }
    unsigned = RecordEntry.model_validate({**body, "hash": GENESIS})
    return unsigned.model_copy(update={"hash": unsigned.computed_hash()})


def chain_breaks(record: Sequence[RecordEntry]) -> list[str]:
    """Where the chain does not hold: an entry out of place, altered, or not following the one
    before it (one line each; empty when intact)."""
    problems: list[str] = []
    prev = GENESIS
    for position, entry in enumerate(record, start=1):
        if entry.n != position:
            problems.append(
                f"record entry {entry.describe()} is at position {position}"
                " (an entry before it was removed or inserted)"
            )
        if entry.computed_hash() != entry.hash:
            problems.append(
                f"record entry {entry.describe()}: its hash does not match its content (altered)"
            )
        if entry.prev != prev:
            problems.append(
                f"record entry {entry.describe()} does not follow the entry before it"
                " (an entry was removed, inserted or altered)"
            )
        prev = entry.hash
    return problems


def seal_message(
    *, dossier: str, kind: str, sha256: str, issued_at: datetime | str, head: str
) -> bytes:
    """The bytes an agency seals for a form: canonical JSON, the time as pydantic writes it."""
    when = issued_at if isinstance(issued_at, str) else _SealedTime(at=issued_at).json_at()
    return canonical(
        {"dossier": dossier, "kind": kind, "sha256": sha256, "issued_at": when, "record": head}
    )


class _SealedTime(BaseModel):
    at: datetime

    def json_at(self) -> str:
        return str(self.model_dump(mode="json")["at"])
