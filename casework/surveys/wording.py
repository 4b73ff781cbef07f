"""The few interface words of the pages clients answer a survey on (kiosk and one-time link).

Those pages speak the survey's language, which may be one the interface catalogues (pl/en/uk)
do not have: the satisfaction survey is also in Russian. The instrument format has no place for
interface words (docs/instruments.md), so they live here, one small table per language; a
language missing here falls back to English. Staff pages keep using the catalogues.
"""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "pl": {
        "skip": "Przejdź do treści",
        "send": "Wyślij odpowiedzi",
        "required": "Prosimy wybrać odpowiedź.",
        "missing": "Prosimy odpowiedzieć na wszystkie pytania.",
        "thanks": "Dziękujemy! Odpowiedzi zostały zapisane.",
        "next": "Następna osoba",
        "anonymous": "Nie pytamy o imię ani o żadne dane, które mogłyby Panią/Pana zidentyfikować.",
        "closed": "Ankieta jest zamknięta. Prosimy zwrócić się do pracownika.",
        "gone": "Ten link do ankiety wygasł albo został już wykorzystany.",
        "leave": "Dla personelu: zakończ tryb ankiety",
        "language": "Język",
    },
    "en": {
        "skip": "Skip to content",
        "send": "Send my answers",
        "required": "Please choose an answer.",
        "missing": "Please answer every question.",
        "thanks": "Thank you! Your answers are saved.",
        "next": "Next person",
        "anonymous": "We do not ask for your name or anything else that could identify you.",
        "closed": "The survey is closed. Please ask a member of staff.",
        "gone": "This survey link has expired or has already been used.",
        "leave": "For staff: leave survey mode",
        "language": "Language",
    },
    "uk": {
        "skip": "Перейти до змісту",
        "send": "Надіслати відповіді",
        "required": "Будь ласка, оберіть відповідь.",
        "missing": "Будь ласка, дайте відповідь на всі запитання.",
        "thanks": "Дякуємо! Ваші відповіді збережено.",
        "next": "Наступна особа",
        "anonymous": (
            "Ми не питаємо вашого імені чи будь-яких даних, які могли б вас ідентифікувати."
        ),
        "closed": "Анкету закрито. Будь ласка, зверніться до працівника.",
        "gone": "Термін дії цього посилання на анкету минув або його вже використано.",
        "leave": "Для персоналу: вийти з режиму анкети",
        "language": "Мова",
    },
    "ru": {
        "skip": "Перейти к содержанию",
        "send": "Отправить ответы",
        "required": "Пожалуйста, выберите ответ.",
        "missing": "Пожалуйста, ответьте на все вопросы.",
        "thanks": "Спасибо! Ваши ответы сохранены.",
        "next": "Следующий человек",
        "anonymous": (
            "Мы не спрашиваем ваше имя или какие-либо данные, по которым вас можно узнать."
        ),
        "closed": "Анкета закрыта. Пожалуйста, обратитесь к сотруднику.",
        "gone": "Срок действия этой ссылки на анкету истёк, или она уже использована.",
        "leave": "Для персонала: выйти из режима анкеты",
        "language": "Язык",
    },
}

#: Each survey language named in itself (the language menus do the same).
LANGUAGE_NAMES = {
    "pl": "Polski",
    "en": "English",
    "uk": "Українська",
    "ru": "Русский",
}


def words(language: str) -> dict[str, str]:
    """The interface words in `language`, else in English."""
    return WORDS.get(language, WORDS["en"])


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)
