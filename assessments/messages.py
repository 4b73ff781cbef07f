"""The engine's own texts in Polish, English and Ukrainian (instrument texts live in the files)."""

from __future__ import annotations

from typing import Any

Text = dict[str, str]

CATALOGUE: dict[str, Text] = {
    "fact_missing": {
        "pl": "nie można ustalić: brak danych ({fact})",
        "en": "undetermined: {fact} not recorded",
        "uk": "неможливо визначити: не зазначено ({fact})",
    },
    "no_norms": {
        "pl": "nie można ustalić: brak norm dla tych danych klienta",
        "en": "undetermined: no norms for this client's facts",
        "uk": "неможливо визначити: немає норм для цих даних клієнта",
    },
    "reliably_improved": {
        "pl": "istotna poprawa ({scale}: {before} → {after}, RCI {rci})",
        "en": "reliably improved ({scale}: {before} → {after}, RCI {rci})",
        "uk": "достовірне покращення ({scale}: {before} → {after}, RCI {rci})",
    },
    "no_reliable_change": {
        "pl": "bez istotnej zmiany ({scale}: {before} → {after}, RCI {rci})",
        "en": "no reliable change ({scale}: {before} → {after}, RCI {rci})",
        "uk": "без достовірних змін ({scale}: {before} → {after}, RCI {rci})",
    },
    "reliably_deteriorated": {
        "pl": "istotne pogorszenie ({scale}: {before} → {after}, RCI {rci})",
        "en": "reliably deteriorated ({scale}: {before} → {after}, RCI {rci})",
        "uk": "достовірне погіршення ({scale}: {before} → {after}, RCI {rci})",
    },
    "not_comparable": {
        "pl": "nie można porównać ({scale}: brak wyniku)",
        "en": "not comparable ({scale}: no score)",
        "uk": "неможливо порівняти ({scale}: немає результату)",
    },
    "left_clinical": {
        "pl": "wynik poniżej progu klinicznego {cutoff}",
        "en": "moved out of the clinical range (cut-off {cutoff})",
        "uk": "результат вийшов за межі клінічного діапазону (поріг {cutoff})",
    },
    "entered_clinical": {
        "pl": "wynik przekroczył próg kliniczny {cutoff}",
        "en": "moved into the clinical range (cut-off {cutoff})",
        "uk": "результат увійшов у клінічний діапазон (поріг {cutoff})",
    },
    "stayed": {
        "pl": "bez przekroczenia progu klinicznego {cutoff}",
        "en": "did not cross the clinical cut-off {cutoff}",
        "uk": "без перетину клінічного порогу {cutoff}",
    },
}


def message(key: str, languages: tuple[str, ...] | None = None, **values: Any) -> Text:
    """A catalogue text filled in every language; a value may itself be a translated text."""
    texts = CATALOGUE[key]
    chosen = languages or tuple(texts)
    return {
        language: texts.get(language, texts["en"]).format(
            **{
                k: v.get(language, next(iter(v.values()))) if isinstance(v, dict) else v
                for k, v in values.items()
            }
        )
        for language in chosen
    }
