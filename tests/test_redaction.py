"""Redaction of credentials by value and by shape: stored keys, values a provider
client sent (a JWT lives in no file), Bearer tokens and JWTs from anywhere; applied to
text, JSON of any depth, and every log record of the process."""
from __future__ import annotations

import json
import logging

from keroro_graph.redaction import install_log_redaction, remember_sent, scrub_json, scrub_text
from keroro_graph.secrets import SecretStore

JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJhay0xMjMifQ.c2lnbmF0dXJlLXZhbHVl"


def test_shapes_are_scrubbed_and_ordinary_words_are_not():
    assert scrub_text(f"Authorization: Bearer {JWT}") == "Authorization: Bearer ***"
    assert scrub_text("authorization: bearer sk-abc123def456") == "authorization: bearer ***"
    assert scrub_text(f"token={JWT}&x=1") == "token=***&x=1"
    for prose in ("a basic composition of shapes", "Bearer authentication is required", "eyJ alone"):
        assert scrub_text(prose) == prose


def test_a_sent_value_is_scrubbed_wherever_it_turns_up(tmp_path):
    store = SecretStore(tmp_path / "secrets.json", environ={})
    remember_sent("Token opaque-session-value-0042")
    remember_sent("Bearer ")  # a client with no key set: nothing to remember
    remember_sent("Bearer abc")
    assert store.redact("echo: opaque-session-value-0042!") == "echo: ***!"
    assert store.redact("Bearer auth, Bearer abc") == "Bearer auth, Bearer abc"


def test_json_of_any_depth_stays_valid(tmp_path):
    store = SecretStore(tmp_path / "secrets.json", environ={})
    store.set("x", "api_key", 'quote"and\\slash-key')
    deep: object = {"k": 'quote"and\\slash-key'}
    for _ in range(5000):
        deep = [deep]
    clean = store.redact_json(deep)
    for _ in range(5000):
        clean = clean[0]
    assert clean == {"k": "***"}
    assert json.loads(store.redact(json.dumps({"v": 'pre quote"and\\slash-key post'}))) == {"v": "pre *** post"}
    assert scrub_json({"a": 1, "b": [None, 2.5]}, []) == {"a": 1, "b": [None, 2.5]}


def test_every_log_record_is_scrubbed_whatever_handler_writes_it(tmp_path, caplog):
    store = SecretStore(tmp_path / "secrets.json", environ={})
    store.set("kling", "secret_key", "sk-logged-secret-0001")
    install_log_redaction(store)
    logger = logging.getLogger("keroro_graph.some.module")
    with caplog.at_level(logging.INFO):
        logger.info("calling with %s and Bearer %s", "sk-logged-secret-0001", JWT)
        try:
            raise RuntimeError(f"provider said {JWT}")
        except RuntimeError:
            logger.exception("failed")
    text = caplog.text + "".join(r.getMessage() for r in caplog.records)
    assert "sk-logged-secret-0001" not in text and JWT not in text
    assert "calling with *** and Bearer ***" in text and "provider said ***" in text
