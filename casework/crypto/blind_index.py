"""Blind indexes: keyed HMACs of normalised identifiers, for exact-match search on ciphertext.

Each kind of value gets its own HMAC key derived from the blind-index key, so a phone number and
a document number with the same digits never share an index value. The normalisation rules are
the contract with stored data: changing one means recomputing every index of that kind (see
docs/security.md). Never index low-cardinality fields (gender, birth year alone, nationality):
their indexes can be reversed by counting.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import re
import unicodedata

from stdnum.pl import pesel

from casework.crypto.errors import BlindIndexInputError
from casework.crypto.keys import KEY_LENGTH

INDEX_BYTES = 16
DEFAULT_CALLING_CODE = "48"
POLISH_NATIONAL_DIGITS = 9
_KIND_LABEL = b"casework/blind-index/v1/"


class IndexKind(enum.StrEnum):
    """What an index value was computed from; also its HMAC domain."""

    NATIONAL_ID = "national_id"
    PHONE = "phone"
    EMAIL = "email"
    SURNAME_BIRTH_YEAR = "surname_birth_year"
    DOCUMENT = "document"


# --- names ----------------------------------------------------------------------------------

#: Apostrophes are dropped (KMU 2010 does not transliterate them; O'Brien == OBrien). U+00B4
#: and U+02B9 are included because people type them for the Ukrainian apostrophe.
APOSTROPHES = frozenset("'\u2019\u2018\u02bc\u02bb\u02b9\u0060\u00b4\u2032\uff07")

#: Polish letters. Only "ł" really needs the table (it has no Unicode decomposition, so NFKD
#: leaves it alone), but all are listed so the rule does not depend on Unicode data.
POLISH = {"ą": "a", "ć": "c", "ę": "e", "ł": "l", "ń": "n", "ó": "o", "ś": "s", "ź": "z", "ż": "z"}

#: Other Latin letters that NFKD does not decompose.
OTHER_LATIN = {
    "đ": "d",
    "ð": "d",
    "ø": "o",
    "ı": "i",
    "æ": "ae",
    "œ": "oe",
    "þ": "th",
    "ħ": "h",
    "ŧ": "t",
}

#: Ukrainian, Cabinet of Ministers of Ukraine resolution No. 55 of 27 January 2010 (KMU 2010),
#: the system of Ukrainian passports. Letters with two forms: (word-initial, elsewhere).
UKRAINIAN: dict[str, str | tuple[str, str]] = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "h",
    "ґ": "g",
    "д": "d",
    "е": "e",
    "є": ("ye", "ie"),
    "ж": "zh",
    "з": "z",
    "и": "y",
    "і": "i",
    "ї": ("yi", "i"),
    "й": ("y", "i"),
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ь": "",
    "ю": ("yu", "iu"),
    "я": ("ya", "ia"),
}

_SIMPLE = {**POLISH, **OTHER_LATIN, **{k: v for k, v in UKRAINIAN.items() if isinstance(v, str)}}


def _transliterate(text: str) -> str:
    """Apply the tables to casefolded text; Ukrainian needs the previous letter for some rules."""
    out: list[str] = []
    previous = ""
    for char in text:
        rule = UKRAINIAN.get(char)
        if isinstance(rule, tuple):
            out.append(rule[0] if not previous.isalpha() else rule[1])
        elif char == "г" and previous == "з":
            out.append("gh")  # KMU 2010: "зг" is "zgh", to keep it apart from "ж" (zh)
        else:
            out.append(_SIMPLE.get(char, char))
        previous = char
    return "".join(out)


def _is_kept(char: str) -> bool:
    return unicodedata.category(char)[0] in "LNM"


def normalise_name(name: str) -> str:
    """The matching form of a personal name: `"Łukasz  Wójcik-Nowak"` -> `"lukasz wojcik nowak"`.

    Steps: drop apostrophes; NFKC; casefold; NFKC; the explicit tables (Polish, other Latin,
    Ukrainian KMU 2010); NFKD and drop combining marks; the tables again (for letters that
    only appeared after decomposition, such as Russian "ё" -> "е" -> "e"); every run of
    characters that are not letters, digits or marks (spaces, hyphens, dashes, dots) becomes one
    space; strip. So "Kowalska-Nowak" == "Kowalska Nowak" == "KOWALSKA – NOWAK".
    """
    if not isinstance(name, str):
        raise BlindIndexInputError("a name must be text")
    text = "".join(char for char in name if char not in APOSTROPHES)
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    text = "".join(char for char in text if char not in APOSTROPHES)
    text = _transliterate(text)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = _transliterate(text)
    result = " ".join("".join(c if _is_kept(c) else " " for c in text).split())
    if not result:
        raise BlindIndexInputError("a name must contain at least one letter or digit")
    return result


def normalise_surname_birth_year(surname: str, birth_year: int) -> str:
    """`"<normalised surname>|<year>"`; the year must be a plausible four-digit birth year."""
    if isinstance(birth_year, bool) or not isinstance(birth_year, int):
        raise BlindIndexInputError("a birth year must be a whole number")
    if not 1880 <= birth_year <= 2200:
        raise BlindIndexInputError("a birth year must be between 1880 and 2200")
    return f"{normalise_name(surname)}|{birth_year}"


# --- phone numbers --------------------------------------------------------------------------

_PHONE_SEPARATORS = re.compile(r"[\s\-./\u2010-\u2015\u2212]")
_TRUNK_ZERO = re.compile(r"^\(?(?:\+|00)(\d{1,3})\)?\(0\)")


def normalise_phone(phone: str) -> str:
    """E.164 (`+48601234567`); a 9-digit number without a country code is Polish.

    Accepts spaces, dashes, dots, slashes, parentheses, a leading `+` or `00`, and the
    `+44 (0)20 ...` trunk-zero style. Anything else (letters, extensions) is refused.
    """
    if not isinstance(phone, str):
        raise BlindIndexInputError("a phone number must be text")
    text = _PHONE_SEPARATORS.sub("", unicodedata.normalize("NFKC", phone))
    if not text:
        raise BlindIndexInputError("a phone number must not be empty")
    text = _TRUNK_ZERO.sub(r"+\1", text).replace("(", "").replace(")", "")
    if text.startswith("00"):
        text = "+" + text[2:]
    international = text.startswith("+")
    digits = text[1:] if international else text
    if not digits.isascii() or not digits.isdigit():
        raise BlindIndexInputError(
            "a phone number may hold only digits, spaces, dashes, parentheses and a leading + or 00"
        )
    if not international:
        if len(digits) != POLISH_NATIONAL_DIGITS:
            raise BlindIndexInputError(
                "a phone number without a country code must have 9 digits (Poland); "
                "otherwise add the country code, e.g. +380 for Ukraine"
            )
        digits = DEFAULT_CALLING_CODE + digits
    if digits.startswith(DEFAULT_CALLING_CODE) and len(digits) != 2 + POLISH_NATIONAL_DIGITS:
        raise BlindIndexInputError("a Polish number (+48) has 9 digits after the country code")
    if digits.startswith("0") or not 8 <= len(digits) <= 15:
        raise BlindIndexInputError(
            "an international phone number is a country code (not starting with 0) and the "
            "number, 8 to 15 digits in all"
        )
    return "+" + digits


# --- identity numbers and e-mail ------------------------------------------------------------

_ID_SEPARATORS = re.compile(r"[\s\-./\u2010-\u2015\u2212]")


def normalise_identifier(value: str) -> str:
    """An identity or document number: separators removed, uppercased, letters and digits only.

    Works for PESEL (digits) and for foreign numbers and passport numbers (letters and digits).
    Cyrillic letters stay Cyrillic: a series typed in Latin look-alikes will not match.
    """
    if not isinstance(value, str):
        raise BlindIndexInputError("an identity number must be text")
    text = _ID_SEPARATORS.sub("", unicodedata.normalize("NFKC", value)).upper()
    if not text:
        raise BlindIndexInputError("an identity number must not be empty")
    if not text.isalnum() or len(text) > 64:
        raise BlindIndexInputError(
            "an identity number may hold only letters and digits (separators are ignored), "
            "at most 64"
        )
    return text


def is_valid_pesel(value: str) -> bool:
    """True if `value` (after normalisation) is 11 digits with a valid date and check digit
    (python-stdnum's `stdnum.pl.pesel`)."""
    try:
        digits = normalise_identifier(value)
    except BlindIndexInputError:
        return False
    return digits.isascii() and digits.isdigit() and bool(pesel.is_valid(digits))


def normalise_email(email: str) -> str:
    """Strip and lowercase; plus-tags and dots are kept (`a.b+x@` is not `ab@`)."""
    if not isinstance(email, str):
        raise BlindIndexInputError("an e-mail address must be text")
    text = unicodedata.normalize("NFKC", email).strip().lower()
    local, _, domain = text.partition("@")
    if text.count("@") != 1 or not local or not domain or any(c.isspace() for c in text):
        raise BlindIndexInputError("an e-mail address must look like name@example.org")
    return text


# --- the index ------------------------------------------------------------------------------


class BlindIndexer:
    """Computes blind index values (32 lowercase hex characters) with the blind-index key."""

    def __init__(self, blind_index_key: bytes) -> None:
        if len(blind_index_key) != KEY_LENGTH:
            raise BlindIndexInputError(f"the blind index key must be {KEY_LENGTH} bytes")
        self._macs = {
            kind: hmac.new(
                hmac.digest(blind_index_key, _KIND_LABEL + kind.value.encode("ascii"), "sha256"),
                digestmod=hashlib.sha256,
            )
            for kind in IndexKind
        }

    def __repr__(self) -> str:
        return "BlindIndexer(<key hidden>)"

    def compute(self, kind: IndexKind, normalised: str) -> str:
        """The index of an already normalised value; prefer the per-kind methods."""
        mac = self._macs[IndexKind(kind)].copy()
        mac.update(normalised.encode("utf-8"))
        return mac.digest()[:INDEX_BYTES].hex()

    def national_id(self, value: str) -> str:
        return self.compute(IndexKind.NATIONAL_ID, normalise_identifier(value))

    def document(self, value: str) -> str:
        return self.compute(IndexKind.DOCUMENT, normalise_identifier(value))

    def phone(self, value: str) -> str:
        return self.compute(IndexKind.PHONE, normalise_phone(value))

    def email(self, value: str) -> str:
        return self.compute(IndexKind.EMAIL, normalise_email(value))

    def surname_birth_year(self, surname: str, birth_year: int) -> str:
        return self.compute(
            IndexKind.SURNAME_BIRTH_YEAR, normalise_surname_birth_year(surname, birth_year)
        )
