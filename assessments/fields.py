"""Typed reading of YAML mappings that records every problem instead of stopping at the first."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from .errors import Problem
from .numbers import Number, as_number
from .yamlio import LocatedDict, LocatedList

CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_]*$")
VERSION_PATTERN = re.compile(r"^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$")
LANGUAGE_PATTERN = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?$")

Text = dict[str, str]


class Reporter:
    """Collects problems for one file; `languages` are the languages every text must have."""

    def __init__(self, file: str, languages: tuple[str, ...] = ()) -> None:
        self.file = file
        self.languages = languages
        self.problems: list[Problem] = []

    def add(
        self,
        message: str,
        *,
        item: str | None = None,
        field: str | None = None,
        line: int | None = None,
    ) -> None:
        self.problems.append(Problem(message, file=self.file, item=item, field=field, line=line))


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)) or as_number(value) is not None:
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


class Reader:
    """Reads one mapping; each accessor reports a located problem and returns None when invalid."""

    def __init__(
        self, reporter: Reporter, data: Any, field: str, *, item: str | None = None, line: int = 0
    ) -> None:
        self.reporter = reporter
        self.field = field
        self.item = item
        self.valid = isinstance(data, dict)
        self.data: dict[Any, Any] = data if isinstance(data, dict) else {}
        self.line = data.line if isinstance(data, LocatedDict) else line
        if not self.valid:
            self.report(f"expected a mapping, found {_kind(data)}")

    def path(self, key: str | None = None) -> str:
        if key is None:
            return self.field
        return f"{self.field}.{key}" if self.field else key

    def line_of(self, key: Any) -> int:
        data = self.data
        return data.line_of(key) if isinstance(data, LocatedDict) else self.line

    def report(self, message: str, key: str | None = None, *, line: int | None = None) -> None:
        where = line if line is not None else (self.line_of(key) if key is not None else self.line)
        self.reporter.add(message, item=self.item, field=self.path(key), line=where or None)

    def has(self, key: str) -> bool:
        return key in self.data and self.data[key] is not None

    def raw(self, key: str) -> Any:
        return self.data.get(key)

    def child(self, key: str, *, item: str | None = None) -> Reader:
        return Reader(
            self.reporter,
            self.data.get(key),
            self.path(key),
            item=item or self.item,
            line=self.line_of(key),
        )

    def each(
        self, key: str, *, required: bool = False, name: str = "", prefix: str = ""
    ) -> Iterator[Reader]:
        """A reader for every entry of the list under `key`; `name` is the field whose value
        names the entry in problems (e.g. an item's id), shown after `prefix`."""
        for index, raw, line in items_with_lines(self.sequence(key, required=required) or []):
            label = raw.get(name) if name and isinstance(raw, dict) else None
            item = f"{prefix}{label}" if isinstance(label, str) else None
            yield Reader(
                self.reporter,
                raw,
                f"{self.path(key)}[{index}]",
                item=item or (None if name else self.item),
                line=line,
            )

    def only(self, allowed: Iterable[str]) -> None:
        """Report keys that the format does not know (usually typos such as `reversed`)."""
        allowed_set = set(allowed)
        for key in self.data:
            if key not in allowed_set:
                known = ", ".join(sorted(allowed_set))
                self.report(f"unknown field {key!r}; known fields: {known}", str(key))

    def exactly_one(self, keys: Iterable[str]) -> str | None:
        present = [key for key in keys if key in self.data]
        if len(present) == 1:
            return present[0]
        names = " or ".join(f"'{key}'" for key in keys)
        if present:
            self.report(f"give only one of {names}, not {', '.join(present)}")
        else:
            self.report(f"one of {names} is required")
        return None

    def missing(self, key: str) -> None:
        self.report(f"'{key}' is required", key)

    def _given(self, key: str, required: bool) -> bool:
        """Whether `key` is present; if not and it is required, say so."""
        if key not in self.data and required:
            self.missing(key)
        return key in self.data

    def string(self, key: str, *, required: bool = True) -> str | None:
        value = self.data.get(key)
        if self._given(key, required) and (not isinstance(value, str) or not value.strip()):
            self.report(f"expected a non-empty string, found {_kind(value)}", key)
            return None
        return value

    def code(self, key: str, *, required: bool = True) -> str | None:
        value = self.data.get(key)
        if key in self.data and not isinstance(value, str):
            self.report(
                f"expected a code (quote it if it looks like a number), found {_kind(value)}", key
            )
            return None
        value = self.string(key, required=required)
        if value is not None and not CODE_PATTERN.match(value):
            self.report(f"{value!r} is not a valid code: use lower-case letters, digits and _", key)
            return None
        return value

    def codes(self, key: str, *, required: bool = True) -> list[str] | None:
        values = self.sequence(key, required=required)
        if values is None:
            return None
        result = []
        for index, value in enumerate(values):
            if not isinstance(value, str) or not CODE_PATTERN.match(value):
                line = _line(values, index)
                self.report(f"{value!r} is not a valid code", f"{key}[{index}]", line=line)
            else:
                result.append(value)
        if len(set(result)) != len(result):
            self.report("the list repeats a code", key)
        return result

    def number(self, key: str, *, required: bool = True) -> Number | None:
        if not self._given(key, required):
            return None
        value = as_number(self.data[key])
        if value is None:
            self.report(f"expected a finite number, found {_kind(self.data[key])}", key)
        return value

    def integer(self, key: str, *, minimum: int = 0, default: int | None = None) -> int | None:
        value = self.data.get(key)
        if not self._given(key, default is None):
            return default
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.report(f"expected a whole number >= {minimum}, found {value!r}", key)
            return default
        return value

    def boolean(self, key: str, *, default: bool = False) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            self.report(f"expected true or false, found {value!r}", key)
            return default
        return value

    def choice(self, key: str, allowed: Iterable[str], *, default: str | None = None) -> str | None:
        allowed, value = tuple(allowed), self.data.get(key)
        if not self._given(key, default is None):
            return default
        if value not in allowed:
            self.report(f"{value!r} is not one of: {', '.join(allowed)}", key)
            return default
        return str(value)

    def sequence(self, key: str, *, required: bool = True) -> list[Any] | None:
        value = self.data.get(key)
        if self._given(key, required) and not isinstance(value, list):
            self.report(f"expected a list, found {_kind(value)}", key)
            return None
        return value

    def text(self, key: str, *, required: bool = True) -> Text | None:
        """A human-readable text: a mapping language -> string with every declared language."""
        if not self._given(key, required):
            return None
        return read_text(
            self.reporter, self.data[key], self.path(key), item=self.item, line=self.line_of(key)
        )

    def texts(self, key: str) -> tuple[Text, ...]:
        values = self.sequence(key, required=False) or []
        texts = []
        for index, value in enumerate(values):
            text = read_text(
                self.reporter,
                value,
                f"{self.path(key)}[{index}]",
                item=self.item,
                line=_line(values, index),
            )
            if text is not None:
                texts.append(text)
        return tuple(texts)


def read_text(
    reporter: Reporter, value: Any, field: str, *, item: str | None, line: int
) -> Text | None:
    if not isinstance(value, dict):
        reporter.add(
            f"expected translations (language: text), found {_kind(value)}",
            item=item,
            field=field,
            line=line,
        )
        return None
    result: Text = {}
    ok = True
    for language in reporter.languages:
        entry = value.get(language)
        if not isinstance(entry, str) or not entry.strip():
            reporter.add(
                f"missing translation for language {language!r}",
                item=item,
                field=f"{field}.{language}",
                line=line,
            )
            ok = False
        else:
            result[language] = entry.strip()
    for language in value:
        if language not in reporter.languages:
            hint = f"translation for undeclared language {language!r}; declare it in 'languages'"
            keys = list(value)
            before = keys[keys.index(language) - 1] if keys.index(language) else None
            if value[language] is None and before is not None:
                # `{pl: a, b, en: c}` reads `b` as a key: an unquoted comma cut the text.
                hint = (
                    f"{language!r} looks like the rest of a text cut at an unquoted comma; "
                    f'quote this text: {before}: "{value[before]}, {language}"'
                )
            reporter.add(
                hint,
                item=item,
                field=f"{field}.{language}",
                line=value.line_of(language) if isinstance(value, LocatedDict) else line,
            )
    return result if ok else None


def _line(values: list[Any], index: int) -> int:
    return values.line_of(index) if isinstance(values, LocatedList) else 0


def items_with_lines(values: list[Any]) -> Iterable[tuple[int, Any, int]]:
    for index, value in enumerate(values):
        yield index, value, _line(values, index)
