"""SecretStore and ProviderSettings: the 0600 file, atomic writes, environment
overrides, masking and redaction."""
from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from pydantic import ValidationError

from keroro_graph.registry.providers import env_vars
from tests.conftest import shipped_providers
from keroro_graph.secrets import (ProviderSettings, SecretsError, SecretStore, atomic_write, default_env_var,
                                  mask)

KEY = "sk-live-0123456789abcdef"


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "user" / "secrets.json"


def mode_of(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_set_creates_the_file_with_mode_0600_and_our_structure(path: Path) -> None:
    store = SecretStore(path, environ={})
    store.set("gemini", "api_key", KEY)
    assert mode_of(path) == 0o600
    assert json.loads(path.read_text()) == {"gemini": {"api_key": KEY}}
    assert store.get("gemini", "api_key") == KEY
    assert store.source("gemini", "api_key") == "file"


def test_mode_stays_0600_under_a_permissive_umask(path: Path) -> None:
    old = os.umask(0)
    try:
        SecretStore(path, environ={}).set("kling", "access_key", "ak-123456789012")
    finally:
        os.umask(old)
    assert mode_of(path) == 0o600


def test_a_file_readable_by_others_is_restricted_when_read(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"kling": {"secret_key": "s" * 20}}))
    os.chmod(path, 0o644)
    assert SecretStore(path, environ={}).get("kling", "secret_key") == "s" * 20
    assert mode_of(path) == 0o600


