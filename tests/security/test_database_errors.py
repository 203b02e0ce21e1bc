"""A database error never carries the personal data of the row it was writing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError

from activities.database import create_schema, make_engine, session_factory, unavailable
from config import Settings
from models.tables import NotificationRecord


def test_a_failed_write_names_the_problem_not_the_applicant(settings: Settings) -> None:
    engine = make_engine(settings.resolved_database_url)
    create_schema(engine)
    sessions = session_factory(engine)
    row = {
        "key": "so-tnmt-261129-0001:2:dossier_submitted",
        "dossier_code": "so-tnmt-261129-0001",
        "template": "dossier_submitted",
        "channel": "smtp",
        "recipient": "tran.thi.bich@example.vn",
        "subject": "Hồ sơ của Trần Thị Bích",
        "body": "CCCD 001190012345, điện thoại 0912345678",
        "created_at": datetime.now(UTC),
    }
    with sessions() as session:
        session.add(NotificationRecord(**row))
        session.commit()
    with pytest.raises(IntegrityError) as failed, sessions() as session:
        session.add(NotificationRecord(**row))  # the same key again
        session.commit()
    told = f"{failed.value} {unavailable(failed.value).message}"
    for private in ("tran.thi.bich", "Trần Thị Bích", "001190012345", "0912345678"):
        assert private not in told
    engine.dispose()
