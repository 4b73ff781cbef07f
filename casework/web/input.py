"""What browsers send, read defensively: numbers and redirect targets from forms and links."""

from __future__ import annotations

from urllib.parse import urlsplit

_MAX_DIGITS = 9


def whole_number(text: str | None, *, signed: bool = False) -> int | None:
    """A small whole number written in ASCII digits, or None (never an exception)."""
    if not text:
        return None
    negative = signed and text.startswith("-")
    digits = text[1:] if negative else text
    if not (digits.isascii() and digits.isdigit() and len(digits) <= _MAX_DIGITS):
        return None
    return -int(digits) if negative else int(digits)


def local_path(target: str | None, default: str) -> str:
    """`target` if it is a path on this site, else `default`: never a redirect elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return default