def test_writes_are_atomic_and_leave_no_temporary_files(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = SecretStore(path, environ={})
    store.set("gemini", "api_key", KEY)

    def broken_replace(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        store.set("gemini", "api_key", "sk-other-value-000000")
    monkeypatch.undo()
    assert json.loads(path.read_text()) == {"gemini": {"api_key": KEY}}
    assert [p.name for p in path.parent.iterdir()] == ["secrets.json"]


def test_atomic_write_replaces_whole_files(tmp_path: Path) -> None:
    target = tmp_path / "a.json"
    atomic_write(target, b"old")
    atomic_write(target, b"new", mode=0o600)
    assert target.read_bytes() == b"new" and mode_of(target) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json"]


def test_environment_overrides_the_file(path: Path) -> None:
    store = SecretStore(path, env_vars=env_vars(shipped_providers().values()), environ={"GEMINI_API_KEY": "env-key-abcdefgh1234"})
    store.set("gemini", "api_key", KEY)
    assert store.get("gemini", "api_key") == "env-key-abcdefgh1234"
    assert store.source("gemini", "api_key") == "env"
    ours = SecretStore(path, env_vars=env_vars(shipped_providers().values()),
                       environ={"GEMINI_API_KEY": "conventional-1", "KERORO_GEMINI_API_KEY": "ours-000000001"})
    assert ours.get("gemini", "api_key") == "ours-000000001"


def test_the_default_environment_variable_needs_no_registration(path: Path) -> None:
    assert default_env_var("kling", "access_key") == "KERORO_KLING_ACCESS_KEY"
    store = SecretStore(path, environ={"KERORO_MODELSCOPE_TOKEN": "ms-token-0000000000"})
    assert store.get("modelscope", "token") == "ms-token-0000000000"
    assert store.get("modelscope", "other") is None


def test_every_catalogue_credential_has_its_documented_variable() -> None:
    names = {v for vs in env_vars(shipped_providers().values()).values() for v in vs}
    assert {"KERORO_KLING_ACCESS_KEY", "KERORO_KLING_SECRET_KEY", "KERORO_GEMINI_API_KEY",
            "KERORO_DASHSCOPE_API_KEY", "KERORO_SILICONFLOW_API_KEY", "KERORO_MODELSCOPE_TOKEN",
            "KERORO_RUNNINGHUB_API_KEY", "KERORO_OHMYGPT_API_KEY", "KERORO_CHERRYIN_API_KEY",
            "GEMINI_API_KEY", "DASHSCOPE_API_KEY"} <= names


def test_delete_removes_only_the_stored_value(path: Path) -> None:
    store = SecretStore(path, environ={})
    store.set("kling", "access_key", "ak-000000000001")
    store.set("kling", "secret_key", "sk-000000000002")
    assert store.delete("kling", "access_key") is True
    assert store.delete("kling", "access_key") is False
    assert json.loads(path.read_text()) == {"kling": {"secret_key": "sk-000000000002"}}
    assert mode_of(path) == 0o600


def test_empty_values_are_refused(path: Path) -> None:
    with pytest.raises(ValueError):
        SecretStore(path, environ={}).set("gemini", "api_key", "  ")


def test_masking_never_shows_more_than_the_last_four_characters() -> None:
    assert mask("short-key") == "…"
    assert mask("abcdefghijk") == "…"
    assert mask("abcdefghijkl") == "…ijkl"
    assert mask(KEY) == "sk-…cdef"


def test_masked_lists_sources_and_never_values(path: Path) -> None:
    store = SecretStore(path, env_vars=env_vars(shipped_providers().values()), environ={"DASHSCOPE_API_KEY": "sk-dash-9999888877776666"})
    store.set("kling", "secret_key", "kling-secret-abcdefghijk")
    masked = store.masked()
    assert masked == {
        "kling": {"secret_key": {"set": True, "masked": "…hijk", "source": "file"}},
        "dashscope": {"api_key": {"set": True, "masked": "sk-…6666", "source": "env"}},
    }
    text = json.dumps(masked)
    assert "kling-secret-abcdefghijk" not in text and "sk-dash-9999888877776666" not in text


def test_redact_scrubs_every_known_value(path: Path) -> None:
    store = SecretStore(path, env_vars=env_vars(shipped_providers().values()), environ={"KERORO_OHMYGPT_API_KEY": "sk-omg-1234567890"})
    store.set("gemini", "api_key", KEY)
    store.set("kling", "secret_key", 'quote"and\\slash-1234')
    text = f"failed with key {KEY} and sk-omg-1234567890"
    assert store.redact(text) == "failed with key *** and ***"
    as_json = json.dumps({"w": 'quote"and\\slash-1234'})
    assert "slash" not in store.redact(as_json)


def test_redact_leaves_short_values_and_unrelated_text_alone(path: Path) -> None:
    store = SecretStore(path, environ={})
    store.set("x", "pin", "1234")
    assert store.redact("room 1234") == "room 1234"


def test_redact_json_keeps_the_document_valid(path: Path) -> None:
    store = SecretStore(path, environ={})
    store.set("gemini", "api_key", "12345678")
    doc = {"nodes": [{"widgets_values": ["12345678", 12345678, "x-12345678-y"]}], "12345678": True}
    assert store.redact_json(doc) == {"nodes": [{"widgets_values": ["***", 12345678, "x-***-y"]}], "***": True}


def test_a_corrupt_file_is_an_error_not_silently_empty(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    store = SecretStore(path, environ={})
    with pytest.raises(SecretsError, match="not valid JSON"):
        store.get("gemini", "api_key")


def test_changes_by_another_writer_are_seen(path: Path) -> None:
    one, two = SecretStore(path, environ={}), SecretStore(path, environ={})
    assert one.get("gemini", "api_key") is None
    two.set("gemini", "api_key", KEY)
    assert one.get("gemini", "api_key") == KEY


def test_redaction_follows_the_process_environment_as_it_changes(
        path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Scrubbing runs for every stored document, so its set of values is memoised; a key
    exported, changed or unset in the real environment still counts at once."""
    store = SecretStore(path, env_vars=env_vars(shipped_providers().values()))
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)
    monkeypatch.delenv("KERORO_GEMINI_API_KEY", raising=False)
    assert store.redact("key env-key-abcdefgh1234") == "key env-key-abcdefgh1234"
    monkeypatch.setenv("GEMINI_API_KEY", "env-key-abcdefgh1234")
    assert store.redact("key env-key-abcdefgh1234") == "key ***"
    monkeypatch.setenv("GEMINI_API_KEY", "env-key-zyxwvuts9876")
    assert store.redact_json({"a": "env-key-abcdefgh1234 env-key-zyxwvuts9876"}) == {"a": "env-key-abcdefgh1234 ***"}
    monkeypatch.delenv("GEMINI_API_KEY")
    assert store.redact("env-key-zyxwvuts9876") == "env-key-zyxwvuts9876"


def test_provider_settings_round_trip_and_keep_other_keys(tmp_path: Path) -> None:
    file = tmp_path / "settings.json"
    file.write_text(json.dumps({"theme": "dark"}))
    settings = ProviderSettings(file)
    config = settings.update("kling", {"base_url": "https://api.klingai.com/", "limit": 3})
    assert config.base_url == "https://api.klingai.com" and config.limit == 3
    settings.update("kling", {"models": {"video": ["kling-v9"]}, "limit": None})
    data = json.loads(file.read_text())
    assert data["theme"] == "dark"
    assert data["providers"]["kling"] == {"base_url": "https://api.klingai.com", "models": {"video": ["kling-v9"]}}
    assert ProviderSettings(file).get("kling").limit is None
    assert ProviderSettings(file).get("gemini").base_url is None


@pytest.mark.parametrize("changes", [{"base_url": "ftp://x"}, {"base_url": "not a url"}, {"limit": 0},
                                     {"limit": "many"}, {"colour": "red"}])
def test_provider_settings_refuse_bad_values(tmp_path: Path, changes: dict) -> None:
    with pytest.raises(ValidationError):
        ProviderSettings(tmp_path / "settings.json").update("kling", changes)
    assert not (tmp_path / "settings.json").exists()
