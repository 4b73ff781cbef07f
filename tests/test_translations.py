"""Every interface string has a Polish, English and Ukrainian translation, and nothing stale."""

from __future__ import annotations

import pytest

from tests.i18n_support import LANGUAGES, catalogue, extracted_messages


def _key(message_id: object) -> object:
    return message_id if isinstance(message_id, str) else tuple(message_id)  # type: ignore[arg-type]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_interface_string_is_translated_and_nothing_is_obsolete(language: str) -> None:
    wanted = extracted_messages()
    assert len(wanted) > 300  # the extraction found the templates and the code
    translations = catalogue(language)
    present = {_key(message.id): message for message in translations if message.id}
    missing = sorted(str(m) for m in wanted if m not in present)
    untranslated = sorted(
        str(key)
        for key, message in present.items()
        if message.fuzzy
        or not message.string
        or (isinstance(message.string, tuple) and not all(message.string))
    )
    obsolete = sorted(str(key) for key in present if key not in wanted)
    assert not missing, f"{language}: missing {missing}"
    assert not untranslated, f"{language}: untranslated or fuzzy {untranslated}"
    assert not obsolete, f"{language}: obsolete {obsolete}"
    assert not translations.obsolete, f"{language}: obsolete entries kept in the file"


@pytest.mark.parametrize("language", ["pl", "uk"])
def test_translations_keep_the_placeholders(language: str) -> None:
    import re

    placeholder = re.compile(r"%\((\w+)\)[sd]")
    for message in catalogue(language):
        if not message.id:
            continue
        source = message.id if isinstance(message.id, str) else message.id[0]
        targets = [message.string] if isinstance(message.string, str) else list(message.string)
        for target in targets:
            assert set(placeholder.findall(source)) == set(placeholder.findall(target)), source


def test_every_value_of_an_enum_the_interface_shows_has_a_label() -> None:
    from casework.labels import LABELS, label

    for enum_type in {enum_type for enum_type, _ in LABELS}:
        for member in enum_type:
            assert (enum_type, member.value) in LABELS, member
    from casework.care.models import EnrolmentStatus
    from casework.cases.models import CaseState

    assert label(CaseState.ACTIVE) != label(EnrolmentStatus.ACTIVE)


def test_domain_error_messages_are_extracted_as_message_ids() -> None:
    wanted = extracted_messages()
    assert "a %(state)s case cannot move; reopen it first" in wanted  # raise Conflict("...")
    assert (
        "this %(what)s was changed by someone else (now version %(current)s, you sent "
        "%(expected)s); reload it and try again"
    ) in wanted
    assert "case" in wanted  # a record kind marked with N_
    assert "a reason is required" in wanted  # require_text(message=N_("..."))
    assert "a phone number must not be empty" in wanted  # BlindIndexInputError("...")
