"""Catalogue files refused with one clear message naming the file, the item and the field.

Safe YAML reading shared by the procedure, officers, calendar and dossier files, and the wording of
validation errors: a stage or officer by its id (by position without one), then the field. What a
file says is echoed only through `shown`, so a hostile value can neither flood nor repaint the
terminal it is printed on.
"""

from __future__ import annotations

import stat
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from models.officer import OfficerRoster
from models.procedure import ChainError, Procedure, StageKind, one_line

MAX_FILE_BYTES = 1024 * 1024
MAX_DEPTH = 20
MAX_PROBLEMS = 20
STAGE_KINDS = tuple(kind.value for kind in StageKind)


def shown(value: object, limit: int = 60) -> str:
    """`value` as text safe to print in a message: control, invisible and bidirectional
    characters escaped, cut to `limit` characters."""
    text = value if isinstance(value, str) else repr(value)
    cut = len(text) > limit
    text = "".join(
        char
        if unicodedata.category(char)[0] != "C" and char not in "\u2028\u2029"
        else ascii(char)[1:-1]
        for char in text[:limit]
    )
    return text + "…" if cut else text


class _Loader(yaml.SafeLoader):
    """SafeLoader leaving dates as text (pydantic then parses them and names the field), refusing
    duplicate keys (the last one would silently win) and aliases (`*name`: a few lines that expand
    into millions of nodes)."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed", mark)
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if isinstance(node, yaml.MappingNode):
            self.flatten_mapping(node)
            seen: set[Any] = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                try:
                    duplicate = key in seen
                except TypeError:
                    raise yaml.constructor.ConstructorError(
                        None, None, "a key must be a plain value", key_node.start_mark
                    ) from None
                if duplicate:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key '{shown(key)}'", key_node.start_mark
                    )
                seen.add(key)
        return super().construct_mapping(node, deep)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class IntakeError(ValueError):
    """A submission refused at the edge; the message names the file and the field."""


class CatalogueError(ValueError):
    """A catalogue file or publication refused; one line per problem, each naming where it is."""

    def __init__(self, problems: str | Sequence[str]) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


def read_yaml_mapping(path: Path) -> dict[str, Any]:
    """The top-level mapping of a YAML (or JSON) file, read safely; else a CatalogueError naming
    the file: not a regular file, over 1 MB, not UTF-8, malformed, duplicate keys, aliases, nested
    deeper than MAX_DEPTH, or not a mapping."""
    name = shown(str(path), 1000)
    data = _parse_yaml(_read_text(path, name), name)
    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {type(data).__name__}"
        raise CatalogueError(f"{name}: the top level must be a mapping of fields, not {kind}")
    if _depth(data) > MAX_DEPTH:
        raise CatalogueError(f"{name}: nested more than {MAX_DEPTH} levels deep")
    return data


def _read_text(path: Path, name: str) -> str:
    """The file's text, if it is a regular UTF-8 file of at most MAX_FILE_BYTES."""
    try:
        info = path.stat()
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else str(exc)
        raise CatalogueError(f"{name}: cannot read the file ({reason})") from None
    if not stat.S_ISREG(info.st_mode):
        raise CatalogueError(f"{name}: not a regular file")
    if info.st_size > MAX_FILE_BYTES:
        raise CatalogueError(f"{name}: the file is {info.st_size} bytes, over the limit of 1 MB")
    try:
        return path.read_bytes()[: MAX_FILE_BYTES + 1].decode("utf-8")
    except UnicodeDecodeError:
        raise CatalogueError(f"{name}: the file is not UTF-8 text") from None
    except OSError as exc:
        raise CatalogueError(f"{name}: cannot read the file ({exc.strerror})") from None


