"""hoso's custom search attributes: what `hoso list` filters on through Temporal visibility."""

from __future__ import annotations

from temporalio.common import SearchAttributeKey

STATUS = SearchAttributeKey.for_keyword("HosoStatus")
PROCEDURE = SearchAttributeKey.for_keyword("HosoProcedure")
AGENCY = SearchAttributeKey.for_keyword("HosoAgency")
STAGE = SearchAttributeKey.for_keyword("HosoStage")
UNIT = SearchAttributeKey.for_keyword("HosoUnit")
DUE = SearchAttributeKey.for_datetime("HosoDueDate")
STAGE_DUE = SearchAttributeKey.for_datetime("HosoStageDue")
OVERDUE = SearchAttributeKey.for_bool("HosoOverdue")
AT_RISK = SearchAttributeKey.for_bool("HosoAtRisk")
ROLE = SearchAttributeKey.for_keyword("HosoRole")
RECEIVED = SearchAttributeKey.for_datetime("HosoReceived")
VOTERS = SearchAttributeKey.for_keyword_list("HosoVoters")  # council members yet to vote

ALL = (
    STATUS, PROCEDURE, AGENCY, STAGE, UNIT, DUE, STAGE_DUE, OVERDUE, AT_RISK, ROLE, RECEIVED,
    VOTERS,
)  # fmt: skip
