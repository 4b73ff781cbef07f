"""Blind-index normalisation (Polish and Ukrainian names, phones, PESEL, e-mail) and HMACs."""

import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from casework.crypto.blind_index import (
    POLISH,
    UKRAINIAN,
    BlindIndexer,
    IndexKind,
    is_valid_pesel,
    normalise_email,
    normalise_identifier,
    normalise_name,
    normalise_phone,
    normalise_surname_birth_year,
)
from casework.crypto.errors import BlindIndexInputError

KEY = bytes(range(32))
indexer = BlindIndexer(KEY)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Łukasz Wójcik", "lukasz wojcik"),
        ("LUKASZ WOJCIK", "lukasz wojcik"),
        ("  łukasz \t  WÓJCIK\n", "lukasz wojcik"),
        ("Zażółć gęślą jaźń", "zazolc gesla jazn"),
        ("ŁĘCKA", "lecka"),
        ("Małgorzata Śliwińska-Żak", "malgorzata sliwinska zak"),
        ("Kowalska-Nowak", "kowalska nowak"),
        ("Kowalska – Nowak", "kowalska nowak"),
        ("Kowalska Nowak", "kowalska nowak"),
        ("KOWALSKA‐NOWAK", "kowalska nowak"),
        ("O'Brien", "obrien"),
        ("O’Brien", "obrien"),
        ("Müller", "muller"),
        ("Øvergård", "overgard"),
        ("Đorđević", "dordevic"),
        ("Straße", "strasse"),
        ("Ｋｏｗａｌｓｋｉ", "kowalski"),  # full-width, as some keyboards produce
        ("Wo\u0301jcik", "wojcik"),  # decomposed ó
    ],
)
def test_polish_and_other_latin_names_normalise(typed: str, expected: str) -> None:
    assert normalise_name(typed) == expected


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        # Surnames and first names, as KMU 2010 passports spell them.
        ("Шевченко", "Shevchenko"),
        ("Тимошенко", "Tymoshenko"),
        ("Олександр", "Oleksandr"),
        ("Юлія", "Yuliia"),
        ("Андрій", "Andrii"),
        ("Сергій", "Serhii"),
        ("Ковальчук", "Kovalchuk"),
        ("Мар'яна", "Mariana"),
        ("Мар’яна", "Mariana"),
        ("Марʼяна", "Mariana"),
        ("Ольга-Юлія", "Olha-Yuliia"),
        ("Ґалаґан", "Galagan"),
        # The examples of the resolution itself.
        ("Алушта", "Alushta"),
        ("Борщагівка", "Borshchahivka"),
        ("Вишгород", "Vyshhorod"),
        ("Гадяч", "Hadiach"),
        ("Згорани", "Zghorany"),
        ("Розгон", "Rozghon"),
        ("Рівне", "Rivne"),
        ("Єнакієве", "Yenakiieve"),
        ("Наєнко", "Naienko"),
        ("Житомир", "Zhytomyr"),
        ("Закарпаття", "Zakarpattia"),
        ("Іршава", "Irshava"),
        ("Їжакевич", "Yizhakevych"),
        ("Кадіївка", "Kadiivka"),
        ("Йосипівка", "Yosypivka"),
        ("Стрий", "Stryi"),
        ("Київ", "Kyiv"),
        ("Миколаїв", "Mykolaiv"),
        ("Ужгород", "Uzhhorod"),
        ("Харків", "Kharkiv"),
        ("Біла Церква", "Bila Tserkva"),
        ("Чернівці", "Chernivtsi"),
        ("Гоща", "Hoshcha"),
        ("Русь", "Rus"),
        ("Юрій", "Yurii"),
        ("Крюківка", "Kriukivka"),
        ("Яготин", "Yahotyn"),
        ("Ічня", "Ichnia"),
        ("Знам’янка", "Znamianka"),
    ],
)
def test_ukrainian_cyrillic_matches_its_kmu_2010_transliteration(cyrillic: str, latin: str) -> None:
    assert normalise_name(cyrillic) == normalise_name(latin)
    assert normalise_name(cyrillic.upper()) == normalise_name(latin.upper())
    assert indexer.surname_birth_year(cyrillic, 1990) == indexer.surname_birth_year(latin, 1990)


def test_the_named_examples_of_the_issue_match_through_the_index() -> None:
    assert indexer.surname_birth_year("Łukasz Wójcik", 1984) == indexer.surname_birth_year(
        "LUKASZ WOJCIK", 1984
    )
    assert indexer.surname_birth_year("Шевченко", 1984) == indexer.surname_birth_year(
        "Shevchenko", 1984
    )
    assert indexer.surname_birth_year("Шевченко", 1984) != indexer.surname_birth_year(
        "Shevchenko", 1985
    )


