"""Reading docker-compose.yml as Compose does: YAML, then `${VAR}` interpolation."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)")


class MissingVariable(LookupError):
    """A `${VAR:?message}` whose variable is unset or empty."""


def load() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    return data


def variables(text: str) -> set[str]:
    """Every variable the text names, nested defaults included."""
    return set(VARIABLE.findall(text))


def interpolate(value: str, env: Mapping[str, str]) -> str:
    """Compose's interpolation: `$$`, `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
    `${VAR:?error}`, `${VAR?error}`, with nested expressions in defaults."""
    out: list[str] = []
    i = 0
    while i < len(value):
        if value.startswith("$$", i):
            out.append("$")
            i += 2
        elif value.startswith("${", i):
            end = _closing_brace(value, i + 2)
            out.append(_expand(value[i + 2 : end], env))
            i = end + 1
        elif value[i] == "$" and (m := re.match(r"[A-Za-z_][A-Za-z0-9_]*", value[i + 1 :])):
            out.append(env.get(m.group(0), ""))
            i += 1 + len(m.group(0))
        else:
            out.append(value[i])
            i += 1
    return "".join(out)


def resolve(node: Any, env: Mapping[str, str]) -> Any:
    """The compose document with every string interpolated."""
    if isinstance(node, str):
        return interpolate(node, env)
    if isinstance(node, list):
        return [resolve(item, env) for item in node]
    if isinstance(node, dict):
        return {key: resolve(item, env) for key, item in node.items()}
    return node


def _closing_brace(text: str, start: int) -> int:
    depth = 1
    for i in range(start, len(text)):
        if text.startswith("${", i):
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return i
    raise ValueError(f"unclosed ${{ in {text!r}")


def _expand(expression: str, env: Mapping[str, str]) -> str:
    match = re.match(r"([A-Za-z_][A-Za-z0-9_]*)(:?[-?])?(.*)", expression, re.DOTALL)
    if match is None:
        raise ValueError(f"bad expression ${{{expression}}}")
    name, operator, rest = match.groups()
    value = env.get(name)
    unset = value is None or (operator is not None and operator.startswith(":") and value == "")
    if operator is None:
        return value or ""
    if operator.endswith("-"):
        return interpolate(rest, env) if unset else str(value)
    if unset:
        raise MissingVariable(f"{name}: {interpolate(rest, env)}")
    return str(value)
