"""The service starts only with good keys; development makes its own key file."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from casework import ConfigError, create_app
from casework.crypto.keys import KeyMaterial, encode_key


@pytest.fixture
def production_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    for name in (
        "CASEWORK_KEY_FILE",
        "CASEWORK_MASTER_KEYS",
        "CASEWORK_BLIND_INDEX_KEY",
        "CASEWORK_AUDIT_KEY",
        "CASEWORK_PRIMARY_KEY_ID",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CASEWORK_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/x.sqlite3")
    monkeypatch.setenv("CASEWORK_INSTANCE_PATH", str(tmp_path / "instance"))
    return monkeypatch


def test_production_without_keys_refuses_to_start(production_env: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError, match=r"^no keys configured: .*; refusing to start$"):
        create_app()


def test_production_with_a_malformed_key_refuses_without_echoing_it(
    production_env: pytest.MonkeyPatch,
) -> None:
    good = KeyMaterial.generate("prod-1")
    production_env.setenv("CASEWORK_MASTER_KEYS", "prod-1:not-base64!!")
    production_env.setenv("CASEWORK_BLIND_INDEX_KEY", encode_key(good.blind_index_key))
    production_env.setenv("CASEWORK_AUDIT_KEY", encode_key(good.audit_key))
    with pytest.raises(ConfigError) as refused:
        create_app()
    message = str(refused.value)
    assert "CASEWORK_MASTER_KEYS" in message and "not-base64" not in message
    assert "\n" not in message


def test_production_with_a_wrong_length_key_refuses(production_env: pytest.MonkeyPatch) -> None:
    good = KeyMaterial.generate("prod-1")
    production_env.setenv("CASEWORK_MASTER_KEYS", "prod-1:" + encode_key(b"x" * 16))
    production_env.setenv("CASEWORK_BLIND_INDEX_KEY", encode_key(good.blind_index_key))
    production_env.setenv("CASEWORK_AUDIT_KEY", encode_key(good.audit_key))
    with pytest.raises(ConfigError, match="decodes to 16 bytes; expected 32"):
        create_app()


def test_production_starts_with_keys_from_the_environment(production_env) -> None:
    good = KeyMaterial.generate("prod-1")
    production_env.setenv(
        "CASEWORK_MASTER_KEYS", "prod-1:" + encode_key(good.master_keys.primary.secret)
    )
    production_env.setenv("CASEWORK_BLIND_INDEX_KEY", encode_key(good.blind_index_key))
    production_env.setenv("CASEWORK_AUDIT_KEY", encode_key(good.audit_key))
    app = create_app()
    assert app.extensions["casework.keys"].master_keys.primary_id == "prod-1"


def test_development_creates_a_private_key_file_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("CASEWORK_KEY_FILE", "CASEWORK_MASTER_KEYS", "SECRET_KEY", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CASEWORK_ENV", "development")
    monkeypatch.setenv("CASEWORK_INSTANCE_PATH", str(tmp_path))
    first = create_app()
    key_file = tmp_path / "keys.json"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert "created a development key file" in capsys.readouterr().err
    second = create_app()
    assert (
        first.extensions["casework.keys"].audit_key == second.extensions["casework.keys"].audit_key
    )
