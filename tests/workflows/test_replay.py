"""Recorded histories of the main paths replay against the current workflow code.

A change that would break a running dossier fails here. Record anew with
`HOSO_RECORD_HISTORIES=1 uv run pytest tests/workflows` when a change is meant to be incompatible
(and guard it with `workflow.patched` for dossiers already running).
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer, WorkflowRunner
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from worker import WORKFLOW_RUNNER
from workflows import patches
from workflows.dossier import DossierWorkflow

ROOT = Path(__file__).resolve().parents[1] / "histories"
# The current recordings, and those of earlier versions: dossiers still running from then must
# replay too, taking the old branch of each patch recorded after them (workflows/patches.py).
EARLIER = [
    ROOT / folder
    for folder in dict.fromkeys(f for fs in patches.OLD_BRANCH_HISTORIES.values() for f in fs)
]
# The SDK's sandbox with workflows/ imported inside it, so every call the replayed workflow code
# makes is checked (the clock, randomness, files, the network…). From outside come `cryptography`
# (signature checks, a native library) and models/ (the data converter's pydantic classes must be
# the workflow's; lint bans the same calls there); activities are called by name, never imported.
# The worker runs without it (worker.py says why).
STRICT = SandboxedWorkflowRunner(
    restrictions=SandboxRestrictions.default.with_passthrough_modules("cryptography", "models")
)
RUNNERS = {"worker": WORKFLOW_RUNNER, "strict sandbox": STRICT}
# Recordings of a dossier's later runs (continued as new), and the patches only its start calls.
CONTINUED = "continued_"
START_PATCHES = frozenset({patches.OFFICER_CREDENTIALS, patches.INTAKE_SEAL})
HISTORIES = sorted(ROOT.glob("*.json")) + [p for f in EARLIER for p in sorted(f.glob("*.json"))]


@pytest.mark.parametrize("folder", [ROOT, *EARLIER])
def test_main_paths_have_recorded_histories(folder: Path) -> None:
    names = {path.stem for path in folder.glob("*.json")}
    assert {
        "eia_approved_online",
        "supplement_then_accept",
        "refused_at_reception",
        "post_delivery_confirmed",
        "consultation_silence_is_consent",
        "supplement_suspends_the_clock",
        "apology_sets_a_new_date",
        "late_stage_then_overdue",
    } <= names
    if folder == ROOT:
        assert {"council_passes", "council_asks_revisions"} <= names


# the sandbox only warns of some calls (asyncio.wait): here they fail the replay
@pytest.mark.filterwarnings("error::UserWarning")
@pytest.mark.parametrize("runner", RUNNERS.values(), ids=RUNNERS.keys())
@pytest.mark.parametrize("path", HISTORIES, ids=[str(p.relative_to(ROOT)) for p in HISTORIES])
async def test_recorded_history_replays_on_current_code(path: Path, runner: WorkflowRunner) -> None:
    replayer = Replayer(
        workflows=[DossierWorkflow],
        data_converter=pydantic_data_converter,
        workflow_runner=runner,
    )
    history = WorkflowHistory.from_json(path.stem, path.read_text(encoding="utf-8"))
    await replayer.replay_workflow(history)


def _patch_markers(path: Path) -> set[str]:
    """The ids of the `workflow.patched` calls a recorded run made (its version markers)."""
    found: set[str] = set()
    for event in json.loads(path.read_text(encoding="utf-8"))["events"]:
        marker = event.get("markerRecordedEventAttributes")
        if marker is None or marker["markerName"] != "core_patch":
            continue
        for payload in marker["details"]["patch-data"]["payloads"]:
            found.add(json.loads(base64.b64decode(payload["data"]))["id"])
    return found


@pytest.mark.parametrize("patch", patches.OLD_BRANCH_HISTORIES)
def test_each_patch_is_guarded_by_histories_that_take_its_old_branch(patch: str) -> None:
    """The folders named for a patch were recorded before it (their replays take the old branch);
    the current recordings take the new one wherever it is reached."""
    for folder in patches.OLD_BRANCH_HISTORIES[patch]:
        recorded = sorted((ROOT / folder).glob("*.json"))
        assert recorded, f"no recorded history in {folder}"
        assert all(patch not in _patch_markers(path) for path in recorded), folder
    if patches.OLD_BRANCH_HISTORIES[patch]:
        # a run that took a dossier over from its previous run reaches no patch of the start
        reached = [
            path
            for path in sorted(ROOT.glob("*.json"))
            if patch not in START_PATCHES or not path.stem.startswith(CONTINUED)
        ]
        assert all(patch in _patch_markers(path) for path in reached)


def test_every_earlier_recording_guards_a_patch() -> None:
    """A folder of histories from an earlier version is there for a patch's old branch."""
    earlier = {path.name for path in ROOT.glob("before-*") if path.is_dir()}
    assert earlier == {folder.name for folder in EARLIER}
