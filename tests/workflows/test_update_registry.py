"""The dossier's updates are written once (models/updates.py): the workflow's handlers are
exactly those, each with its registered input and a validator."""

from __future__ import annotations

from temporalio import workflow

from models.updates import PAYMENT_UPDATES, UPDATE_INPUTS
from workflows.dossier import DossierWorkflow


def test_the_workflow_handles_exactly_the_registered_updates() -> None:
    handlers = workflow._Definition.from_class(DossierWorkflow).updates
    assert {name: handler.arg_types for name, handler in handlers.items()} == {
        name: [model] for name, model in (UPDATE_INPUTS | PAYMENT_UPDATES).items()
    }
    assert all(handler.validator is not None for handler in handlers.values())
