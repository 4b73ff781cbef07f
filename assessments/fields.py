"""Typed reading of YAML mappings that records every problem instead of stopping at the first."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any

from .errors import Problem
from .numbers import Number, as_number
from .yamlio import LocatedDict

CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_]*$")
VERSION_PATTERN = re.compile(r"^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$")
LANGUAGE_PATTERN = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?$")

Text = dict[str, str]
#: How a value of the wrong type is named in a problem ("found a list"), checked in this order.
KINDS = (
    (type(None), "nothing"),
    (bool, "a boolean"),
    ((int, float, Decimal), "a number"),
    (str, "a string"),
    (list, "a list"),
    (dict, "a mapping"),
)


@dataclasses.dataclass
class Reporter:
    """Collects problems for one file; `languages` are the languages every text must have."""

    file: str
    languages: tuple[str, ...] = ()
    problems: list[Problem] = dataclasses.field(default_factory=list)

    def add(
        self,
        message: str,
        *,
        item: str | None = None,
        field: str | None = None,
        line: int | None = None,
    ) -> None:
        self.problems.append(Problem(message, self.file, item=item, field=field, line=line))


def _kind(value: Any) -> str:
    return next((name for kind, name in KINDS if isinstance(value, kind)), type(value).__name__)


def _line_of(data: Any, key: Any, default: int) -> int:
    """The line of a key of a mapping, or of an element of a list, read from a YAML file."""
    return data.line_of(key) if hasattr(data, "line_of") else default


class Field:
    """How one field of an entry is read: a Reader accessor (or any function of a reader and a
    key) and its options, as in `Field(Reader.code, required=False)`. `name` is the model's name
    for the field where it differs from the file's (an item's `min` is its `minimum`)."""

    def __init__(self, read: Callable[..., Any], name: str = "", **options: Any) -> None:
        self.read = read
        self.name = name
        self.options = options


def read_fields(
    reader: Reader, table: dict[str, Field], *, also: Iterable[str] = ()
) -> dict[str, Any]:
    """The values of the fields of `table`, in its order, by the model's names; fields that neither
    `table` nor `also` (the fields the caller reads itself) name are reported."""
    reader.only([*table, *also])
    return {
        field.name or key: field.read(reader, key, **field.options) for key, field in table.items()
    }


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

    def path(self, key: str) -> str:
        return f"{self.field}.{key}" if self.field else key

    def report(self, message: str, key: str | None = None, *, line: int | None = None) -> None:
        if line is None:
            line = self.line if key is None else _line_of(self.data, key, self.line)
        field = self.field if key is None else self.path(key)
        self.reporter.add(message, item=self.item, field=field, line=line or None)

    def has(self, key: str) -> bool:
        return self.data.get(key) is not None

    def raw(self, key: str) -> Any:
        return self.data.get(key)

    def child(self, key: str, *, item: str | None = None) -> Reader:
        line = _line_of(self.data, key, self.line)
        return Reader(
            self.reporter, self.data.get(key), self.path(key), item=item or self.item, line=line
        )

    def mapping(self, key: str) -> Reader:
        """A reader for the optional mapping under `key`: an empty one if there is none."""
        if self.has(key):
            return self.child(key)
        return Reader(self.reporter, {}, self.path(key), item=self.item, line=self.line)

    def each(
        self, key: str, *, required: bool = False, name: str = "", prefix: str = ""
    ) -> Iterator[Reader]:
        """A reader for every entry of the list under `key`; `name` is the field whose value
        names the entry in problems (e.g. an item's id), shown after `prefix`."""
        values = self.sequence(key, required=required) or []
        for index, raw in enumerate(values):
            label = raw.get(name) if name and isinstance(raw, dict) else None
            item = f"{prefix}{label}" if isinstance(label, str) else None
            field = f"{self.path(key)}[{index}]"
            line = _line_of(values, index, 0)
            yield Reader(
                self.reporter, raw, field, item=item or (None if name else self.item), line=line
            )

    def only(self, allowed: Iterable[str]) -> None:
        """Report keys that the format does not know (usually typos such as `reversed`)."""
        allowed = set(allowed)
        known = ", ".join(sorted(allowed))
        for key in self.data:
            if key not in allowed:
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

    def _expect(self, key: str, required: bool, value: Any, expected: str) -> Any:
        """`value`, the value under `key` if it is what is `expected`, else None; a value that is
        not is reported, as is a missing one that is required."""
        if self._given(key, required) and value is None:
            self.report(f"expected {expected}, found {_kind(self.data[key])}", key)
        return value

    def string(self, key: str, *, required: bool = True) -> str | None:
        value = self.data.get(key)
        text = value if isinstance(value, str) and value.strip() else None
        return self._expect(key, required, text, "a non-empty string")

    def code(self, key: str, *, required: bool = True) -> str | None:
        if not isinstance(self.data.get(key), str):
            expected = "a code (quote it if it looks like a number)"
            return self._expect(key, required, None, expected)
        value = self.string(key, required=required)
        if value is not None and not CODE_PATTERN.match(value):
            self.report(f"{value!r} is not a valid code: use lower-case letters, digits and _", key)
            return None
        return value

    def codes(self, key: str, *, required: bool = True) -> list[str] | None:
        values = self.sequence(key, required=required)
        if values is None:
            return None
        for index, value in enumerate(values):
            if not isinstance(value, str) or not CODE_PATTERN.match(value):
                line = _line_of(values, index, 0)
                self.report(f"{value!r} is not a valid code", f"{key}[{index}]", line=line)
        codes = [value for value in values if isinstance(value, str) and CODE_PATTERN.match(value)]
        if len(set(codes)) != len(codes):
            self.report("the list repeats a code", key)
        return codes

    def number(self, key: str, *, required: bool = True) -> Number | None:
        return self._expect(key, required, as_number(self.data.get(key)), "a finite number")

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
        return self._expect(key, required, value if isinstance(value, list) else None, "a list")

    def text(self, key: str, *, required: bool = True) -> Text | None:
        """A human-readable text: a mapping language -> string with every declared language."""
        if not self._given(key, required):
            return None
        line = _line_of(self.data, key, self.line)
        return read_text(self.reporter, self.data[key], self.path(key), item=self.item, line=line)

    def texts(self, key: str) -> tuple[Text, ...]:
        values = self.sequence(key, required=False) or []
        texts = [
            read_text(
                self.reporter,
                value,
                f"{self.path(key)}[{index}]",
                item=self.item,
                line=_line_of(values, index, 0),
            )
            for index, value in enumerate(values)
        ]
        return tuple(text for text in texts if text is not None)


def read_text(
    reporter: Reporter, value: Any, field: str, *, item: str | None, line: int
) -> Text | None:
    def report(message: str, where: str = field, at: int = line) -> None:
        reporter.add(message, item=item, field=where, line=at)

    if not isinstance(value, dict):
        report(f"expected translations (language: text), found {_kind(value)}")
        return None
    text: Text = {}
    for language in reporter.languages:
        entry = value.get(language)
        if isinstance(entry, str) and entry.strip():
            text[language] = entry.strip()
        else:
            report(f"missing translation for language {language!r}", f"{field}.{language}")
    keys = list(value)
    for before, language in zip([None, *keys], keys, strict=False):
        if language in reporter.languages:
            continue
        if value[language] is None and before is not None:
            # `{pl: a, b, en: c}` reads `b` as a key: an unquoted comma cut the text.
            hint = (
                f"{language!r} looks like the rest of a text cut at an unquoted comma; "
                f'quote this text: {before}: "{value[before]}, {language}"'
            )
        else:
            hint = f"translation for undeclared language {language!r}; declare it in 'languages'"
        report(hint, f"{field}.{language}", _line_of(value, language, line))
    return text if len(text) == len(reporter.languages) else None
