"""A coarse "which browser on which system" from a User-Agent header, for the sessions page.

Coarse on purpose: the page needs "Firefox on Windows" to recognise a sign-in, and storing the
whole header would keep a near-unique fingerprint of each member of staff for no use.
"""

from __future__ import annotations

#: Checked in order: Edge and Opera also say "Chrome", Chrome also says "Safari".
_BROWSERS = (
    ("Edg/", "Edge"),
    ("EdgA/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
#: Checked in order: Android also says "Linux", iOS also says "like Mac OS X".
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("CrOS", "ChromeOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Macintosh", "macOS"),
    ("Linux", "Linux"),
)


def device_summary(user_agent: str | None) -> tuple[str | None, str | None]:
    """(browser, operating system) named from a fixed list; None where the header says
    nothing we know (the page shows "unknown")."""
    header = (user_agent or "")[:512]
    browser = next((name for marker, name in _BROWSERS if marker in header), None)
    system = next((name for marker, name in _SYSTEMS if marker in header), None)
    return browser, system
