"""Scrubbing credentials out of text and JSON before it reaches any sink (the job
store, answers, the WebSocket, logs, files).

Three kinds of credential are recognised:
- known values: what the secret store holds (passed in by the caller);
- values a provider client sent: every authentication header value (a Kling JWT
  lives 30 minutes and is in no file) is remembered here when it is sent, so an error
  body that echoes it is scrubbed;
- shapes: ``Bearer <token>`` / ``Basic <token>``, JSON Web Tokens (``eyJ….….…``) and
  credential-named URL query parameters (``?key=…``, ``&X-Amz-Signature=…``,
  ``access_token=…``), whoever issued them (another process on a shared queue, a
  presigned upload URL in an HTTP client's log line).

``install_log_redaction`` puts the same scrub on every log record of the process.
This module needs only the standard library.
"""
from __future__ import annotations

import json
import logging
import re
import threading
import weakref
from collections import OrderedDict
from typing import Any, Callable, Iterable

REDACTED = "***"
#: Values shorter than this are not scrubbed from text: they cannot be told apart
#: from ordinary words and numbers (and no provider issues keys that short).
MIN_REDACT_CHARS = 6
_MAX_SENT = 256

#: ``Bearer``/``Basic`` followed by a credential-looking word: 8+ token characters, at
#: least one of them a digit or punctuation (so "basic settings" is left alone).
_SCHEME_TOKEN = re.compile(r"\b([Bb]earer|BEARER|Basic|BASIC)(\s+)"
                           r"(?=[A-Za-z0-9._~+/=-]*[0-9._~+/=-])[A-Za-z0-9._~+/=-]{8,}")
_SCHEME_HINT = re.compile(r"(?i)bearer|basic")
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*")
#: A request field or query parameter whose value is a credential: any name holding
#: token/secret/signature/password/credential, or ending in key / key id after a prefix
#: (``apiKey``, ``x-api-key``, ``OSSAccessKeyId``; a bare ``key`` is a file name in
#: upload forms, so only ``QUERY_KEY`` below takes it).
CREDENTIAL_FIELD = re.compile(r"(?i)authorization|token|secret|signature|password|credential|cookie"
                              r"|\w[_-]?key(?:[_-]?id)?$")
#: ``?name=value`` / ``&name=value`` with a credential name (a bare ``key`` included,
#: as Google's ``?key=``): the value is scrubbed, the name kept.
_QUERY_KEY = re.compile(r"(?i)([?&](?:key|sig|[\w.-]*(?:token|secret|signature|password|credential)[\w.-]*"
                        r"|[\w.-]*\w[_-]?key(?:[_-]?id)?)=)([^&\s\"'<>#]{6,})")
#: An API-key header written out (``x-api-key: …``, ``"x-goog-api-key": "…"``, ``api-key=…``).
_HEADER_KEY = re.compile(r"(?i)\b((?:x-)?(?:goog-)?api[_-]?key|x-auth-token|x-access-token)([\"']?\s*[:=]\s*[\"']?)"
                         r"([A-Za-z0-9._~+/-]{8,})")
_KEY_HINT = re.compile(r"(?i)api.?key|-token")

__all__ = ["CREDENTIAL_FIELD", "MIN_REDACT_CHARS", "REDACTED", "credential_parts", "install_log_redaction",
           "credential_fields", "remember_fields", "remember_sent", "scrub_json", "scrub_text", "sent_values",
           "sent_version"]


class _SentValues:
    """The last few hundred credential values provider clients sent (thread-safe)."""

    def __init__(self) -> None:
        self._values: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()
        self.version = 0

    def add(self, value: str) -> None:
        if not isinstance(value, str) or len(value) < MIN_REDACT_CHARS:
            return
        with self._lock:
            if value in self._values:
                self._values.move_to_end(value)
                return
            self._values[value] = None
            if len(self._values) > _MAX_SENT:
                self._values.popitem(last=False)
            self.version += 1

    def values(self) -> list[str]:
        with self._lock:
            return list(self._values)


_SENT = _SentValues()


def credential_parts(header_value: str) -> list[str]:
    """The values worth scrubbing in a credential header: the whole value and the
    token after a scheme (``Bearer eyJ…`` gives both); nothing for an empty or short
    credential, so an unset key never turns the word ``Bearer`` into a secret."""
    value = header_value.strip()
    scheme, space, rest = header_value.lstrip().partition(" ")
    token = rest.strip() if space and scheme.isalpha() else value
    if len(token) < MIN_REDACT_CHARS:
        return []
    return [value, token] if token != value else [value]


