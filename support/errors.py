"""Catalogue files refused with one clear message naming the file, the item and the field.

Safe YAML reading shared by the procedure, officers and calendar files, and the wording of
validation errors: a stage or officer by its id (by position without one), then the field.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from models.officer import OfficerRoster
from models.procedure import ChainError, Procedure, StageKind

MAX_FILE_BYTES = 1024 * 1024
STAGE_KINDS = tuple(kind.value for kind in StageKind)


class _Loader(yaml.SafeLoader):
    """SafeLoader leaving dates as text: pydantic then parses them and names the field."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class CatalogueError(ValueError):
    """A catalogue file or publication refused; one line per problem, each naming where it is."""

    def __init__(self, problems: str | Sequence[str]) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


def read_yaml_mapping(path: Path) -> dict[str, Any]:
    """The top-level mapping of a YAML file, read safely; else a CatalogueError naming the file."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise CatalogueError(f"{path}: cannot read the file ({exc.strerror})") from None
    if size > MAX_FILE_BYTES:
        raise CatalogueError(f"{path}: the file is {size} bytes, over the limit of 1 MB")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise CatalogueError(f"{path}: the file is not UTF-8 text") from None
    except OSError as exc:
        raise CatalogueError(f"{path}: cannot read the file ({exc.strerror})") from None
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = exc.problem or exc.context or "malformed"
        raise CatalogueError(f"{path}: invalid YAML{where}: {problem}") from None
    except (yaml.YAMLError, ValueError) as exc:
        raise CatalogueError(f"{path}: invalid YAML: {exc}") from None
    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {type(data).__name__}"
        raise CatalogueError(f"{path}: the top level must be a mapping of fields, not {kind}")
    return data


def describe_errors(
    source: str,
    exc: ValidationError,
    data: dict[str, Any],
    items: dict[str, str],
    special: Callable[[Any], tuple[str, str] | None] | None = None,
    tags: frozenset[str] = frozenset(),
) -> list[str]:
    """One line per pydantic error: `source: <item 'id'>, field 'f': message`.

    `items` maps a top-level list field to the word for its elements (`chain` → `stage`), so an
    error inside a list names the element by its `id`, or by its position when it has none.
    `special(error)` may return (field, message) for errors a caller words itself; `tags` are the
    discriminator values a tagged union puts into an element's location (they are not fields).
    """
    lines: list[str] = []
    for error in exc.errors():
        loc = list(error["loc"])
        where: list[str] = []
        if len(loc) >= 2 and loc[0] in items and isinstance(loc[1], int):
            where.append(_item(items[str(loc[0])], data.get(str(loc[0])), loc[1]))
            loc = loc[2:]
            if loc and loc[0] in tags:
                loc = loc[1:]
        worded = special(error) if special else None
        if worded is not None:
            field, message = worded
        else:
            field, message = _path(loc), _message(error)
        if field:
            where.append(f"field '{field}'")
        line = f"{source}: {', '.join(where)}: {message}" if where else f"{source}: {message}"
        if line not in lines:
            lines.append(line)
    return lines


def validate_procedure(data: dict[str, Any], path: Path) -> Procedure:
    """The procedure of a file's mapping; CatalogueError naming file, stage and field."""
    try:
        return Procedure.model_validate(data)
    except ValidationError as exc:
        chain = _chain_error(exc)
        if chain is not None:
            lines = []
            for problem in (chain, *chain.more):
                where = "" if problem.stage == "-" else f"stage '{problem.stage}', "
                message = str(problem).partition(": ")[2]
                lines.append(f"{path}: {where}field '{problem.field}': {message}")
            raise CatalogueError(lines) from None
        items = {"chain": "stage", "documents": "document"}
        lines = describe_errors(
            str(path), exc, data, items, _procedure_wording, frozenset(STAGE_KINDS)
        )
        raise CatalogueError(lines) from None


def _chain_error(exc: ValidationError) -> ChainError | None:
    for error in exc.errors():
        cause = error.get("ctx", {}).get("error")
        if isinstance(cause, ChainError):
            return cause
    return None


def _procedure_wording(error: Any) -> tuple[str, str] | None:
    expected = ", ".join(STAGE_KINDS)
    if error["loc"] == ("code",) and isinstance(error.get("input"), int | float):
        return "code", f'write the code in quotes, e.g. "1.010733" (got {error["input"]!r})'
    if error["type"] == "union_tag_invalid":
        return "kind", f"unknown stage kind '{error['ctx']['tag']}' (expected {expected})"
    if error["type"] == "union_tag_not_found":
        return "kind", f"required field is missing (expected {expected})"
    return None


def validate_roster(data: dict[str, Any], path: Path) -> OfficerRoster:
    """The roster of an officers file's mapping; CatalogueError naming file, officer and field."""
    try:
        roster = OfficerRoster.model_validate(data)
    except ValidationError as exc:
        raise CatalogueError(
            describe_errors(str(path), exc, data, {"officers": "officer"})
        ) from None
    seen: set[str] = set()
    for officer in roster.officers:
        if officer.id in seen:
            raise CatalogueError(
                f"{path}: officer '{officer.id}', field 'id': duplicate officer id"
            )
        seen.add(officer.id)
    return roster


def _item(word: str, values: Any, position: int) -> str:
    item = values[position] if isinstance(values, list) and position < len(values) else None
    if isinstance(item, dict) and isinstance(item.get("id"), str) and item["id"]:
        return f"{word} '{item['id']}'"
    return f"{word} #{position + 1}"


def _path(loc: list[Any]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _message(error: Any) -> str:
    kind = error["type"]
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "string_pattern_mismatch":
        return f"{error['input']!r} is not valid (expected {error['ctx']['pattern']})"
    message = str(error["msg"])
    message = message.removeprefix("Value error, ")
    raw = error.get("input")
    if isinstance(raw, str | int | float | bool) and kind not in {"value_error", "assertion_error"}:
        message += f" (got {raw!r})"
    return message
