"""Every visible text of a template goes through the catalogues: no letters in a text node or in a
`title`, `aria-label`, `placeholder` or `alt` attribute outside `{{ }}` / `{% %}`."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "casework"
#: Pages that are English by design: the API's documentation for developers.
ENGLISH_ONLY = {"templates/api/docs.html"}
VISIBLE_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}
JINJA = re.compile(r"\{#.*?#\}|\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
LETTER = re.compile(r"[^\W\d_]")
#: Names that are the same in every language: the product's.
NAMES = {("casework",)}


def _words(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r"\w+", text))


def _blank(match: re.Match[str]) -> str:
    """A Jinja expression or tag as the newlines it spans (line numbers stay right) and a
    space."""
    return "\n" * match.group(0).count("\n") + " "


class _Untranslated(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        for name, value in attrs:
            if name in VISIBLE_ATTRIBUTES and value and LETTER.search(value):
                self.found.append((self.getpos()[0], f"{name}={value!r}"))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        text = data.strip()
        if not self._hidden and LETTER.search(text) and _words(text) not in NAMES:
            self.found.append((self.getpos()[0], text))


def untranslated(source: str) -> list[tuple[int, str]]:
    """(line, text) of each visible text in a template that is not a translated expression."""
    parser = _Untranslated()
    parser.feed(JINJA.sub(_blank, source))
    parser.close()
    return parser.found


def test_every_template_text_is_translated() -> None:
    problems = []
    for path in sorted(ROOT.glob("**/templates/**/*.html")):
        relative = path.relative_to(ROOT).as_posix()
        if relative in ENGLISH_ONLY:
            continue
        for line, text in untranslated(path.read_text(encoding="utf-8")):
            problems.append(f"casework/{relative}:{line}: {text}")
    assert not problems, "\n".join(problems)


def test_the_check_finds_plain_text_and_attributes() -> None:
    assert untranslated('<p>{{ _("Fine") }}</p>\n<p>Not fine</p>') == [(2, "Not fine")]
    assert untranslated('<a title="Open">{{ _("x") }}</a>') == [(1, "title='Open'")]
    assert untranslated('<a aria-label="{{ _("Open") }}">→ {# note #}</a>') == []
    assert untranslated("<script>let a = 1;</script><p>{% if x %}·{% endif %}</p>") == []
