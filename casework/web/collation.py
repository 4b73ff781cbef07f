"""Sorting texts the way readers of a language expect (ą after a, ł after l, є after е, ґ after
г) without ICU: each letter keyed by its place in the language's alphabet."""

from __future__ import annotations

import unicodedata

_ALPHABETS = {
    "pl": "aąbcćdeęfghijklłmnńoópqrsśtuvwxyzźż",
    "uk": "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя",
}
_ORDER = {
    language: {letter: position for position, letter in enumerate(alphabet)}
    for language, alphabet in _ALPHABETS.items()
}


def collation_key(text: str, language: str) -> tuple[tuple[tuple[int, str], ...], str]:
    """A sort key for `text` in `language`, case ignored: spaces and punctuation first, then the
    language's letters in its alphabet's order, then other letters (for English: accents are
    ignored, as in a dictionary)."""
    order = _ORDER.get(language, {})
    folded = unicodedata.normalize("NFC", text.casefold())
    key = []
    for character in folded:
        if character in order:
            key.append((1, f"{order[character]:04d}"))
        elif not character.isalpha():
            key.append((0, character))
        else:
            base = "".join(
                c for c in unicodedata.normalize("NFD", character) if not unicodedata.combining(c)
            )
            key.append((2, base))
    return tuple(key), folded


def sorted_choices(
    choices: list[tuple[str, str]], language: str | None = None
) -> list[tuple[str, str]]:
    """(value, label) choices of a list, sorted by label in `language` (default: the page's)."""
    from casework.web.filters import page_language

    wanted = language or page_language()
    return sorted(choices, key=lambda choice: collation_key(choice[1], wanted))