def test_nfkc_and_casefold_alone_would_not_have_been_enough() -> None:
    import unicodedata

    assert unicodedata.normalize("NFKD", "ł").casefold() != "l"
    assert normalise_name("ł") == "l"


def test_other_scripts_are_kept_not_erased() -> None:
    assert normalise_name("محمد") == "محمد"
    assert normalise_name("Ёлкин") == "elkyn"  # Russian letters fall back to the same table
    assert normalise_name("محمد") != normalise_name("علي")


@pytest.mark.parametrize("empty", ["", "   ", "-", "' ’", "..."])
def test_a_name_without_letters_is_refused(empty: str) -> None:
    with pytest.raises(BlindIndexInputError, match="at least one letter"):
        normalise_name(empty)


@pytest.mark.parametrize("year", [1879, 2201, True, "1990", 1990.0])
def test_an_implausible_birth_year_is_refused(year: object) -> None:
    with pytest.raises(BlindIndexInputError, match="birth year"):
        normalise_surname_birth_year("Nowak", year)  # type: ignore[arg-type]


def test_surname_birth_year_form() -> None:
    assert normalise_surname_birth_year(" Nowak-Łęcka ", 1990) == "nowak lecka|1990"


# --- phones ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("601 234 567", "+48601234567"),
        ("601-234-567", "+48601234567"),
        ("601234567", "+48601234567"),
        ("(22) 123 45 67", "+48221234567"),
        ("+48 601 234 567", "+48601234567"),
        ("0048 601 234 567", "+48601234567"),
        ("0048601234567", "+48601234567"),
        ("(+48) 601-234-567", "+48601234567"),
        ("+48.601.234.567", "+48601234567"),
        ("+380 67 123 4567", "+380671234567"),
        ("00380671234567", "+380671234567"),
        ("+44 (0)20 7946 0958", "+442079460958"),
        ("+1 (212) 555-0100", "+12125550100"),
        ("＋４８ ６０１ ２３４ ５６７", "+48601234567"),
    ],
)
def test_phone_numbers_normalise_to_e164(typed: str, expected: str) -> None:
    assert normalise_phone(typed) == expected
    assert indexer.phone(typed) == indexer.phone(expected)


@pytest.mark.parametrize(
    ("typed", "fragment"),
    [
        ("", "must not be empty"),
        (" - ", "must not be empty"),
        ("call me", "only digits"),
        ("601 234 567 ext. 12", "only digits"),
        ("601 234 56", "9 digits"),
        ("0671234567", "+380 for Ukraine"),
        ("+48 601 234 56", "Polish number"),
        ("+48 601 234 5678", "Polish number"),
        ("+0 123 456 789", "country code"),
        ("+1234567890123456", "8 to 15 digits"),
        ("++48601234567", "only digits"),
        ("+48 601 234 567 +1", "only digits"),
        ("٦٠١٢٣٤٥٦٧", "only digits"),
    ],
)
def test_garbage_phone_numbers_are_refused_clearly(typed: str, fragment: str) -> None:
    with pytest.raises(BlindIndexInputError, match=re.escape(fragment)):
        normalise_phone(typed)


# --- identity numbers -----------------------------------------------------------------------


def pesel_with_check_digit(first_ten: str) -> str:
    weights = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)
    total = sum(w * int(d) for w, d in zip(weights, first_ten, strict=True))
    return first_ten + str((10 - total % 10) % 10)


@pytest.mark.parametrize(
    "pesel",
    [
        "44051401359",
        "02070803628",
        "440 514 013 59",
        pesel_with_check_digit("0422290123"),  # 29 February 2004 (month + 20 for the 2000s)
        pesel_with_check_digit("9912310000"),  # 31 December 1999
        pesel_with_check_digit("0081010000"),  # 1 January 1800 (month + 80)
    ],
)
def test_valid_pesel_numbers_pass(pesel: str) -> None:
    assert is_valid_pesel(pesel)


@pytest.mark.parametrize(
    "pesel",
    [
        "44051401358",  # wrong check digit
        "4405140135",  # ten digits
        "440514013590",  # twelve digits
        "4405140135X",
        "",
        pesel_with_check_digit("0222290123"),  # 29 February 2002
        pesel_with_check_digit("9913010000"),  # month 13
        pesel_with_check_digit("9904310000"),  # 31 April
        pesel_with_check_digit("9901000000"),  # day 0
    ],
)
def test_invalid_pesel_numbers_fail(pesel: str) -> None:
    assert not is_valid_pesel(pesel)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("44051401359", "44051401359"),
        (" 440-514-013 59 ", "44051401359"),
        ("fx 1234567", "FX1234567"),
        ("AB/123.456", "AB123456"),
        ("ек 123456", "ЕК123456"),
    ],
)
def test_identity_numbers_normalise(typed: str, expected: str) -> None:
    assert normalise_identifier(typed) == expected
    assert indexer.national_id(typed) == indexer.national_id(expected)
    assert indexer.document(typed) == indexer.document(expected)


