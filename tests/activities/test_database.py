"""The default database is a SQLite file that several processes can share."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from activities.database import create_schema, make_engine, session_factory
from models.tables import OfficerRecord


def test_sqlite_file_gets_its_folder_wal_and_a_busy_timeout(tmp_path: Path) -> None:
    path = tmp_path / "not" / "yet" / "there" / "hoso.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            pragma = {
                name: connection.execute(text(f"PRAGMA {name}")).scalar()
                for name in ("journal_mode", "busy_timeout", "foreign_keys")
            }
        assert path.is_file()
        assert pragma == {"journal_mode": "wal", "busy_timeout": 30000, "foreign_keys": 1}
    finally:
        engine.dispose()


def test_sessions_share_one_schema_and_rows_stay_readable_after_commit(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'hoso.db'}")
    try:
        create_schema(engine)
        create_schema(engine)  # every process runs it at start: a second time changes nothing
        sessions = session_factory(engine)
        officer = OfficerRecord(
            id="reception",
            name="Ngô Thị Hoa",
            role="reception_officer",
            unit="one-stop",
            agency="so-tnmt",
        )
        with sessions() as session:
            session.add(officer)
            session.commit()
        assert officer.unit == "one-stop"  # not expired by the commit
        with sessions() as session:
            assert session.get(OfficerRecord, "reception") is not None
    finally:
        engine.dispose()
