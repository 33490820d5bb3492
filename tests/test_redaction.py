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


def test_other_credential_shapes_basic_api_key_headers_and_query_keys():
    assert scrub_text("Authorization: Basic dXNlcjpwYXNzd29yZA==") == "Authorization: Basic ***"
    assert scrub_text("x-api-key: sk-ant-0123456789") == "x-api-key: ***"
    assert scrub_text('{"x-goog-api-key": "AIzaSyA1234567890abcdef"}') == '{"x-goog-api-key": "***"}'
    assert scrub_text("api-key=0123456789abcdef") == "api-key=***"
    assert scrub_text("GET https://g.example/v1beta/models?key=AIzaSyA1234567890&alt=sse") == \
        "GET https://g.example/v1beta/models?key=***&alt=sse"
    presigned = ("PUT https://b.s3.example/o.png?X-Amz-Credential=AKIA0123%2F20261204&X-Amz-Date=20261204T000000Z"
                 "&X-Amz-Security-Token=FwoGZXIvYXdzEJr&X-Amz-Signature=0a1b2c3d4e5f")
    assert scrub_text(presigned) == ("PUT https://b.s3.example/o.png?X-Amz-Credential=***&X-Amz-Date=20261204T000000Z"
                                     "&X-Amz-Security-Token=***&X-Amz-Signature=***")
    assert scrub_text("oss.example/?OSSAccessKeyId=LTAI5tAbCdEf&Signature=q0s9d8f7g6") == \
        "oss.example/?OSSAccessKeyId=***&Signature=***"
    for prose in ("/view?filename=cat_00001_.png&type=output&subfolder=", "the api key is missing",
                  "set the api_key input", "?keyword=landscape&limit=100", "monkey=banana"):
        assert scrub_text(prose) == prose


def test_credential_fields_of_a_request_are_remembered(tmp_path):
    from keroro_graph.redaction import remember_fields
    found = remember_fields({"apiKey": "rh-0123456789", "key": "uploads/a.png", "Signature": "sig-abcdef12",
                             "OSSAccessKeyId": "LTAI5tAbCdEf", "prompt": "a cat"})
    assert sorted(found) == ["LTAI5tAbCdEf", "rh-0123456789", "sig-abcdef12"]  # an upload's object key is not one
    assert remember_fields({"key": "AIzaSy-query-0123"}, query=True) == ["AIzaSy-query-0123"]
    store = SecretStore(tmp_path / "secrets.json", environ={})
    assert store.redact("echo rh-0123456789 / AIzaSy-query-0123 / uploads/a.png") == "echo *** / *** / uploads/a.png"


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


def test_a_large_document_is_searched_in_pieces_and_nothing_is_missed():
    """Documents of thousands of members are serialised a piece at a time (so a thread
    doing it hands the GIL back); a secret or a token shape anywhere is still found."""
    from keroro_graph.redaction import might_hold_secret
    prompt = {f"n{i}": {"class_type": "PrimitiveInt", "inputs": {"value": i}} for i in range(5000)}
    assert not might_hold_secret(prompt, ["sk-secret-0042"])
    prompt["n4321"]["inputs"]["value"] = "use sk-secret-0042"
    assert might_hold_secret(prompt, ["sk-secret-0042"])
    runs = {"jobs": [{"id": str(j), "outputs": {f"o{i}": {"text": [str(i)]} for i in range(3000)}} for j in range(3)]}
    assert not might_hold_secret(runs, [])
    runs["jobs"][2]["outputs"]["o2999"]["text"] = [f"Authorization: Bearer {JWT}"]
    assert might_hold_secret(runs, [])
    assert might_hold_secret({"k": ["x", {"deep": ['"quoted" sk-secret-0042']}]}, ["sk-secret-0042"])


def test_a_list_answer_holding_a_large_job_is_never_serialised_whole(monkeypatch):
    """/api/runs' body holds its jobs' outputs four levels down ({"jobs": [{"outputs":
    {...}}]}): it takes the piecewise path too, never one json.dumps of the whole (which
    holds the GIL for hundreds of ms at 200k nodes)."""
    from keroro_graph import redaction
    body = {"jobs": [{"id": "a", "outputs": {f"o{i}": {"text": [str(i)]} for i in range(3000)}}],
            "total": 1, "limit": 100, "offset": 0}
    longest: list[int] = []
    real = redaction.json.dumps

    def spy(value, *args, **kwargs):
        text = real(value, *args, **kwargs)
        longest.append(len(text))
        return text
    monkeypatch.setattr(redaction.json, "dumps", spy)
    assert not redaction.might_hold_secret(body, ["sk-secret-0042"])
    assert longest and max(longest) < len(real(body)) / 100
    body["jobs"][0]["outputs"]["o1500"]["text"] = ["sk-secret-0042"]
    assert redaction.might_hold_secret(body, ["sk-secret-0042"])
