"""Password hashing: cheap under test, argon2's recommended cost everywhere else."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from argon2 import PasswordHasher, extract_parameters

from casework.auth.passwords import hash_password, needs_rehash, verify_password

ROOT = Path(__file__).resolve().parents[2]

_HASH_IN_A_FRESH_APP = """
import sys
from casework import create_app
from casework.auth.passwords import hash_password
from casework.crypto.keys import KeyMaterial

create_app({
    "CASEWORK_ENV": sys.argv[1],
    "SECRET_KEY": "not a secret, but 32 bytes or longer",
    "SQLALCHEMY_DATABASE_URI": sys.argv[2],
    "CASEWORK_KEY_MATERIAL": KeyMaterial.generate("hashing-test"),
})
print(hash_password("correct horse battery"))
"""


@pytest.mark.parametrize("environment", ["development", "production"])
def test_outside_tests_passwords_are_hashed_at_the_recommended_cost(
    environment: str, tmp_path: Path
) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            _HASH_IN_A_FRESH_APP,
            environment,
            f"sqlite:///{tmp_path / 'casework.sqlite3'}",
        ],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "CASEWORK_INSTANCE_PATH": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    made = extract_parameters(result.stdout.strip())
    assert made == extract_parameters(PasswordHasher().hash("anything"))
    assert made.memory_cost >= 19 * 1024 and made.time_cost >= 2  # OWASP's floor for argon2id


def test_under_test_hashing_is_cheap_and_still_argon2id(app) -> None:
    password_hash = hash_password("correct horse battery")
    assert password_hash.startswith("$argon2id$")
    assert extract_parameters(password_hash).memory_cost < 1024
    assert verify_password(password_hash, "correct horse battery")
    assert not verify_password(password_hash, "wrong horse battery")
    assert not needs_rehash(password_hash)
