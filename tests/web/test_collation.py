"""Lists sorted the way readers of each language expect, without ICU."""

from __future__ import annotations

from casework.web.collation import collation_key, sorted_choices


def _sorted(words: list[str], language: str) -> list[str]:
    return sorted(words, key=lambda word: collation_key(word, language))


def test_polish_letters_with_diacritics_follow_their_base_letter() -> None:
    words = [
        "Źle",
        "Zebra",
        "Łódź",
        "Lato",
        "Ćma",
        "Cel",
        "mama",
        "Terapia par",
        "Terapia indywidualna",
    ]
    assert _sorted(words, "pl") == [
        "Cel",
        "Ćma",
        "Lato",
        "Łódź",
        "mama",
        "Terapia indywidualna",
        "Terapia par",
        "Zebra",
        "Źle",
    ]


def test_ukrainian_letters_sort_in_the_alphabets_order() -> None:
    words = ["Ящик", "Їжак", "Іван", "Жук", "Ера", "Єва", "Ґанок", "Гра"]
    assert _sorted(words, "uk") == ["Гра", "Ґанок", "Ера", "Єва", "Жук", "Іван", "Їжак", "Ящик"]


def test_english_ignores_accents_first() -> None:
    assert _sorted(["Zeta", "éclair", "Eagle", "apple"], "en") == [
        "apple",
        "Eagle",
        "éclair",
        "Zeta",
    ]


def test_choices_are_sorted_by_label_in_the_language_given() -> None:
    choices = [("z", "Żłobek"), ("a", "Zupa"), ("b", "Arbuz")]
    assert sorted_choices(choices, "pl") == [("b", "Arbuz"), ("a", "Zupa"), ("z", "Żłobek")]
