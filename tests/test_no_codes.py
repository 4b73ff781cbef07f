"""No page of the demo centre shows an internal code (enum values, instrument item ids and tags,
level codes) or English engine text to a user, in Polish, English and Ukrainian; and every page
has unique element ids and no attribute rendered as "None".

One demo centre (a few cases) is built on its own database; each demo account crawls the pages
reachable from its navigation (GET only, same origin, no API, no static files), and each page
found is read in the three languages.
"""

from __future__ import annotations

import enum
import importlib
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from alembic import command
from flask import Flask
from sqlalchemy import select

from casework.auth.models import Language, User
from casework.catalogue.library import library
from casework.db import db
from casework.demo.services import DEFAULT_DEMO_PASSWORD, DEMO_ACCOUNTS, create_demo_centre
from casework.migrate import alembic_config
from tests.conftest import TEST_SERVER_URL, make_test_app
from tests.database import throwaway_database
from tests.pages import sign_in

LANGUAGES = ("pl", "en", "uk")
MAX_PAGES_PER_ACCOUNT = 400
#: How many pages of one shape (the same path with other ids) are read.
PER_SHAPE = 2
SKIPPED = re.compile(r"^/(api|static)(/|$)|sign-out|/export|\.(ics|csv|pdf|json|zip)$")
ID_LIKE = re.compile(r"[0-9a-f]{8}-[0-9a-f-]{27}|\d+")
#: Words of English sentences that have no business on a Polish or Ukrainian page.
ENGLISH = re.compile(
    r"\b(the|is|are|was|were|has|have|been|this|that|with|of|and|not|no such|please|your|you)\b"
)
EMAIL = re.compile(r"\S+@\S+")
#: Codes that are also ordinary words of a language ("Jak partner lub partnerka...").
WORDS = {"pl": {"partner"}}
CODE_SHAPE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


#: Elements whose text is not checked: scripts and styles, and `<code>`, which marks an
#: identifier an administrator configures (a service code in the catalogue).
UNCHECKED = ("script", "style", "template", "code")


class _Page(HTMLParser):
    """The visible text of a page (no tags, attributes, scripts or styles), its ids and any
    attribute whose value is "None"."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.ids: list[str] = []
        self.none_attributes: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in UNCHECKED:
            self._hidden += 1
        for name, value in attrs:
            if name == "id" and value is not None:
                self.ids.append(value)
            if value == "None":
                self.none_attributes.append(f"<{tag} {name}=None>")
            if tag == "a" and name == "href" and value:
                self.links.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in UNCHECKED and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.text.append(data)


def read_page(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    return page


def visible_text(html: str) -> str:
    return " ".join(" ".join(read_page(html).text).split())


def enum_values() -> set[str]:
    """Every StrEnum value of the features' models."""
    values: set[str] = set()
    root = Path(__file__).resolve().parent.parent / "casework"
    for path in sorted(root.glob("*/models.py")):
        module = importlib.import_module(f"casework.{path.parent.name}.models")
        for thing in vars(module).values():
            if (
                isinstance(thing, type)
                and issubclass(thing, enum.StrEnum)
                and thing is not Language
            ):
                values.update(str(member.value) for member in thing)
    return values


def instrument_codes() -> set[str]:
    """Item ids, tags, level, flag, action and scale codes of every instrument."""
    codes: set[str] = set()
    for instrument in library().instruments.values():
        for item in instrument.items:
            codes.add(item.id)
            codes.update(item.tags)
        codes.update(level.code for level in instrument.levels)
        codes.update(flag.code for flag in instrument.flags)
        codes.update(action.code for action in instrument.actions)
        codes.update(scale.id for scale in instrument.scales)
    return codes


def codes_in(text: str, language: str, codes: set[str]) -> list[str]:
    """The internal codes in a page's visible text (e-mail addresses aside). Snake-case words
    are always codes; other codes count only on Polish and Ukrainian pages (on an English page
    "active" is a word) unless they are words of that language too."""
    text = EMAIL.sub(" ", text)
    found = set(CODE_SHAPE.findall(text))
    if language != "en":
        words = set(re.findall(r"\b[a-z][a-z0-9]*\b", text))
        found |= (words & codes) - WORDS.get(language, set())
        found |= {match.group(0) for match in ENGLISH.finditer(text)}
    return sorted(found)


def _shape(path: str) -> str:
    return ID_LIKE.sub("#", path)