def _parse_yaml(text: str, name: str) -> Any:
    """`text` parsed by the safe loader; each kind of YAML error said with where it is."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = " ".join(str(exc.problem or exc.context or "malformed").split())
        raise CatalogueError(f"{name}: invalid YAML{where}: {shown(problem, 120)}") from None
    except yaml.reader.ReaderError as exc:
        raise CatalogueError(
            f"{name}: invalid YAML at character {exc.position + 1}: "
            f"unacceptable character #x{exc.character:04x}"
            if isinstance(exc.character, int)
            else f"{name}: invalid YAML at byte {exc.position + 1}: not UTF-8"
        ) from None
    except RecursionError:
        raise CatalogueError(f"{name}: invalid YAML: nested too deeply") from None
    except (yaml.YAMLError, ValueError, OverflowError) as exc:
        problem = " ".join(str(exc).split())
        raise CatalogueError(f"{name}: invalid YAML: {shown(problem, 120)}") from None


def _depth(data: Any) -> int:
    """How deep lists and mappings nest in `data` (stops counting past MAX_DEPTH)."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = [*item.keys(), *item.values()]
        elif isinstance(item, list | tuple | set):
            children = list(item)
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            break
        stack += [(child, depth + 1) for child in children]
    return deepest


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
    if len(lines) > MAX_PROBLEMS:
        lines[MAX_PROBLEMS:] = [f"{source}: … and {len(lines) - MAX_PROBLEMS} more problems"]
    return lines


def validate_procedure(data: dict[str, Any], path: Path) -> Procedure:
    """The procedure of a file's mapping; CatalogueError naming file, stage and field."""
    try:
        procedure = Procedure.model_validate(data)
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
    if procedure.fee > 0 and procedure.fee_payment is None:
        raise CatalogueError(
            [
                f"{path}: field 'fee_payment': missing: a fee of {procedure.fee} đồng says how it"
                " is paid (none, before_reception or before_delivery)"
            ]
        )
    unnamed = [stage.id for stage in procedure.chain if stage.name is None]
    if unnamed:  # optional in the model: procedures published before names still load
        raise CatalogueError(
            [
                f"{path}: stage '{stage}', field 'name': missing: the stage's name as the"
                " applicant reads it (e.g. Tiếp nhận hồ sơ)"
                for stage in unnamed
            ]
        )
    return procedure


def _chain_error(exc: ValidationError) -> ChainError | None:
    for error in exc.errors():
        cause = error.get("ctx", {}).get("error")
        if isinstance(cause, ChainError):
            return cause
    return None


def _procedure_wording(error: Any) -> tuple[str, str] | None:
    expected = ", ".join(STAGE_KINDS)
    if error["loc"] == ("code",) and isinstance(error.get("input"), int | float):
        return "code", f'write the code in quotes, e.g. "1.010733" (got {shown(error["input"])})'
    if error["type"] == "union_tag_invalid":
        return "kind", f"unknown stage kind '{shown(error['ctx']['tag'])}' (expected {expected})"
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
    problems, officers = [], []
    for officer in roster.officers:
        if officer.id in seen:
            raise CatalogueError(
                f"{path}: officer '{officer.id}', field 'id': duplicate officer id"
            )
        seen.add(officer.id)
        try:  # the model is shared with other layers; its name is checked as text from outside
            officers.append(officer.model_copy(update={"name": one_line(officer.name)}))
        except ValueError as exc:
            problems.append(f"{path}: officer '{officer.id}', field 'name': {exc}")
    if problems:
        raise CatalogueError(problems)
    return roster.model_copy(update={"officers": officers})


def _item(word: str, values: Any, position: int) -> str:
    item = values[position] if isinstance(values, list) and position < len(values) else None
    if isinstance(item, dict) and isinstance(item.get("id"), str) and item["id"]:
        return f"{word} '{shown(item['id'])}'"
    return f"{word} #{position + 1}"


def _path(loc: list[Any]) -> str:
    text = ""
    for part in loc:
        name = shown(part, 40)
        text += f"[{part}]" if isinstance(part, int) else (f".{name}" if text else name)
    return text


def _message(error: Any) -> str:
    kind = error["type"]
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "string_pattern_mismatch":
        return f"{shown(repr(error['input']))} is not valid (expected {error['ctx']['pattern']})"
    message = str(error["msg"])
    message = message.removeprefix("Value error, ")
    raw = error.get("input")
    if isinstance(raw, str | int | float | bool) and kind not in {"value_error", "assertion_error"}:
        message += f" (got {shown(repr(raw))})"
    return message
