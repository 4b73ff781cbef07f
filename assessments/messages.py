"""The engine's own texts in Polish, English and Ukrainian (instrument texts live in the files)."""

from __future__ import annotations

from typing import Any

Text = dict[str, str]

#: The texts by language, then by key: every language has every key.
TEXTS: dict[str, dict[str, str]] = {
    "pl": {
        "fact_missing": "nie można ustalić: brak danych ({fact})",
        "no_norms": "nie można ustalić: brak norm dla tych danych klienta",
        "reliably_improved": "istotna poprawa ({scale}: {before} → {after}, RCI {rci})",
        "no_reliable_change": "bez istotnej zmiany ({scale}: {before} → {after}, RCI {rci})",
        "reliably_deteriorated": "istotne pogorszenie ({scale}: {before} → {after}, RCI {rci})",
        "not_comparable": "nie można porównać ({scale}: brak wyniku)",
        "left_clinical": "wynik poniżej progu klinicznego {cutoff}",
        "entered_clinical": "wynik przekroczył próg kliniczny {cutoff}",
        "stayed": "bez przekroczenia progu klinicznego {cutoff}",
    },
    "en": {
        "fact_missing": "undetermined: {fact} not recorded",
        "no_norms": "undetermined: no norms for this client's facts",
        "reliably_improved": "reliably improved ({scale}: {before} → {after}, RCI {rci})",
        "no_reliable_change": "no reliable change ({scale}: {before} → {after}, RCI {rci})",
        "reliably_deteriorated": "reliably deteriorated ({scale}: {before} → {after}, RCI {rci})",
        "not_comparable": "not comparable ({scale}: no score)",
        "left_clinical": "moved out of the clinical range (cut-off {cutoff})",
        "entered_clinical": "moved into the clinical range (cut-off {cutoff})",
        "stayed": "did not cross the clinical cut-off {cutoff}",
    },
    "uk": {
        "fact_missing": "неможливо визначити: не зазначено ({fact})",
        "no_norms": "неможливо визначити: немає норм для цих даних клієнта",
        "reliably_improved": "достовірне покращення ({scale}: {before} → {after}, RCI {rci})",
        "no_reliable_change": "без достовірних змін ({scale}: {before} → {after}, RCI {rci})",
        "reliably_deteriorated": "достовірне погіршення ({scale}: {before} → {after}, RCI {rci})",
        "not_comparable": "неможливо порівняти ({scale}: немає результату)",
        "left_clinical": "результат вийшов за межі клінічного діапазону (поріг {cutoff})",
        "entered_clinical": "результат увійшов у клінічний діапазон (поріг {cutoff})",
        "stayed": "без перетину клінічного порогу {cutoff}",
    },
}


def message(key: str, languages: tuple[str, ...] | None = None, **values: Any) -> Text:
    """A catalogue text filled in every language; a value may itself be a translated text."""
    return {
        language: TEXTS.get(language, TEXTS["en"])[key].format(
            **{k: in_language(v, language) if isinstance(v, dict) else v for k, v in values.items()}
        )
        for language in languages or tuple(TEXTS)
    }


def in_language(text: Text | None, language: str) -> str:
    """`text` in `language`, else in its first language ("" for no text)."""
    return (text.get(language) or next(iter(text.values()))) if text else ""
