"""The result reaches its channel once: published online, posted, or kept at the counter."""

from __future__ import annotations

import pytest
from sqlmodel import select
from temporalio.exceptions import ApplicationError

from activities.database import SessionFactory
from activities.delivery import DeliveryActivities, tracking_number
from models.effects import ResultDelivery
from models.procedure import DeliveryChannel
from models.tables import DeliveryRecord
from tests.activities.conftest import APPLICANT, CODE

RESULT = "b" * 64


def delivery(channel: DeliveryChannel, key: str = f"{CODE}:9:delivery") -> ResultDelivery:
    return ResultDelivery(
        key=key, dossier_code=CODE, channel=channel, form_sha256=RESULT, address=APPLICANT.address
    )


def handed_over(sessions: SessionFactory) -> list[DeliveryRecord]:
    with sessions() as session:
        return list(session.exec(select(DeliveryRecord)).all())


async def test_result_by_post_is_handed_over_once_with_one_tracking_number(
    sessions: SessionFactory,
) -> None:
    activities = DeliveryActivities(sessions)
    first = await activities.deliver_result(delivery(DeliveryChannel.post))
    again = await activities.deliver_result(delivery(DeliveryChannel.post))  # a retry

    assert first == again and first.needs_confirmation and first.channel == DeliveryChannel.post
    assert first.tracking == tracking_number(f"{CODE}:9:delivery")
    assert first.tracking is not None and first.tracking[:2] == first.tracking[-2:] == "VN"
    assert first.tracking[2:-2].isdigit() and len(first.tracking) == 13
    [row] = handed_over(sessions)
    assert (row.channel, row.form_sha256, row.tracking) == ("post", RESULT, first.tracking)


def test_tracking_numbers_differ_between_dossiers() -> None:
    assert tracking_number(f"{CODE}:9:delivery") != tracking_number(f"{CODE}:10:delivery")


async def test_result_published_online_needs_no_confirmation(sessions: SessionFactory) -> None:
    receipt = await DeliveryActivities(sessions).deliver_result(delivery(DeliveryChannel.online))
    assert not receipt.needs_confirmation and receipt.tracking is None
    [row] = handed_over(sessions)
    assert row.channel == "online" and row.form_sha256 == RESULT


async def test_result_kept_at_the_counter_waits_for_collection(sessions: SessionFactory) -> None:
    receipt = await DeliveryActivities(sessions).deliver_result(delivery(DeliveryChannel.counter))
    assert receipt.needs_confirmation and receipt.tracking is None
    assert [row.channel for row in handed_over(sessions)] == ["counter"]


async def test_post_without_an_address_fails_for_good(sessions: SessionFactory) -> None:
    no_address = delivery(DeliveryChannel.post).model_copy(update={"address": None})
    with pytest.raises(ApplicationError) as failure:
        await DeliveryActivities(sessions).deliver_result(no_address)
    assert failure.value.type == "MissingAddress" and failure.value.non_retryable
    assert handed_over(sessions) == []
