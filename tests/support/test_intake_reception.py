"""A dossier file says how it was received: online (a portal), at the counter with the officer
who received it, or by post; the submission and the dossier carry it."""

from __future__ import annotations

from typing import Any

import pytest

from models.dossier import Receiver, ReceptionChannel
from support.intake import check_submission
from tests.support.test_intake import Intake, intake, refused  # noqa: F401

COUNTER: dict[str, Any] = {"received_via": "counter", "received_by": "tn.reception"}


def test_a_counter_dossier_carries_the_officer_who_received_it(intake: Intake) -> None:  # noqa: F811
    path = intake.write(intake.dossier(**COUNTER))
    checked = check_submission(path, settings=intake.settings, sessions=intake.sessions)
    assert checked.draft.received_via == ReceptionChannel.counter
    assert checked.draft.received_by == Receiver(id="tn.reception", name="Lan")

    posted = intake.write(intake.dossier(received_via="post"), "posted.yaml")
    checked = check_submission(posted, settings=intake.settings, sessions=intake.sessions)
    assert (checked.draft.received_via, checked.draft.received_by) == ("post", None)
    online = check_submission(
        intake.write(intake.dossier(), "online.yaml"),
        settings=intake.settings,
        sessions=intake.sessions,
    )
    assert (online.draft.received_via, online.draft.received_by) == ("online", None)


def test_the_cli_options_stand_for_the_files_channel(intake: Intake) -> None:  # noqa: F811
    path = intake.write(intake.dossier())
    checked = check_submission(
        path,
        settings=intake.settings,
        sessions=intake.sessions,
        received_via=ReceptionChannel.counter,
        received_by="tn.reception",
    )
    assert checked.draft.received_by is not None and checked.draft.received_by.id == "tn.reception"


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"received_via": "counter"},
            "received_by: a dossier received at the counter names the officer of one-stop"
            " (so-tnmt) who received it",
        ),
        (
            {"received_via": "counter", "received_by": "tn.specialist"},
            "received_by: officer tn.specialist (environment-office, so-tnmt) is not of the"
            " one-stop unit one-stop of so-tnmt, which receives procedure 9.000001",
        ),
        (
            {"received_via": "counter", "received_by": "nobody"},
            "received_by: unknown officer nobody",
        ),
        (
            {"received_by": "tn.reception"},
            "received_by: only a dossier received at the counter names the officer who received"
            " it (this one is received_via 'online')",
        ),
        ({"received_via": "fax"}, "received_via: Input should be 'online', 'counter' or 'post'"),
    ],
)
async def test_a_wrong_reception_is_refused_and_nothing_is_stored(
    intake: Intake,  # noqa: F811
    fields: dict[str, Any],
    expected: str,
) -> None:
    assert expected in await refused(intake, intake.dossier(**fields))
