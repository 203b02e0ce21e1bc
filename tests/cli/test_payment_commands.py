"""`hoso payments` as an operator's CLI host uses it: the refunds owed listed, one recorded once,
the refused IPNs listed. Through the API, signed with the operator's token."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlmodel import Session
from typer.testing import CliRunner

from activities.database import make_engine
from config import Settings, get_settings
from models.payment_records import PaymentRecord
from starter import app
from tests.cli.api_server import operator_host  # noqa: F401 - the fixture


def hoso(runner: CliRunner, *args: str):  # type: ignore[no-untyped-def]
    get_settings.cache_clear()
    try:
        return runner.invoke(app, list(args), catch_exceptions=False)
    finally:
        get_settings.cache_clear()


def test_an_operator_records_a_refund_owed_once_from_the_cli(
    runner: CliRunner,
    operator_host: Settings,  # noqa: F811
) -> None:
    # a fee paid online for a dossier that ended before the IPN came: the IPN handler's row
    with Session(make_engine(operator_host.resolved_database_url)) as session:
        session.add(
            PaymentRecord(
                reference="ubnd-xa-261208-0001-0a1b2c3d",
                dossier_code="ubnd-xa-261208-0001",
                procedure_code="2.000635",
                agency="ubnd-xa",
                amount=8000,
                status="paid",
                created_at=datetime.now(UTC),
                transaction_number="14000001",
                paid_at=datetime.now(UTC),
                refund_owed=True,
            )
        )
        session.commit()
    owed = hoso(runner, "payments", "list", "--refund-owed", "--json")
    assert owed.exit_code == 0, owed.output
    [row] = json.loads(owed.output)
    assert (row["reference"], row["refund_owed"]) == ("ubnd-xa-261208-0001-0a1b2c3d", True)
    assert hoso(runner, "payments", "list").exit_code == 0  # as a table
    made = hoso(
        runner, "payments", "refund", "ubnd-xa-261208-0001-0a1b2c3d", "--note", "Chuyển khoản"
    )
    assert made.exit_code == 0, made.output
    assert "refund of 8.000 đồng for dossier ubnd-xa-261208-0001 recorded" in made.output
    again = hoso(runner, "payments", "refund", "ubnd-xa-261208-0001-0a1b2c3d", "--note", "x")
    assert again.exit_code == 1 and "recorded by ops.operator" in again.output
    listed = hoso(runner, "payments", "list", "--json")
    [row] = json.loads(listed.output)
    assert (row["refund_made_by"], row["refund_problem"]) == ("ops.operator", None), "signed"
    with Session(make_engine(operator_host.resolved_database_url)) as session:
        record = session.get(PaymentRecord, "ubnd-xa-261208-0001-0a1b2c3d")
        assert record is not None and record.refund_statement is not None
        assert record.refund_statement["proof"]["update"] == "refund"
        record.refund_made_by = "someone.else"  # written into the database by another hand
        session.add(record)
        session.commit()
    [row] = json.loads(hoso(runner, "payments", "list", "--json").output)
    assert row["refund_problem"] == "the row says otherwise than the signed statement"
    assert hoso(runner, "payments", "list").exit_code == 0  # the table says it too
    assert "no gateway answer refused" in hoso(runner, "payments", "refusals").output