@pytest.mark.parametrize("typed", ["", " - ", "AB#123", "12_34", "x" * 65])
def test_malformed_identity_numbers_are_refused(typed: str) -> None:
    with pytest.raises(BlindIndexInputError, match="identity number"):
        normalise_identifier(typed)


# --- e-mail ---------------------------------------------------------------------------------


def test_email_is_stripped_and_lowercased_but_keeps_plus_tags_and_dots() -> None:
    assert (
        normalise_email("  Anna.Kowalska+Porada@Example.ORG ") == "anna.kowalska+porada@example.org"
    )
    assert indexer.email("ANNA@example.org") == indexer.email("anna@EXAMPLE.org")
    assert indexer.email("anna+x@example.org") != indexer.email("anna@example.org")
    assert indexer.email("an.na@example.org") != indexer.email("anna@example.org")


@pytest.mark.parametrize("typed", ["", "anna", "anna@", "@example.org", "a@b@c", "an na@x.org"])
def test_malformed_email_is_refused(typed: str) -> None:
    with pytest.raises(BlindIndexInputError, match="e-mail"):
        normalise_email(typed)


# --- the index ------------------------------------------------------------------------------


def test_index_values_are_32_hex_characters_and_depend_on_the_key() -> None:
    value = indexer.phone("601 234 567")
    assert re.fullmatch(r"[0-9a-f]{32}", value)
    assert BlindIndexer(bytes(range(1, 33))).phone("601 234 567") != value
    assert "key" in repr(indexer) and repr(KEY) not in repr(indexer)


def test_the_same_digits_in_different_kinds_never_collide() -> None:
    digits = "601234567"
    values = {
        indexer.national_id(digits),
        indexer.document(digits),
        indexer.compute(IndexKind.PHONE, digits),
        indexer.compute(IndexKind.EMAIL, digits),
        indexer.compute(IndexKind.SURNAME_BIRTH_YEAR, digits),
    }
    assert len(values) == 5


def test_the_index_refuses_a_short_key() -> None:
    with pytest.raises(BlindIndexInputError, match="32 bytes"):
        BlindIndexer(KEY[:16])


# --- properties -----------------------------------------------------------------------------

POLISH_LETTERS = "".join(POLISH) + "abcdefghijklmnoprstuwyz"
UKRAINIAN_LETTERS = "".join(UKRAINIAN) + "’'"
name_words = st.lists(
    st.text(alphabet=POLISH_LETTERS + UKRAINIAN_LETTERS, min_size=1, max_size=12),
    min_size=1,
    max_size=4,
)


@given(st.text(max_size=40))
def test_name_normalisation_is_idempotent(text: str) -> None:
    try:
        once = normalise_name(text)
    except BlindIndexInputError:
        return
    assert normalise_name(once) == once


@given(name_words, st.sampled_from([" ", "  ", "-", " - ", "\t"]))
def test_case_and_separators_do_not_change_a_polish_or_ukrainian_name(words, separator) -> None:
    assume(any(c not in "’'ьЬ" for word in words for c in word))  # these letters vanish
    lower = " ".join(words)
    upper = separator.join(word.upper() for word in words)
    assert normalise_name(f"  {upper} ") == normalise_name(lower)
    assert normalise_name(lower).isascii()


@given(st.text(max_size=30))
def test_phone_identifier_and_email_normalisation_are_idempotent(text: str) -> None:
    for normalise in (normalise_phone, normalise_identifier, normalise_email):
        try:
            once = normalise(text)
        except BlindIndexInputError:
            continue
        assert normalise(once) == once


@given(st.from_regex(r"\+?(00)?[1-9][0-9 \-]{7,16}", fullmatch=True))
def test_phone_normalisation_is_idempotent_on_number_like_input(text: str) -> None:
    try:
        once = normalise_phone(text)
    except BlindIndexInputError:
        return
    assert normalise_phone(once) == once
    assert re.fullmatch(r"\+[1-9][0-9]{7,14}", once)


@given(st.sampled_from(list(IndexKind)), st.text(max_size=40))
def test_the_hmac_is_deterministic(kind: IndexKind, value: str) -> None:
    assert BlindIndexer(KEY).compute(kind, value) == indexer.compute(kind, value)


@given(st.text(max_size=40))
def test_every_kind_gives_a_different_index_for_the_same_value(value: str) -> None:
    assert len({indexer.compute(kind, value) for kind in IndexKind}) == len(IndexKind)
