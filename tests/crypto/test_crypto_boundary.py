"""The cryptographic core stands alone: no Flask, no SQLAlchemy, no other casework package."""

import subprocess
import sys

import casework.crypto


def test_the_crypto_core_imports_no_framework_or_other_casework_package() -> None:
    probe = (
        "import sys, casework.crypto; "
        "print('\\n'.join(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'flask', 'sqlalchemy', 'flask_sqlalchemy', 'werkzeug', 'assessments'} "
        "or (m.startswith('casework.') and not m.startswith('casework.crypto')))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_every_public_name_is_exported() -> None:
    for name in casework.crypto.__all__:
        assert hasattr(casework.crypto, name), name
