"""YAML loading that remembers where each key and value came from.

PyYAML's safe loader drops positions; composing the node graph first keeps them, so that a bad
value in govsoc.yaml or inventory.yaml can be reported as "govsoc.yaml:12:5 store.backend: ...".
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from govsoc.core.errors import ConfigError, Location

#: key path -> (line, column) of the key and (line, column) of its value, 1-based.
Positions = dict[tuple[str | int, ...], tuple[tuple[int, int], tuple[int, int]]]


def load_yaml(path: Path) -> tuple[Any, Positions]:
    """The data of a YAML file and the 1-based (line, column) of every key path in it."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as e:
        raise ConfigError("no such file", location=Location(path=str(path))) from e
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"cannot read: {e}", location=Location(path=str(path))) from e
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark
        raise ConfigError(
            f"invalid YAML: {e.problem}",
            location=Location(path=str(path), line=mark.line + 1 if mark else None,
                              column=mark.column + 1 if mark else None),
        ) from e
    positions: Positions = {}
    if node is not None:
        _walk(node, (), positions)
    return data, positions


def locate(path: Path, positions: Positions, key: tuple[str | int, ...], *, at_value: bool = True) -> Location:
    """The location of the longest prefix of ``key`` that the file has, named by ``key``:
    its value (a wrong value) or, with ``at_value=False``, the key itself (an unknown key)."""
    field = ".".join(str(k) for k in key)
    for end in range(len(key), -1, -1):
        if key[:end] in positions:
            key_at, value_at = positions[key[:end]]
            line, column = value_at if at_value and end == len(key) else key_at
            return Location(path=str(path), line=line, column=column, field=field or None)
    return Location(path=str(path), field=field or None)


def locate_validation_error(path: Path, positions: Positions, error: Mapping[str, Any]) -> Location:
    """The location of one pydantic error: the key for an unknown key, else the value."""
    return locate(path, positions, tuple(error["loc"]), at_value=error.get("type") != "extra_forbidden")


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _walk(node: yaml.Node, prefix: tuple[str | int, ...], out: Positions) -> None:
    out.setdefault(prefix, (_mark(node), _mark(node)))
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = prefix + (str(key_node.value),)
            out[key] = (_mark(key_node), _mark(value_node))
            _walk(value_node, key, out)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, prefix + (index,), out)
