"""What a run hands over when a dossier continues as new: the latest entries and the counts of
those it leaves to the history, nonces while they could be replayed (workflows/handover.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from models.dossier import DossierStatus
from models.procedure import DeliveryChannel
from models.projection import Marks, added
from models.record import chained
from models.state import ActionEntry, DossierState, FormRef, Suspension
from workflows.handover import KEEP_ACTIONS, KEEP_RECORD, NONCE_FRESH, bounded

NOW = datetime.now(UTC)


def long_state(cycles: int) -> DossierState:
    """A dossier after `cycles` supplement cycles, each by another reception officer."""
    state = DossierState(
        code="ubnd-xa-000000-0001",
        procedure_code="1.001",
        procedure_version=1,
        procedure_name="Trích lục",
        agency="ubnd-xa",
        status=DossierStatus.received,
        delivery=DeliveryChannel.online,
        submitted_at=NOW - timedelta(days=30),
    )
    for n in range(1, cycles + 1):
        at = NOW - timedelta(hours=cycles - n)
        for action in ("request_supplement", "supplement"):
            actor = f"officer-{n}" if action == "request_supplement" else "applicant"
            seq = len(state.actions) + 1
            state.actions.append(
                ActionEntry(seq=seq, stage="reception", action=action, actor=actor, at=at)
            )
            state.record.append(
                chained(
                    state.record,
                    at=at,
                    kind="action",
                    actor=actor,
                    subject={"seq": seq},
                    digest="a" * 64,
                )
            )
            state.nonces.append(f"nonce-{seq}")
        state.forms.append(FormRef(kind="supplement_request", sha256=f"{n:064x}", issued_at=at))
        state.suspensions.append(
            Suspension(stage="reception", started_at=at, ended_at=at, working_days=1)
        )
    state.forms.insert(0, FormRef(kind="receipt", sha256="f" * 64, issued_at=state.submitted_at))
    return state  # fmt: skip


def test_a_long_state_is_handed_over_bounded_and_numbering_goes_on() -> None:
    state = long_state(100)
    handed = bounded(state, Marks.of(state), NOW, {}, NOW - timedelta(days=1), ())
    assert len(handed.actions) == KEEP_ACTIONS and len(handed.record) == KEEP_RECORD
    assert handed.actions_total() == 200 and handed.record_total() == 200
    assert handed.record[-1] == state.record[-1]  # the chain's head
    assert handed.forms_total() == 101 and handed.forms[0].kind == "receipt"  # latest of its kind
    assert handed.suspended_days() == 100 and handed.suspensions[-1] == state.suspensions[-1]
    # who acted on it still may read its confidential documents
    assert handed.acted("officer-1") and handed.acted("officer-100") and not handed.acted("x")
    # an entry added after the hand-over is numbered on, and told to the projection alone
    entry = chained(
        handed.record, at=NOW, kind="system", actor="system", subject={}, digest="b" * 64
    )
    assert entry.n == 201 and entry.prev == state.record[-1].hash
    handed.record.append(entry)
    assert added(handed.record, handed.record_total(), 200) == [entry]  # fmt: skip


def test_entries_the_projection_was_not_told_of_are_all_handed_over() -> None:
    state = long_state(100)
    told = Marks(actions=150, record=150, forms=60)
    handed = bounded(state, told, NOW, {}, NOW, ())
    assert len(handed.actions) == 50 and len(handed.record) == 50
    assert handed.forms_total() == 101 and len(handed.forms) >= 41


def test_nonces_are_kept_while_their_signature_could_still_be_fresh() -> None:
    state = long_state(3)
    times = {"nonce-1": NOW - NONCE_FRESH - timedelta(seconds=1), "nonce-2": NOW - NONCE_FRESH}
    readmitted = {"nonce-3"}
    began = NOW - timedelta(hours=1)  # nonces 4-6 came with the run: as old as its start
    handed = bounded(state, Marks.of(state), NOW, times, began, readmitted)
    assert handed.nonces == ["nonce-2", "nonce-3"]
    recent = bounded(state, Marks.of(state), NOW, times, NOW - timedelta(minutes=1), readmitted)
    assert recent.nonces == ["nonce-2", "nonce-3", "nonce-4", "nonce-5", "nonce-6"]


def test_a_short_state_is_handed_over_whole() -> None:
    state = long_state(3)
    handed = bounded(state, Marks.of(state), NOW, {}, NOW, ())
    assert handed.model_dump(exclude={"nonces"}) == state.model_dump(exclude={"nonces"})
    assert handed.holds_all()
