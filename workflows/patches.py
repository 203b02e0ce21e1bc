"""Every `workflow.patched` id of the dossier workflow, in the order they were introduced.

A patch keeps a dossier that was already running on the code it started with: replayed, it takes
the old branch; started since, the new one. An id is never renamed, reused or removed while a
dossier that took the old branch may still be running. Each is guarded by recorded histories
(tests/histories/) whose run never called it: `OLD_BRANCH_HISTORIES` names their folders, and
tests/workflows/test_replay.py replays them and checks that they carry no marker of it.
"""

from __future__ import annotations

OFFICER_CREDENTIALS = "officer-credentials"
"""Officers' signed credentials are checked against trust anchors that the run loads first (an
activity, in `DossierWorkflow.run`). Since 2026-11-28; dossiers started before apply their actions
unchecked."""

CONCURRENT_NOTICES = "concurrent-notices"
"""Notices go out while the dossier moves on: an action waits for the record and the forms, not
for the email (`Effects._notify`). Since 2026-11-29; before, one after the other."""

CHANGED_SEARCH_ATTRIBUTES = "changed-search-attributes"
"""Only the search attributes that changed are upserted, and the council's pending voters among
them (`Visibility.upsert`). Since 2026-11-29; before, all of them at every transition."""

PROJECTION_CHANGES = "projection-changes"
"""The projection is told what changed since the last record (`record_change`), not the whole
state (`Effects.record`). Since 2026-11-29; before, `record_dossier` with the whole state."""

APOLOGY_ON_WORKING_DAY = "apology-on-working-day"
"""An apology's new date must be a working day (`DossierWorkflow._apology_to_a_day_off_replayed`).
Since 2026-12-07; called only for an apology to a day off, which dossiers started before accepted
and a replay applies as it was."""

INTAKE_SEAL = "intake-seal"
"""A dossier starts only from a submission that hoso's intake sealed, of a procedure version the
catalogue published with the same content (`DossierWorkflow._check_start`, the `check_submission`
activity); anything else fails the run (`SubmissionRefused`) before any side effect. Since
2026-12-10; dossiers started before trusted their start input."""

TRUST_RELOAD_SPACED = "trust-reload-spaced"
"""`refresh_trust` signals coalesce: at most one reload pending, and none sooner than
`TRUST_RELOAD_SPACING` after the last (`DossierWorkflow.refresh_trust`). Since 2026-12-10;
before, each signal that found no reload pending asked for one."""

REVOCATIONS_KEPT = "revocations-kept"
"""A dossier keeps every revocation its trust anchors ever held: a reload adds to them, never
removes (`DossierWorkflow._load_trust`), so a revocation undone in the database does not revive
a token in an open dossier (issue 22, item 6). Since 2026-12-07; called at a reload only."""

COUNCIL_REGISTRY = "council-registry"
"""A council is seated only as the registry allows: its members officers of the registry, its
experts marked as experts there (the `check_council` activity, `CouncilTransitions.convene`);
otherwise the convening is refused naming the member (issue 22, item 13). Since 2026-12-07;
dossiers convened before seated whom the convener named."""

SMALL_ANSWERS = "small-answers"
"""An update answers a small receipt (`ActionReceipt`: status, stage, the action's row and
record entry), not the whole state, so each action adds the same to the history however many
came before (`DossierWorkflow._answer`). Since 2026-12-07; before, the whole state."""

CONTINUE_AS_NEW = "continue-as-new"
"""A run whose history passed its limits (`HistoryLimits`: 4,000 events or 4 MB by default)
hands the dossier over to a new run at a quiet point (`DossierWorkflow._continue_as_new`).
Since 2026-12-07; called only once a run's history is that long, which no recording reaches."""

FEE_PAYMENT = "fee-payment"
"""A procedure whose fee is paid through hoso waits for the payment (`awaiting_payment`) before
reception or before delivery (workflows/payment.py). Since 2026-12-07; called only for procedures
that say how their fee is paid, which none did before (their dossiers never wait). Changed the same
day, before it was deployed: a dossier received at the counter pays only a fee due before reception
there in cash; one due before delivery waits with the result (no recording took the first rule)."""

BOUNDED_HANDOVER = "bounded-handover"
"""A run that continues as new hands over a bounded state (`workflows/handover.py`): the latest
control-sheet rows, record entries, forms and suspensions, with counts of those left to the
record, the projection and the history, and the nonces still fresh. Since 2026-12-08; before,
the whole state (about 3.4 kB more a supplement cycle: 2 MB, Temporal's payload limit, near 570
cycles)."""

OLD_BRANCH_HISTORIES: dict[str, tuple[str, ...]] = {
    OFFICER_CREDENTIALS: ("before-credentials",),
    CONCURRENT_NOTICES: ("before-credentials", "before-concurrent-notices"),
    CHANGED_SEARCH_ATTRIBUTES: ("before-credentials", "before-concurrent-notices"),
    PROJECTION_CHANGES: (
        "before-credentials",
        "before-concurrent-notices",
        "before-projection-changes",
    ),
    # No recording takes this old branch: none has an apology to a day off.
    APOLOGY_ON_WORKING_DAY: (),
    INTAKE_SEAL: (
        "before-credentials",
        "before-concurrent-notices",
        "before-projection-changes",
        "before-intake-seal",
    ),
    # No recording takes this old branch: none was sent `refresh_trust`.
    TRUST_RELOAD_SPACED: (),
    # No recording takes this old branch: none reloaded its anchors.
    REVOCATIONS_KEPT: (),
    COUNCIL_REGISTRY: (),
    SMALL_ANSWERS: (
        "before-credentials",
        "before-concurrent-notices",
        "before-projection-changes",
        "before-intake-seal",
        "before-small-answers",
    ),
    # No recording takes this old branch: none is long enough to continue.
    CONTINUE_AS_NEW: (),
    # No recording takes this old branch: no procedure said how its fee is paid before.
    FEE_PAYMENT: (),
    # The recordings continued_run_unbounded and continued_last_run_unbounded (tests/histories/)
    # took the old branch: a run that handed over its whole state, and one that took it over.
    BOUNDED_HANDOVER: (),
}
"""For each patch, the folders of tests/histories/ recorded before it: their replays take its old
branch."""
