"""The applicant's SMS of a notice, through a real local gateway: short, with the code, once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlmodel import select
from temporalio.exceptions import ApplicationError

from activities.bookings import BookingActivities
from activities.database import SessionFactory
from activities.notify import LogChannel, NotificationActivities
from activities.sms import GSM7, GSM7_LIMIT, UCS2_LIMIT, SmsGateway, masked_phone, sms_text
from activities.sms_outbox import SmsNotices
from config import Settings, SettingsFolderError, get_settings
from models.booking import BookingReminder
from models.effects import Notification, Recipient
from models.tables import BookingRecord, NotificationRecord
from support.devserver import free_port
from support.sms_receiver import SmsInbox, SmsReceiver, development_gateway
from tests.activities.conftest import APPLICANT, CODE
from worker import sms_notices

TOKEN = "test-gateway-token"
SMS_TEMPLATES = Path(__file__).parents[2] / "activities" / "templates" / "sms"
APPLICANT_NOTICES = {
    "receipt_issued",
    "supplement_requested",
    "result_ready_at_counter",
    "result_ready_online",
    "result_posted",
    "dossier_refused",
    "booking_reminder",
    "payment_requested",
    "payment_received",
    "payment_expired",
}
LONGEST_CODE = "000.00.31.H26-270112-00001"  # a national-style code, longer than hoso's


@pytest.fixture
def receiver() -> Iterator[SmsReceiver]:
    with SmsReceiver(SmsInbox(token=TOKEN)) as running:
        yield running


def notifier(sessions: SessionFactory, url: str, token: str = TOKEN) -> NotificationActivities:
    gateway = SmsGateway(url, SecretStr(token))
    return NotificationActivities(sessions, LogChannel(), SmsNotices(sessions, gateway))


def notice(template: str = "receipt_issued", code: str = CODE, **to: str) -> Notification:
    recipient = Recipient(
        audience="applicant", email=APPLICANT.email, phone=APPLICANT.phone
    ).model_copy(update=to)
    return Notification(
        key=f"{code}:3:{template}",
        dossier_code=code,
        template=template,
        recipient=recipient,
        context={
            "code": code,
            "procedure_name": "Cấp giấy phép môi trường cho cơ sở sản xuất " * 3,
            "due_date": "2027-01-12",
            "day": "2027-01-12",
            "start": "08:30",
            "tracking": "EB123456789VN",
            "missing": "Bản vẽ mặt bằng",
            "name": APPLICANT.name,
        },
    )


def rows(sessions: SessionFactory, channel: str) -> list[NotificationRecord]:
    with sessions() as session:
        query = select(NotificationRecord).where(NotificationRecord.channel == channel)
        return list(session.exec(query).all())


@pytest.mark.parametrize("template", sorted(APPLICANT_NOTICES))
def test_each_text_fits_its_parts_and_names_the_code_only(template: str) -> None:
    plain = sms_text(notice(template, LONGEST_CODE), unicode=False)
    marked = sms_text(notice(template, LONGEST_CODE), unicode=True)
    assert plain is not None and marked is not None
    assert LONGEST_CODE in plain and LONGEST_CODE in marked
    assert len(plain) <= GSM7_LIMIT and set(plain) <= GSM7 and not plain.endswith("...")
    assert len(marked) <= UCS2_LIMIT and not marked.endswith("...")
    assert set(marked) - GSM7  # diacritics kept
    for personal in (APPLICANT.name, APPLICANT.id_number, APPLICANT.phone, "môi trường"):
        assert personal not in plain + marked


def test_every_applicant_notice_and_only_those_have_a_text() -> None:
    assert {path.stem for path in SMS_TEMPLATES.glob("*.txt")} == APPLICANT_NOTICES
    assert sms_text(notice("dossier_overdue"), unicode=False) is None


def test_the_history_masks_the_phone() -> None:
    assert masked_phone("0987654378") == "09xx…xx78"


async def test_a_retry_after_the_gateway_took_it_sends_nothing_more(
    sessions: SessionFactory, receiver: SmsReceiver
) -> None:
    activities = notifier(sessions, receiver.url)
    await activities.send_notification(notice())
    await activities.send_notification(notice())  # Temporal retrying after a lost answer

    assert receiver.inbox.requests == 1
    [message] = receiver.inbox.messages
    assert message["to"] == "+84987654321" and CODE in message["text"]
    assert message["text"].startswith(f"Ho so {CODE} da duoc tiep nhan, hen tra ket qua ngay ")
    [sms] = rows(sessions, "sms")
    assert sms.sent_at is not None and sms.attempts == 1 and sms.key.endswith(":sms")
    [email] = rows(sessions, "log")
    assert email.sent_at is not None


async def test_a_gateway_down_twice_then_up_delivers_once_and_the_email_once(
    sessions: SessionFactory, receiver: SmsReceiver
) -> None:
    activities = notifier(sessions, receiver.url)
    receiver.inbox.fail_next = 2
    for _ in range(2):
        with pytest.raises(ApplicationError) as failed:
            await activities.send_notification(notice())
        assert failed.value.type == "SmsFailed" and not failed.value.non_retryable
    await activities.send_notification(notice())

    assert receiver.inbox.requests == 3 and len(receiver.inbox.messages) == 1
    [sms] = rows(sessions, "sms")
    assert sms.sent_at is not None and sms.attempts == 3
    assert sms.last_error == "gateway answered 503"  # the outage it went through
    [email] = rows(sessions, "log")
    assert email.attempts == 1  # sent at the first attempt, not again at the retries


async def test_a_wrong_token_or_no_gateway_is_retried_not_dropped(
    sessions: SessionFactory, receiver: SmsReceiver
) -> None:
    with pytest.raises(ApplicationError, match="gateway answered 401"):
        await notifier(sessions, receiver.url, token="wrong").send_notification(notice())
    with pytest.raises(ApplicationError, match="gateway unreachable"):
        unreachable = f"http://127.0.0.1:{free_port()}/messages"
        await notifier(sessions, unreachable).send_notification(notice())
    [sms] = rows(sessions, "sms")
    assert sms.sent_at is None and sms.attempts == 2
    await notifier(sessions, receiver.url).send_notification(notice())
    assert len(receiver.inbox.messages) == 1


async def test_no_text_to_officers_landlines_or_without_a_phone(
    sessions: SessionFactory, receiver: SmsReceiver
) -> None:
    activities = notifier(sessions, receiver.url)
    await activities.send_notification(notice(phone="02438251234"))
    officers = Recipient(audience="officers", role="specialist")
    await activities.send_notification(
        notice("supplement_requested").model_copy(update={"recipient": officers})
    )
    assert receiver.inbox.requests == 0 and rows(sessions, "sms") == []


async def test_a_booking_without_email_is_reminded_by_sms(
    sessions: SessionFactory, receiver: SmsReceiver
) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    slot = now + timedelta(days=1)
    with sessions() as session:
        session.add(
            BookingRecord(
                code="BK7Q2M",
                agency="ubnd-xa",
                unit="one-stop",
                counter="quay-1",
                procedure_code="2.000635",
                slot_start=slot,
                place=1,
                status="booked",
                name="Nguyễn Văn An",
                phone="0912345678",
                id_number="001099012345",
                email=None,
                created_at=now,
            )
        )
        session.commit()
    bookings = BookingActivities(sessions, notifier(sessions, receiver.url))
    reminder = BookingReminder(code="BK7Q2M", slot_start=slot, remind_at=now)
    assert await bookings.remind_booking(reminder) == "sent"
    [message] = receiver.inbox.messages
    assert message["to"] == "+84912345678"
    assert message["text"].startswith("Nhac lich hen BK7Q2M: ")
    assert "001099012345" not in message["text"] and len(message["text"]) <= GSM7_LIMIT


async def test_development_sends_to_a_local_gateway_that_logs_masked_messages(
    sessions: SessionFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOSO_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("HOSO_SMS_GATEWAY_URL", raising=False)
    settings = Settings(environment="development")
    with development_gateway(settings) as (local, log_file):
        assert local.sms_gateway_url and local.sms_gateway_url.startswith("http://127.0.0.1:")
        notices = sms_notices(local, sessions)
        assert notices is not None and log_file == tmp_path / "sms.jsonl"
        await NotificationActivities(sessions, LogChannel(), notices).send_notification(notice())
    [line] = log_file.read_text(encoding="utf-8").splitlines()
    logged = json.loads(line)
    assert logged["to"] == "09xx…xx21" and CODE in logged["text"]
    with development_gateway(settings.model_copy(update={"environment": "production"})) as (
        production,
        none,
    ):
        assert production.sms_gateway_url is None and none is None


def test_a_gateway_needs_its_token_and_the_token_no_env_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ValueError, match="HOSO_SMS_GATEWAY_TOKEN is not"):
        Settings(sms_gateway_url="https://sms.example.vn/messages")
    env_file = tmp_path / "hoso.env"
    env_file.write_text("HOSO_SMS_GATEWAY_TOKEN=leaked\n", encoding="utf-8")
    monkeypatch.setenv("HOSO_ENV_FILE", str(env_file))
    get_settings.cache_clear()
    with pytest.raises(SettingsFolderError, match="HOSO_SMS_GATEWAY_TOKEN"):
        get_settings()
    get_settings.cache_clear()


async def test_a_send_whose_record_was_lost_is_dropped_by_the_gateway_by_its_reference(
    sessions: SessionFactory, receiver: SmsReceiver
) -> None:
    activities = notifier(sessions, receiver.url)
    await activities.send_notification(notice())
    with sessions() as session:  # the worker died between the gateway's answer and the record
        [row] = [r for r in session.exec(select(NotificationRecord)).all() if r.channel == "sms"]
        row.sent_at = None
        session.add(row)
        session.commit()
    await activities.send_notification(notice())

    assert receiver.inbox.requests == 2 and len(receiver.inbox.messages) == 1  # 409: a repeat
    [sms] = rows(sessions, "sms")
    assert sms.sent_at is not None
