"""Building the package compiles its translation catalogues (.po into .mo) with babel, so a
wheel or `pip install .` serves Polish and Ukrainian without a separate `pybabel compile`.
Everything else about the package is in pyproject.toml."""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import setup
from setuptools.command.build_py import build_py

TRANSLATIONS = Path(__file__).resolve().parent / "casework" / "translations"


class BuildWithTranslations(build_py):
    """build_py, then each `<language>/LC_MESSAGES/messages.po` compiled beside its copy (an
    editable install: beside the source, which the install points at)."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            target = TRANSLATIONS
        else:
            target = Path(self.build_lib) / "casework" / "translations"
        for source in sorted(TRANSLATIONS.glob("*/LC_MESSAGES/*.po")):
            compiled = target / source.relative_to(TRANSLATIONS).with_suffix(".mo")
            compiled.parent.mkdir(parents=True, exist_ok=True)
            with source.open("rb") as po:
                catalogue = read_po(po, locale=source.parent.parent.name)
            with compiled.open("wb") as mo:
                write_mo(mo, catalogue)


setup(cmdclass={"build_py": BuildWithTranslations})
