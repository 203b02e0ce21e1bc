"""The migrations build exactly the models' schema, on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect
from sqlmodel import Session, SQLModel

from activities.database import create_schema, make_engine
from migrations import apply
from models.tables import OfficerRecord


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def schema_differences(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, SQLModel.metadata))


def test_upgrading_an_empty_database_gives_exactly_the_models_schema(engine: Engine) -> None:
    apply.upgrade(engine)

    assert schema_differences(engine) == []
    assert apply.current(engine) == apply.head_revisions()


def test_upgrade_is_a_no_op_on_a_current_database_and_keeps_its_rows(engine: Engine) -> None:
    create_schema(engine)
    with Session(engine) as session:
        session.add(OfficerRecord(id="a", name="A", role="specialist", unit="u", agency="x"))
        session.commit()

    create_schema(engine)

    with Session(engine) as session:
        assert session.get(OfficerRecord, "a") is not None


def test_workers_starting_together_migrate_the_database_once(engine: Engine) -> None:
    errors: list[BaseException] = []

    def start() -> None:
        try:
            create_schema(engine)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    assert schema_differences(engine) == []


def test_a_database_made_before_migrations_is_refused_with_the_way_out(engine: Engine) -> None:
    SQLModel.metadata.create_all(engine)

    with pytest.raises(apply.SchemaError, match="hoso db stamp head"):
        apply.upgrade(engine)

    apply.stamp(engine, "head")
    apply.upgrade(engine)
    assert apply.current(engine) == apply.head_revisions()
    assert "alembic_version" in inspect(engine).get_table_names()