def remember_sent(header_value: str) -> None:
    """Record a credential a client is about to send (a header value such as
    ``Bearer eyJ…``: the whole value and the token after the scheme)."""
    for part in credential_parts(header_value):
        _SENT.add(part)


def credential_fields(fields: Any, *, query: bool = False) -> list[str]:
    """The values of credential-named fields of a request's query parameters, form or
    top-level JSON body (``apiKey``, ``Signature``, ``security_token``; in a query a
    bare ``key`` too, as Google's ``?key=``)."""
    if not isinstance(fields, dict):
        return []
    return [value for name, value in fields.items()
            if isinstance(name, str) and isinstance(value, str) and len(value) >= MIN_REDACT_CHARS
            and (CREDENTIAL_FIELD.search(name) or (query and name.lower() == "key"))]


def remember_fields(fields: Any, *, query: bool = False) -> list[str]:
    """Record (and return) the credential values ``credential_fields`` finds."""
    found = credential_fields(fields, query=query)
    for value in found:
        _SENT.add(value)
    return found


def sent_values() -> tuple[int, list[str]]:
    """(a version that changes when the set does, the values)."""
    return _SENT.version, _SENT.values()


def sent_version() -> int:
    """The version ``sent_values`` would give, without copying the values."""
    return _SENT.version


def forms_of(values: Iterable[str]) -> list[str]:
    """Each value and its JSON-escaped form, longest first (so a secret containing
    another is scrubbed whole)."""
    forms: dict[str, None] = {}
    for value in values:
        if value and len(value) >= MIN_REDACT_CHARS:
            forms[value] = None
            forms[json.dumps(value, ensure_ascii=False)[1:-1]] = None
    return sorted(forms, key=len, reverse=True)


def scrub_text(text: str, forms: Iterable[str] = ()) -> str:
    """``text`` with every form, every scheme token and every JWT replaced by ``***``."""
    for form in forms:
        if form in text:
            text = text.replace(form, REDACTED)
    if "eyJ" in text:
        text = _JWT.sub(REDACTED, text)
    if _SCHEME_HINT.search(text) is not None:
        text = _SCHEME_TOKEN.sub(_keep_scheme, text)
    if "=" in text:
        text = _QUERY_KEY.sub(_keep_name, text)
    if _KEY_HINT.search(text) is not None:
        text = _HEADER_KEY.sub(_keep_header, text)
    return text


def _keep_header(match: re.Match[str]) -> str:
    return f"{match.group(1)}{match.group(2)}{REDACTED}"


def _keep_name(match: re.Match[str]) -> str:
    return f"{match.group(1)}{REDACTED}" if match.group(2) != REDACTED else match.group(0)


def _keep_scheme(match: re.Match[str]) -> str:
    return f"{match.group(1)}{match.group(2)}{REDACTED}"


def might_hold_secret(doc: Any, forms: Iterable[str], *, shapes: bool = True) -> bool:
    """Whether ``doc`` (a JSON value) may hold a form or (``shapes``) a token shape:
    one pass of C-speed serialising and substring search, so that documents with
    nothing to scrub (nearly all) are never walked in Python."""
    if isinstance(doc, str):
        return _holds(doc, forms, shapes)
    if not isinstance(doc, (dict, list)):
        return False
    forms = list(forms)
    try:
        if _members(doc, _COUNT_DEPTH, _LARGE_MEMBERS) < _LARGE_MEMBERS:
            return _holds(json.dumps(doc, ensure_ascii=False, check_circular=False, default=str), forms, shapes)
        # a large document (a 200k-node prompt, a list of jobs with 100k outputs each) is
        # serialised a piece at a time and searched in chunks, so a thread doing it hands
        # the GIL back to the event loop (one json.dumps of 15 MB holds it for hundreds of
        # ms); a secret sits inside one piece, never across two
        buffer: list[str] = []
        size = 0
        for piece in _pieces(doc, 4):
            buffer.append(piece)
            size += len(piece)
            if size >= _CHUNK_CHARS:
                if _holds("\n".join(buffer), forms, shapes):
                    return True
                buffer, size = [], 0
        return _holds("\n".join(buffer), forms, shapes)
    except (TypeError, ValueError, RecursionError):
        return True


