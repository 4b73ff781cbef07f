"""The instrument files and routing rules the service runs on, loaded and validated at start."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app

from assessments import (
    AssessmentError,
    Instrument,
    RoutingRules,
    load_instruments,
    load_routing,
)
from casework.config import ConfigError
from casework.errors import NotFound

DEFAULT_DIRECTORY = Path(__file__).resolve().parent.parent.parent / "instruments"


@dataclass(frozen=True)
class Library:
    """Every instrument version on disk, and the routing rules with their service catalogue."""

    instruments: dict[tuple[str, str], Instrument]
    routing: RoutingRules

    def instrument(self, instrument_id: str, version: str | None = None) -> Instrument:
        """One version of an instrument (default: the newest)."""
        if version is not None:
            found = self.instruments.get((instrument_id, version))
        else:
            versions = [i for (key, _), i in self.instruments.items() if key == instrument_id]
            found = max(versions, key=lambda i: _version_key(i.version), default=None)
        if found is None:
            raise NotFound(
                "no instrument %(instrument)s %(version)s",
                instrument=instrument_id,
                version=version or "",
            )
        return found

    def newest(self) -> list[Instrument]:
        """The newest version of each instrument, by id."""
        ids = sorted({key for key, _ in self.instruments})
        return [self.instrument(instrument_id) for instrument_id in ids]


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else 0 for part in version.split("."))


def init_library(app: Flask) -> None:
    directory = Path(app.config.get("CASEWORK_INSTRUMENTS_DIR") or DEFAULT_DIRECTORY)
    try:
        instruments = load_instruments(directory)
        routing = load_routing(directory / "routing", instruments)
    except AssessmentError as error:
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ConfigError(f"the instrument files in {directory} are invalid: {first}") from None
    app.extensions["casework.library"] = Library(instruments, routing)


def library() -> Library:
    return current_app.extensions["casework.library"]
