"""hoso's custom search attributes: what `hoso list` filters on through Temporal visibility."""

from __future__ import annotations

from temporalio.common import SearchAttributeKey

STATUS = SearchAttributeKey.for_keyword("HosoStatus")
PROCEDURE = SearchAttributeKey.for_keyword("HosoProcedure")
AGENCY = SearchAttributeKey.for_keyword("HosoAgency")
STAGE = SearchAttributeKey.for_keyword("HosoStage")
UNIT = SearchAttributeKey.for_keyword("HosoUnit")
DUE = SearchAttributeKey.for_datetime("HosoDueDate")

ALL = (STATUS, PROCEDURE, AGENCY, STAGE, UNIT, DUE)
