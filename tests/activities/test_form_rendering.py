"""Forms rendered in a process beside the worker: the same bytes as in the worker's own, and a
renderer that dies makes the activity retry rather than lose the form."""

from __future__ import annotations

import os
import signal

import psutil
import pytest
from temporalio.exceptions import ApplicationError

from activities import form_rendering
from activities.database import SessionFactory
from activities.document_store import DocumentStore
from activities.forms import FormActivities, render_form_pdf
from tests.activities.test_forms import form_rows, request


async def test_a_form_rendered_beside_the_worker_is_the_same_document(
    sessions: SessionFactory, store: DocumentStore
) -> None:
    form = request(due_date="2027-01-12")
    issued = await FormActivities(sessions, store, processes=1).issue_form(form)
    renderers = [
        p for p in psutil.Process().children() if "multiprocessing" in " ".join(p.cmdline())
    ]
    assert renderers, "the form was not rendered in a process of its own"
    assert store.read(issued.sha256) == render_form_pdf(form)  # same bytes, same hash
    assert [row.sha256 for row in form_rows(sessions)] == [issued.sha256]


async def test_a_renderer_killed_mid_form_fails_the_attempt_and_the_retry_issues_it(
    sessions: SessionFactory, store: DocumentStore
) -> None:
    activities = FormActivities(sessions, store, processes=1)
    await activities.issue_form(request("refusal", reasons="Không đủ hồ sơ"))  # pool started
    for child in psutil.Process().children():
        if "multiprocessing" in " ".join(child.cmdline()) and "spawn_main" in " ".join(
            child.cmdline()
        ):
            os.kill(child.pid, signal.SIGKILL)
            child.wait(timeout=10)
    with pytest.raises(ApplicationError, match="renderer stopped") as failed:
        await activities.issue_form(request(due_date="2027-01-12"))
    assert not failed.value.non_retryable
    retried = await activities.issue_form(request(due_date="2027-01-12"))  # a new pool
    assert store.verify(retried.sha256)
    assert sorted(row.kind for row in form_rows(sessions)) == ["receipt", "refusal"]
    assert form_rendering._pools  # the new pool serves the next forms


async def test_stopping_the_renderers_leaves_no_process_behind(
    sessions: SessionFactory, store: DocumentStore
) -> None:
    await FormActivities(sessions, store, processes=1).issue_form(request(due_date="2027-01-12"))
    form_rendering.stop_renderers()
    left = [p for p in psutil.Process().children() if "spawn_main" in " ".join(p.cmdline())]
    assert not form_rendering._pools and not left
