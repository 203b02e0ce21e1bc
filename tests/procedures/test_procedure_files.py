"""A bad procedure file is refused with one clear message naming the file, the stage and field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from models.procedure import FeePayment
from support.catalogue import CatalogueError, load_procedure

SAMPLES = Path(__file__).resolve().parents[2] / "procedures"


def refusal(path) -> str:
    with pytest.raises(CatalogueError) as caught:
        load_procedure(path)
    return str(caught.value)


def test_the_sample_file_is_valid():
    procedure = load_procedure(SAMPLES / "eia-appraisal.yaml")
    assert procedure.code == "1.010733"
    assert [stage.id for stage in procedure.chain] == [
        "reception", "specialist", "consult", "head", "decide",
    ]  # fmt: skip


def test_unknown_stage_kind(base, write):
    base["chain"][2]["kind"] = "vote"
    path = write(base)
    assert refusal(path) == (
        f"{path}: stage 'consult', field 'kind': unknown stage kind 'vote' "
        "(expected reception, review, consultation, council, decision)"
    )


def test_missing_stage_kind(base, write):
    del base["chain"][3]["kind"]
    path = write(base)
    assert refusal(path) == (
        f"{path}: stage 'head', field 'kind': required field is missing "
        "(expected reception, review, consultation, council, decision)"
    )


def test_missing_role(base, write):
    del base["chain"][1]["role"]
    path = write(base)
    assert refusal(path) == f"{path}: stage 'specialist', field 'role': required field is missing"


def test_missing_unit(base, write):
    del base["chain"][4]["unit"]
    path = write(base)
    assert refusal(path) == f"{path}: stage 'decide', field 'unit': required field is missing"


def test_a_stage_without_an_id_is_named_by_its_position(base, write):
    del base["chain"][3]["id"]
    path = write(base)
    assert refusal(path) == f"{path}: stage #4, field 'id': required field is missing"


def test_a_stage_without_a_budget(base, write):
    del base["chain"][2]["working_days"]
    path = write(base)
    assert refusal(path) == (
        f"{path}: stage 'consult', field 'working_days': required field is missing"
    )


def test_duplicate_stage_ids(base, write):
    base["chain"][3]["id"] = "specialist"
    path = write(base)
    assert refusal(path) == f"{path}: stage 'specialist', field 'id': duplicate stage id"


def test_return_to_a_later_stage(base, write):
    base["chain"][1]["return_to"] = "head"
    path = write(base)
    assert refusal(path) == (
        f"{path}: stage 'specialist', field 'return_to': return target 'head' is after it"
    )


def test_return_to_a_stage_not_in_the_chain(base, write):
    base["chain"][3]["return_to"] = "reviewer"
    path = write(base)
    assert refusal(path) == (
        f"{path}: stage 'head', field 'return_to': return target 'reviewer' is not in the chain"
    )


def test_budgets_over_the_statutory_limit(base, write):
    base["chain"][1]["working_days"] = 13
    path = write(base)
    assert refusal(path) == (
        f"{path}: stage 'decide', field 'working_days': stage budgets add up to 31 working days, "
        "over the statutory limit of 30 (passed here)"
    )


def test_every_mistake_of_a_chain_is_named_not_only_the_first(base, write):
    base["chain"][1]["working_days"] = 40
    base["chain"][3]["return_to"] = "decide"
    path = write(base)
    with pytest.raises(CatalogueError) as refused:
        load_procedure(path)
    assert refused.value.problems == [
        f"{path}: stage 'specialist', field 'working_days': stage budgets add up to 58 working "
        "days, over the statutory limit of 30 (passed here)",
        f"{path}: stage 'head', field 'return_to': return target 'decide' is after it",
    ]


def test_unknown_field_in_a_stage(base, write):
    base["chain"][2]["deadline"] = 7
    path = write(base)
    assert refusal(path) == f"{path}: stage 'consult', field 'deadline': unknown field"


def test_unknown_top_level_field(base, write):
    base["owner"] = "so-tnmt"
    path = write(base)
    assert refusal(path) == f"{path}: field 'owner': unknown field"


def test_bad_value_in_a_document(base, write):
    base["documents"][1]["formats"] = ["PDF"]
    path = write(base)
    assert refusal(path) == (
        f"{path}: document #2, field 'formats[0]': 'PDF' is not valid (expected ^[a-z0-9]{{1,8}}$)"
    )


def test_bad_on_timeout(base, write):
    base["chain"][2]["on_timeout"] = "wait"
    path = write(base)
    assert refusal(path) == (
        f"{path}: stage 'consult', field 'on_timeout': Input should be 'proceed' or 'escalate' "
        "(got 'wait')"
    )


def test_an_unquoted_code_gets_a_hint(base, write):
    path = write(base)
    path.write_text(path.read_text(encoding="utf-8").replace("'1.010733'", "1.010733"))
    assert refusal(path) == (
        f"{path}: field 'code': write the code in quotes, e.g. \"1.010733\" (got 1.010733)"
    )


def test_a_document_kind_declared_twice(base, write):
    base["documents"][2]["kind"] = "eia_report"
    path = write(base)
    assert refusal(path) == (
        f"{path}: field 'documents': document kind 'eia_report' is declared twice"
    )


def test_bad_yaml_names_the_line(write):
    path = write('code: "1.010733"\nname: x\nchain:\n  - {id: reception, kind: [reception}\n')
    assert refusal(path) == (
        f"{path}: invalid YAML at line 4, column 37: expected ',' or ']', but got '}}'"
    )


def test_top_level_must_be_a_mapping(write):
    path = write("- code: 1.010733\n- name: x\n")
    assert refusal(path) == f"{path}: the top level must be a mapping of fields, not a list"
    empty = write("# nothing yet\n", name="empty.yaml")
    assert refusal(empty) == f"{empty}: the top level must be a mapping of fields, not empty"


def test_files_over_one_megabyte_are_refused(write):
    path = write("#" * (1024 * 1024) + "\n")
    assert refusal(path) == f"{path}: the file is 1048577 bytes, over the limit of 1 MB"


def test_a_missing_file(tmp_path):
    path = tmp_path / "nowhere.yaml"
    assert refusal(path) == f"{path}: cannot read the file (No such file or directory)"


def test_the_council_sample_is_valid():
    procedure = load_procedure(SAMPLES / "eia-appraisal-council.yaml")
    council = procedure.stage("council")
    assert council.kind == "council"
    assert (council.min_members, council.expert_share, council.quorum) == (7, "1/3", "2/3")  # type: ignore[union-attr]


def council_stage(base: dict, **fields: object) -> dict:
    stage = {"id": "council", "kind": "council", "role": "division_head", "unit": "board"}
    base["chain"][3] = stage | {"working_days": 5, "min_members": 7} | fields
    return base


def test_a_council_without_its_size(base, write):
    council_stage(base)
    del base["chain"][3]["min_members"]
    path = write(base)
    assert refusal(path) == (
        f"{path}: stage 'council', field 'min_members': required field is missing"
    )


def test_a_council_quorum_of_half_or_less(base, write):
    path = write(council_stage(base, quorum="1/2"))
    assert refusal(path) == (
        f"{path}: stage 'council', field 'quorum': a council's quorum must be more than half"
    )


def test_a_share_over_one(base, write):
    path = write(council_stage(base, expert_share="4/3"))
    assert "stage 'council', field 'expert_share'" in refusal(path)
    assert "'4/3' is not a share between 0 and 1" in refusal(path)


def test_a_share_written_as_a_decimal(base, write):
    path = write(council_stage(base, expert_share=0.33))
    assert "stage 'council', field 'expert_share'" in refusal(path)


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"fee": 8000}, "field 'fee_payment': missing: a fee of 8000 đồng says how it is paid"),
        (
            {"fee": 0, "fee_payment": "before_reception", "payment_working_days": 3},
            "field 'fee_payment': a fee of 0 cannot require payment",
        ),
        (
            {"fee": 8000, "fee_payment": "before_delivery"},
            "field 'payment_working_days': missing: the working days the applicant has to pay",
        ),
        (
            {"fee": 8000, "fee_payment": "none", "payment_working_days": 3},
            "field 'payment_working_days': only a procedure whose fee is paid has a time",
        ),
        ({"fee": 8000, "fee_payment": "at_the_end"}, "fee_payment"),
    ],
)
def test_a_fee_says_how_it_is_paid(tmp_path: Path, changes: dict, problem: str) -> None:
    data = yaml.safe_load((SAMPLES / "civil-status-extract.yaml").read_text(encoding="utf-8"))
    data = {k: v for k, v in data.items() if k not in ("fee_payment", "payment_working_days")}
    path = tmp_path / "extract.yaml"
    path.write_text(yaml.safe_dump(data | changes, allow_unicode=True), "utf-8")
    with pytest.raises(CatalogueError) as raised:
        load_procedure(path)
    assert problem in str(raised.value) and str(path) in str(raised.value)


def test_the_bundled_fees_say_how_they_are_paid() -> None:
    for name in ("civil-status-extract.yaml", "construction-permit.yaml"):
        loaded = load_procedure(SAMPLES / name)
        assert loaded.fee > 0 and loaded.payment == FeePayment.before_delivery
        assert loaded.payment_working_days