#: Members (counted ``_COUNT_DEPTH`` levels down) from which ``might_hold_secret`` works
#: in pieces: deep enough to see a prompt inside a job inside a list answer
#: (``{"items": [{"prompt": {...200k nodes}}]}``), which three levels missed.
_LARGE_MEMBERS = 2000
_COUNT_DEPTH = 5
#: A container this wide is written a member at a time (each member whole).
_WIDE = 64
_CHUNK_CHARS = 1 << 18


def _members(doc: Any, depth: int, stop: int) -> int:
    """How many members ``doc`` holds down to ``depth`` levels, counting stops at ``stop``."""
    if depth <= 0 or not isinstance(doc, (dict, list)):
        return 0
    count = len(doc)
    for item in (doc.values() if isinstance(doc, dict) else doc):
        if count >= stop:
            break
        count += _members(item, depth - 1, stop - count)
    return count


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, check_circular=False, default=str)


def _pieces(doc: Any, depth: int) -> Any:
    dump = _dump
    if depth <= 0 or not isinstance(doc, (dict, list)):
        yield dump(doc)
    elif len(doc) >= _WIDE:
        for member in (doc.items() if isinstance(doc, dict) else doc):
            yield dump(member)
    else:
        for member in (doc.items() if isinstance(doc, dict) else doc):
            if isinstance(doc, dict):
                yield dump(member[0])
                yield from _pieces(member[1], depth - 1)
            else:
                yield from _pieces(member, depth - 1)


def _holds(text: str, forms: list[str] | Iterable[str], shapes: bool) -> bool:
    if any(form in text for form in forms):
        return True
    return shapes and (("eyJ" in text and _JWT.search(text) is not None)
                       or (_SCHEME_HINT.search(text) is not None and _SCHEME_TOKEN.search(text) is not None)
                       or ("=" in text and _QUERY_KEY.search(text) is not None)
                       or (_KEY_HINT.search(text) is not None and _HEADER_KEY.search(text) is not None))


def scrub_json(doc: Any, forms: list[str]) -> Any:
    """A copy of a JSON document with every string (keys too) scrubbed; the document
    stays valid JSON whatever the secret looks like. Iterative, so depth is no limit."""
    if isinstance(doc, str):
        return scrub_text(doc, forms)
    if not isinstance(doc, (list, dict)):
        return doc
    root: list[Any] = [None]
    stack: list[tuple[Any, Any, Any]] = [(doc, root, 0)]
    while stack:
        value, parent, key = stack.pop()
        if isinstance(value, str):
            parent[key] = scrub_text(value, forms)
        elif isinstance(value, list):
            copy: list[Any] = [None] * len(value)
            parent[key] = copy
            stack.extend((item, copy, i) for i, item in enumerate(value))
        elif isinstance(value, dict):
            out: dict[str, Any] = {}
            parent[key] = out
            for k, item in value.items():
                clean_key = scrub_text(k, forms) if isinstance(k, str) else k
                out[clean_key] = None
                stack.append((item, out, clean_key))
        else:
            parent[key] = value
    return root[0]


# --- logs ------------------------------------------------------------------------------------

_STORES: "weakref.WeakSet[Any]" = weakref.WeakSet()
_installed = False
_install_lock = threading.Lock()


def install_log_redaction(store: Any | None = None) -> None:
    """Scrub every log record this process makes, at creation, whatever handler
    writes it: known values of ``store`` (anything with ``redact(text)``; several may
    register), values clients sent, and token shapes. The message is formatted once
    here, and a traceback is formatted and scrubbed too."""
    global _installed
    if store is not None:
        _STORES.add(store)
    with _install_lock:
        if _installed:
            return
        _installed = True
        previous = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            _scrub_record(record, _scrubber())
            return record

        logging.setLogRecordFactory(factory)


def _scrubber() -> Callable[[str], str]:
    stores = list(_STORES)
    sent = forms_of(sent_values()[1])

    def scrub(text: str) -> str:
        for store in stores:
            text = store.redact(text)
        return scrub_text(text, sent)
    return scrub


def _scrub_record(record: logging.LogRecord, scrub: Callable[[str], str]) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a broken format string: let logging report it as usual
        return
    record.msg, record.args = scrub(message), None
    if record.exc_info and record.exc_info[1] is not None:
        record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
        record.exc_info = None
