"""Officers' web accounts: the lock-out's back-off, a TOTP code accepted once, and the passwords
that are refused before anything is stored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest

from activities.database import create_schema, make_engine, session_factory
from config import Settings
from models.tables import OfficerAccountRecord, OfficerRecord
from support.officer_accounts import (
    AccountError,
    code_matches,
    count_failure,
    count_success,
    locked,
    set_password,
)


def account() -> OfficerAccountRecord:
    return OfficerAccountRecord(
        officer_id="a.b", password_hash="", password_set_at=datetime.now(UTC)
    )


def test_each_failure_past_the_limit_doubles_the_lock(settings: Settings) -> None:
    own = settings.model_copy(update={"web_lockout_attempts": 3, "web_lockout_seconds": 60})
    now = datetime.now(UTC)
    row = account()
    assert [count_failure(row, own, now) for _ in range(2)] == [False, False]
    assert locked(row, now) is None
    waits = []
    for _ in range(4):
        assert count_failure(row, own, now)
        until = locked(row, now)
        assert until is not None
        waits.append(until - now)
    assert waits == [timedelta(seconds=s) for s in (60, 120, 240, 480)]
    assert locked(row, now + waits[-1]) is None, "the lock ends by itself"
    for _ in range(30):
        count_failure(row, own, now)
    assert locked(row, now) == now + timedelta(days=1), "a day at most"
    count_success(row)
    assert locked(row, now) is None and row.failed_attempts == 0


def test_a_code_is_accepted_once_and_only_near_its_time() -> None:
    row = account()
    row.totp_secret = pyotp.random_base32()
    totp = pyotp.TOTP(row.totp_secret)
    now = datetime.now(UTC)
    assert not code_matches(row, totp.at(now - timedelta(minutes=2)), now), "too old"
    code = totp.at(now)
    assert code_matches(row, code, now)
    assert not code_matches(row, code, now), "used once"
    assert not code_matches(row, totp.at(now - timedelta(seconds=30)), now), "an older step"
    assert code_matches(row, totp.at(now + timedelta(seconds=30)), now), "the next step"
    assert not code_matches(row, "12345a", now)


@pytest.mark.parametrize(
    ("password", "reason"),
    [("short one", "12 to 256"), ("xa.reception-is-my-password", "officer id")],
)
def test_weak_passwords_are_refused_and_nothing_is_stored(
    settings: Settings, password: str, reason: str
) -> None:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.resolved_database_url)
    create_schema(engine)
    sessions = session_factory(engine)
    with sessions() as session:
        session.add(OfficerRecord(id="xa.reception", name="A", role="r", unit="u", agency="x"))
        session.commit()
    with pytest.raises(AccountError, match=reason):
        set_password(sessions, "xa.reception", password, now=datetime.now(UTC))
    with pytest.raises(AccountError, match="unknown officer"):
        set_password(sessions, "nobody", "a long enough phrase", now=datetime.now(UTC))
    with sessions() as session:
        assert session.get(OfficerAccountRecord, "xa.reception") is None
    engine.dispose()
