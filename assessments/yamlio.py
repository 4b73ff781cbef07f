"""Read YAML files into dicts and lists that remember the line of every key and element.

The loader is a safe loader with two deliberate departures from YAML 1.1, because both bite
instrument authors silently: only `true`/`false` are booleans (so an option coded `yes`, `no`,
`on` or `off` stays a string), and decimal literals become `Decimal`, never `float`.
Dates are not converted either: a version `2024-05-01` stays a string. Duplicate keys are reported.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_BOOL = "tag:yaml.org,2002:bool"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MERGE = "tag:yaml.org,2002:merge"


class LocatedDict(dict[Any, Any]):
    """A mapping from a YAML file; `line` is where it starts, `key_lines[key]` where a key is."""

    line: int = 0
    key_lines: dict[Any, int]

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line) if hasattr(self, "key_lines") else self.line


class LocatedList(list[Any]):
    """A sequence from a YAML file; `line` is where it starts, `item_lines[i]` where item i is."""

    line: int = 0
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        lines = getattr(self, "item_lines", [])
        return lines[index] if 0 <= index < len(lines) else self.line


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    duplicate_keys: list[tuple[str, int]]


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in (_BOOL, _TIMESTAMP)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LocatedDict:
    seen: set[str] = set()
    for key_node, _ in node.value:
        if key_node.tag != _MERGE and isinstance(key_node, yaml.ScalarNode):
            if key_node.value in seen:
                loader.duplicate_keys.append((key_node.value, key_node.start_mark.line + 1))
            seen.add(key_node.value)
    loader.flatten_mapping(node)
    data = LocatedDict()
    data.line = node.start_mark.line + 1
    data.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, (list, dict)):
            key = str(key)
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_lines[key] = key_node.start_mark.line + 1
    return data


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LocatedList:
    data = LocatedList(loader.construct_object(child, deep=True) for child in node.value)
    data.line = node.start_mark.line + 1
    data.item_lines = [child.start_mark.line + 1 for child in node.value]
    return data


def _construct_decimal(loader: _Loader, node: yaml.ScalarNode) -> Decimal | str:
    text = str(node.value).replace("_", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return str(node.value)
    return number if number.is_finite() else str(node.value)


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)
_Loader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)


def parse_yaml(text: str, file: str) -> tuple[Any, list[Problem]]:
    """Parse YAML text; return the data (None if unreadable) and the problems found."""
    loader = _Loader(text)
    loader.duplicate_keys = []
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        reason = error.problem or error.context or "malformed YAML"
        return None, [Problem(f"YAML syntax error: {reason}", file=file, line=line)]
    except yaml.YAMLError as error:
        return None, [Problem(f"YAML error: {error}", file=file)]
    finally:
        loader.dispose()
    problems = [
        Problem(f"duplicate key {key!r}; each key may appear once", file=file, line=line)
        for key, line in loader.duplicate_keys
    ]
    return data, problems


def load_yaml(path: str | Path) -> tuple[Any, list[Problem]]:
    """Read and parse a YAML file; a missing or undecodable file is a problem, not an exception."""
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, [Problem("file not found", file=file)]
    except UnicodeDecodeError as error:
        return None, [Problem(f"file is not valid UTF-8 ({error.reason})", file=file)]
    except OSError as error:
        return None, [Problem(f"cannot read file: {error.strerror}", file=file)]
    return parse_yaml(text, file)
