"""Problems found in instrument files, routing files and answers, and the errors that carry them."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong, located as precisely as we can: file, item, field and line."""

    message: str
    file: str | None = None
    item: str | None = None
    field: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = self.file or "<input>"
        where += "" if self.line is None else f":{self.line}"
        located = [where, f"item {self.item}" if self.item else "", self.field or ""]
        return ": ".join([part for part in located if part] + [self.message])

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


class AssessmentError(Exception):
    """Base class: every error of the engine carries the full list of problems."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


class InstrumentError(AssessmentError):
    """An instrument file (or a directory of them) is invalid; every problem is listed."""


class RoutingError(AssessmentError):
    """A routing rules file or the service catalogue is invalid; every problem is listed."""


class AnswerError(AssessmentError):
    """Answers or client facts do not fit the instrument; one problem per offending field.

    `problem.item` names the answer (or `facts.<name>`), so an API can report field-level errors.
    """


class ResultFormatError(AssessmentError):
    """A stored result dict cannot be read back (wrong shape or unknown format version)."""
