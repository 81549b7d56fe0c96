"""YAML loading that remembers where each key and value came from.

PyYAML's safe loader drops positions; composing the node graph first keeps them, so that a bad
value in govsoc.yaml or inventory.yaml can be reported as "govsoc.yaml:12:5 store.backend: ...".

A hostile file cannot exhaust the process (review r16f, HIGH 5): only a regular file of at most
MAX_YAML_FILE bytes is read (core.regular_file: not a FIFO, not /dev/zero); before anything is
composed, the event stream (PyYAML's parser is a loop, its composer recurses) is measured: nesting
deeper than MAX_DEPTH is refused (the composer, the walk below and pydantic recurse per level: a
RecursionError otherwise), and so is a document whose aliases expand it beyond MAX_NODES nodes
(the "billion laughs": nine anchors of ten aliases each are 10^9 nodes to the walk and the
validation, a few hundred bytes in the file) or an alias inside the collection it names (a
recursive document). Aliases within the bound stay allowed. PyYAML has no limit of its own
(ruamel.yaml neither); counting events is what needs no recursion and no expansion.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from govsoc.core.errors import ConfigError, Location
from govsoc.core.regular_file import read_regular_file

#: Larger than any configuration or inventory a city writes (the demo's is about 100 KB).
MAX_YAML_FILE = 8 << 20
#: Nesting of collections (the inventory needs 6).
MAX_DEPTH = 64
#: Nodes of a document with every alias expanded (ten times the largest inventory's).
MAX_NODES = 1_000_000

#: key path -> (line, column) of the key and (line, column) of its value, 1-based.
Positions = dict[tuple[str | int, ...], tuple[tuple[int, int], tuple[int, int]]]

#: The safe loader that builds the document, libyaml's when PyYAML was built with it: the same YAML
#: 1.1 safe schema, ten times faster (a 256-endpoint inventory took 0.6 s in pure Python, read
#: three times over); the bounds pass (_measure) runs first, on the pure-Python parser.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(path: Path) -> tuple[Any, Positions]:
    """The data of a YAML file and the 1-based (line, column) of every key path in it."""
    try:
        text = read_regular_file(path, MAX_YAML_FILE, "YAML file").decode("utf-8")
    except FileNotFoundError as e:
        raise ConfigError("no such file", location=Location(path=str(path))) from e
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise ConfigError(f"cannot read: {e}", location=Location(path=str(path))) from e
    try:
        _measure(text, path)
        node = yaml.compose(text, Loader=_LOADER)
        data = yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader (libyaml's when built)
    except yaml.YAMLError as e:
        raise ConfigError(f"invalid YAML: {yaml_problem(e)}", location=yaml_location(e, text, path)) from e
    positions: Positions = {}
    if node is not None:
        _walk(node, (), positions)
    return data, positions


def yaml_problem(error: yaml.YAMLError) -> str:
    """What PyYAML found wrong, without its multi-line context."""
    if isinstance(error, yaml.reader.ReaderError):
        return f"{error.reason} (U+{error.character:04X})" if isinstance(error.character, int) else error.reason
    if isinstance(error, yaml.MarkedYAMLError):
        return str(error.problem or error.context or type(error).__name__)
    return str(error).splitlines()[0] if str(error) else type(error).__name__


def yaml_location(error: yaml.YAMLError, text: str, path: Path) -> Location:
    """The 1-based line and column of a PyYAML error in ``text``: a MarkedYAMLError's problem mark,
    or a ReaderError's character offset (a C0/C1 control character the YAML 1.1 reader refuses
    before scanning, so it carries no mark). Lines there are counted at newlines, as editors do."""
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        if mark is not None:
            return Location(path=str(path), line=mark.line + 1, column=mark.column + 1)
    if isinstance(error, yaml.reader.ReaderError) and isinstance(error.position, int):
        before = text[:error.position]
        return Location(path=str(path), line=before.count("\n") + 1,
                        column=error.position - (before.rfind("\n") + 1) + 1)
    return Location(path=str(path))


def _measure(text: str, path: Path) -> None:
    """ConfigError at the place where the document, its aliases expanded, passes MAX_DEPTH or
    MAX_NODES, or where an alias names a collection it is inside; one pass over the parser's events,
    nothing expanded: each open collection keeps its expanded node count and the height of what it
    holds, each anchored node those it ended with."""
    open_: list[list[int]] = []  # [expanded nodes, height of the deepest child] of each open collection
    anchors: list[str | None] = []
    done: dict[str, tuple[int, int]] = {}  # anchor -> (expanded nodes, height) of the node it names

    def refuse(message: str, event: yaml.Event) -> ConfigError:
        mark = event.start_mark
        return ConfigError(message, location=Location(path=str(path), line=mark.line + 1 if mark else None,
                                                      column=mark.column + 1 if mark else None))

    # the pure-Python parser: libyaml stops at its own depth (1000) before this pass can name the place
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            open_.append([1, 0])
            anchors.append(event.anchor)
            if len(open_) > MAX_DEPTH:
                raise refuse(f"nested deeper than {MAX_DEPTH} levels: not a configuration", event)
            continue
        if isinstance(event, yaml.CollectionEndEvent):
            (size, inner), anchor = open_.pop(), anchors.pop()
            node = (size, inner + 1)
        elif isinstance(event, yaml.AliasEvent):
            if event.anchor in anchors:
                raise refuse(f"alias *{event.anchor} inside the collection it names (a recursive document)", event)
            node = done.get(str(event.anchor), (1, 0))
            anchor = None
        elif isinstance(event, yaml.ScalarEvent):
            node, anchor = (1, 0), event.anchor
        else:
            continue
        if anchor is not None:
            done[anchor] = node
        if not open_:
            continue
        open_[-1][0] += node[0]
        open_[-1][1] = max(open_[-1][1], node[1])
        if open_[-1][0] > MAX_NODES:
            raise refuse(f"aliases expand the document beyond {MAX_NODES} nodes (an alias bomb)", event)
        if len(open_) + node[1] > MAX_DEPTH:
            raise refuse(f"aliases nest the document deeper than {MAX_DEPTH} levels", event)


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


class LocatedValueError(ValueError):
    """A cross-field error that knows the key it concerns (pydantic places model errors at the model)."""

    def __init__(self, message: str, loc: tuple[str | int, ...]) -> None:
        super().__init__(message)
        self.loc = loc