def crawl(app: Flask, email: str) -> list[str]:
    """The same-origin pages an account reaches from its home page (GET only)."""
    client = app.test_client()
    assert sign_in(client, email, DEFAULT_DEMO_PASSWORD).status_code == 302
    queue, seen, shapes, pages = ["/"], {"/"}, {}, []
    while queue and len(pages) < MAX_PAGES_PER_ACCOUNT:
        path = queue.pop(0)
        response = client.get(path)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        pages.append(path)
        for link in read_page(response.get_data(as_text=True)).links:
            url = urlsplit(urldefrag(urljoin(f"http://localhost{path}", link))[0])
            if url.netloc != "localhost" or SKIPPED.search(url.path):
                continue
            target = url.path + (f"?{url.query}" if url.query else "")
            shape = _shape(url.path)
            if target in seen or shapes.get(shape, 0) >= PER_SHAPE:
                continue
            seen.add(target)
            shapes[shape] = shapes.get(shape, 0) + 1
            queue.append(target)
    return pages


def _set_language(app: Flask, email: str, language: str) -> None:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        assert user is not None
        user.preferred_language = Language(language)
        db.session.commit()


@pytest.fixture(scope="module")
def demo_pages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[tuple, str]]:
    """{(account, language, path): html} of every page the demo accounts reach."""
    with throwaway_database(TEST_SERVER_URL, tmp_path_factory.mktemp("demo")) as url:
        app = make_test_app(url)
        with app.app_context(), db.engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        with app.app_context():
            create_demo_centre(password=DEFAULT_DEMO_PASSWORD, cases=6)
            db.session.commit()
        pages: dict[tuple, str] = {}
        for account in DEMO_ACCOUNTS:
            paths = crawl(app, account.email)
            for language in LANGUAGES:
                _set_language(app, account.email, language)
                client = app.test_client()
                assert sign_in(client, account.email, DEFAULT_DEMO_PASSWORD).status_code == 302
                for path in paths:
                    response = client.get(path)
                    if response.status_code == 200 and response.mimetype == "text/html":
                        pages[(account.email, language, path)] = response.get_data(as_text=True)
        with app.app_context():
            codes = enum_values() | instrument_codes()
        app.config["TEST_CODES"] = codes
        pages[("codes", "", "")] = "\n".join(sorted(codes))
        yield pages
        with app.app_context():
            db.engine.dispose()


def _pages(demo_pages: dict[tuple, str]) -> Iterator[tuple[tuple, str]]:
    return ((key, html) for key, html in demo_pages.items() if key[0] != "codes")


def _around(text: str, word: str) -> str:
    """`word` in its context on the page, to find it in the templates."""
    match = re.search(rf"\b{re.escape(word)}\b", text)
    start = match.start() if match else 0
    return f"{word!r} in ...{text[max(start - 40, 0) : start + len(word) + 40]}..."


def test_the_crawl_reaches_the_pages_of_every_role(demo_pages: dict[tuple, str]) -> None:
    for account in DEMO_ACCOUNTS:
        reached = {path for (email, _, path) in demo_pages if email == account.email}
        assert len(reached) > 3, (account.email, sorted(reached))


def test_no_page_shows_an_internal_code(demo_pages: dict[tuple, str]) -> None:
    codes = set(demo_pages[("codes", "", "")].split("\n"))
    problems = []
    for (email, language, path), html in _pages(demo_pages):
        text = visible_text(html)
        found = codes_in(text, language, codes)
        if found:
            shown = "; ".join(_around(text, word) for word in found)
            problems.append(f"{language} {path} ({email}): {shown}")
    assert not problems, "\n".join(sorted(set(problems)))


def test_every_page_has_unique_ids_and_no_none_attribute(demo_pages: dict[tuple, str]) -> None:
    problems = []
    for (email, language, path), html in _pages(demo_pages):
        if language != "en":
            continue
        page = read_page(html)
        twice = sorted({i for i in page.ids if page.ids.count(i) > 1})
        if twice:
            problems.append(f"{path} ({email}): ids {', '.join(twice)} twice")
        if page.none_attributes:
            problems.append(f"{path} ({email}): {', '.join(sorted(set(page.none_attributes)))}")
    assert not problems, "\n".join(sorted(set(problems)))


def test_the_checks_see_codes_and_english() -> None:
    assert codes_in("Poziom: very_high", "pl", set()) == ["very_high"]
    assert codes_in("Status: waitlisted", "uk", {"waitlisted"}) == ["waitlisted"]
    assert codes_in("Status: active", "en", {"active"}) == []
    assert codes_in("Brak: no such client", "pl", set()) == ["no such"]
    assert codes_in("Jak partner; admin@demo.local", "pl", {"partner", "admin"}) == []
    assert visible_text('<p title="very_high">Wysoki<script>x_y</script></p>') == "Wysoki"
