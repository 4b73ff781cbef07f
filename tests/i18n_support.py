"""Extracting the interface's messages and compiling the catalogues with babel's Python API."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "casework" / "translations"
LANGUAGES = ("pl", "en", "uk")
#: As in README's extraction command: the lazy_gettext aliases and the domain errors.
METHOD_MAP = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "lazy_gettext": None,
    "_l": None,
    # Domain errors: their literal messages are msgids (casework/errors.py).
    "ValidationError": None,
    "NotFound": None,
    "Forbidden": None,
    "Conflict": None,
    "DomainError": None,
    "StoredDataIntegrityError": None,
    "CaseStateError": None,
    "SignInError": None,
    "N_": None,
    "BlindIndexInputError": None,
}


def extracted_messages() -> set[str | tuple[str, str]]:
    """Every msgid the code and templates use."""
    found: set[str | tuple[str, str]] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT / "casework"), METHOD_MAP, keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else (message[0], message[1]))
    return found


def catalogue(language: str) -> Catalog:
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=language)


def compile_catalogues() -> None:
    for language in LANGUAGES:
        source = TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
        if not source.exists():
            continue
        with open(source.with_suffix(".mo"), "wb") as mo:
            write_mo(mo, catalogue(language))
