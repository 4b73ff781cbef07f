"""Synthetic people for the demo centre: Polish and Ukrainian names, no real persons."""

from __future__ import annotations

import random
from dataclasses import dataclass

from casework.clients.models import Gender, MigrationReason

POLISH_WOMEN = [
    "Anna",
    "Katarzyna",
    "Magdalena",
    "Agnieszka",
    "Joanna",
    "Ewa",
    "Małgorzata",
    "Monika",
    "Aleksandra",
    "Zofia",
    "Beata",
    "Dorota",
    "Justyna",
    "Łucja",
    "Żaneta",
]
POLISH_MEN = [
    "Piotr",
    "Krzysztof",
    "Tomasz",
    "Paweł",
    "Michał",
    "Marcin",
    "Łukasz",
    "Jakub",
    "Grzegorz",
    "Adam",
    "Wojciech",
    "Mateusz",
    "Bartłomiej",
    "Jerzy",
    "Zbigniew",
]
POLISH_SURNAMES = [
    ("Nowak", "Nowak"),
    ("Kowalski", "Kowalska"),
    ("Wiśniewski", "Wiśniewska"),
    ("Wójcik", "Wójcik"),
    ("Kamiński", "Kamińska"),
    ("Lewandowski", "Lewandowska"),
    ("Zieliński", "Zielińska"),
    ("Szymański", "Szymańska"),
    ("Woźniak", "Woźniak"),
    ("Dąbrowski", "Dąbrowska"),
    ("Kozłowski", "Kozłowska"),
    ("Mazur", "Mazur"),
    ("Krawczyk", "Krawczyk"),
    ("Piotrowski", "Piotrowska"),
    ("Grabowski", "Grabowska"),
]
UKRAINIAN_WOMEN = [
    "Olena",
    "Oksana",
    "Iryna",
    "Nataliia",
    "Tetiana",
    "Yuliia",
    "Halyna",
    "Оксана",
    "Ірина",
    "Світлана",
    "Мар'яна",
    "Анастасія",
]
UKRAINIAN_MEN = [
    "Andrii",
    "Oleksandr",
    "Serhii",
    "Dmytro",
    "Mykola",
    "Taras",
    "Yurii",
    "Андрій",
    "Олександр",
    "Богдан",
    "Володимир",
]
UKRAINIAN_SURNAMES = [
    ("Shevchenko", "Shevchenko"),
    ("Bondarenko", "Bondarenko"),
    ("Kovalenko", "Kovalenko"),
    ("Tkachenko", "Tkachenko"),
    ("Kravchuk", "Kravchuk"),
    ("Melnyk", "Melnyk"),
    ("Boiko", "Boiko"),
    ("Шевчук", "Шевчук"),
    ("Коваль", "Коваль"),
    ("Савченко", "Савченко"),
    ("Поліщук", "Поліщук"),
    ("Руденко", "Руденко"),
]
STREETS = ["ul. Długa", "ul. Krakowska", "os. Centrum", "ul. Wielicka", "ul. Lea", "al. Pokoju"]


@dataclass(frozen=True)
class Person:
    given_name: str
    family_name: str
    gender: Gender
    birth_year: int
    nationality: str
    languages: list[str]
    migration_reason: MigrationReason
    phone: str
    address: str


def synthetic_person(
    rng: random.Random,
    *,
    gender: Gender | None = None,
    nationality: str | None = None,
    birth_year: int | None = None,
) -> Person:
    """One made-up person; phone numbers use a range no operator assigns to people (+48 799 …)."""
    nationality = nationality or rng.choices(["PL", "UA", "BY"], weights=[60, 35, 5])[0]
    gender = gender or rng.choices([Gender.FEMALE, Gender.MALE], weights=[62, 38])[0]
    woman = gender == Gender.FEMALE
    if nationality == "PL":
        given = rng.choice(POLISH_WOMEN if woman else POLISH_MEN)
        family = rng.choice(POLISH_SURNAMES)[1 if woman else 0]
        languages, reason = ["pl"], MigrationReason.NOT_MIGRANT
    else:
        given = rng.choice(UKRAINIAN_WOMEN if woman else UKRAINIAN_MEN)
        family = rng.choice(UKRAINIAN_SURNAMES)[1 if woman else 0]
        languages = ["uk", "pl"] if nationality == "UA" else ["ru", "pl"]
        reason = rng.choice(
            [
                MigrationReason.WAR,
                MigrationReason.WAR,
                MigrationReason.WORK,
                MigrationReason.FAMILY,
                MigrationReason.INTERNATIONAL_PROTECTION,
            ]
        )
    return Person(
        given_name=given,
        family_name=family,
        gender=gender,
        birth_year=birth_year or rng.randint(1958, 2004),
        nationality=nationality,
        languages=languages,
        migration_reason=reason,
        phone=f"+48 799 {rng.randint(100, 999)} {rng.randint(100, 999)}",
        address=f"{rng.choice(STREETS)} {rng.randint(1, 120)}, Kraków",
    )
