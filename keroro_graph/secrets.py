"""Provider credentials (``user/secrets.json``, mode 0600) and the provider settings
that are not secret (``user/settings.json``): reading, atomic writing, environment
overrides, masking for display and scrubbing known secret values out of text. This
module knows no provider by name (the catalogue passes in the environment variable
names) and no server or engine; it needs only the standard library and pydantic.

Environment variables win over stored values, so a deployment can keep keys out of
the file entirely. A credential ``(provider, name)`` is always read from
``KERORO_<PROVIDER>_<NAME>`` and from any extra names the caller registers (the
providers' conventional ones, such as ``GEMINI_API_KEY``).
"""
from __future__ import annotations

import json
import logging
import os
import re
import stat
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .atomic import write_atomic as atomic_write
from .errors import KeroroError
from .redaction import (MIN_REDACT_CHARS, REDACTED, forms_of, might_hold_secret, scrub_json, scrub_text, sent_values,
                        sent_version)

log = logging.getLogger(__name__)

SECRETS_MODE = 0o600
_MASK_MIN_CHARS = 12
_PUBLIC_PREFIXES = ("sk-", "ms-")

__all__ = ["MIN_REDACT_CHARS", "ProviderConfig", "ProviderSettings", "REDACTED", "SecretStore",
           "SecretsError", "atomic_write", "default_env_var", "mask"]


class SecretsError(KeroroError):
    """``secrets.json`` or ``settings.json`` exists but cannot be read as our format."""


def default_env_var(provider: str, name: str) -> str:
    """``KERORO_<PROVIDER>_<NAME>`` in upper case, other characters as ``_``."""
    return re.sub(r"[^A-Z0-9]+", "_", f"KERORO_{provider}_{name}".upper())


def mask(value: str) -> str:
    """A display form that never reveals the secret: the last four characters only
    when the value is at least 12 long (plus a well-known public prefix like ``sk-``)."""
    if len(value) < _MASK_MIN_CHARS:
        return "…"
    prefix = next((p for p in _PUBLIC_PREFIXES if value.startswith(p)), "")
    return f"{prefix}…{value[-4:]}"


class _JsonFile:
    """A small JSON object file, re-read when it changes on disk."""

    def __init__(self, path: Path, *, mode: int) -> None:
        self.path = Path(path)
        self._name = str(self.path)
        self.mode = mode
        self._stamp: tuple[int, int, int] | None = None
        self._data: dict[str, Any] = {}

    def read(self) -> dict[str, Any]:
        try:
            info = os.stat(self._name)
        except FileNotFoundError:
            if self._stamp is not None or self._data:
                self._stamp, self._data = None, {}
            return self._data  # the same object while nothing changes (callers memoise on it)
        # atomic writes give every version a new inode, so coarse mtimes cannot hide one
        stamp = (info.st_ino, info.st_mtime_ns, info.st_size)
        if stamp != self._stamp:
            self._data = self._load(info)
            self._stamp = stamp
        return self._data

    def _load(self, info: os.stat_result) -> dict[str, Any]:
        if self.mode == SECRETS_MODE and stat.S_IMODE(info.st_mode) & 0o077:
            log.warning("%s was readable by other users; restricting it to mode 0600", self.path)
            os.chmod(self.path, SECRETS_MODE)
        try:
            data = json.loads(self.path.read_text(encoding="utf-8") or "{}")
        except (ValueError, UnicodeDecodeError) as exc:
            raise SecretsError(f"{self.path} is not valid JSON ({exc.__class__.__name__}); "
                               "fix or remove it") from None
        if not isinstance(data, dict):
            raise SecretsError(f"{self.path} must hold a JSON object")
        return data

    def write(self, data: dict[str, Any]) -> None:
        text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        atomic_write(self.path, text.encode("utf-8"), mode=self.mode)
        if self.mode == SECRETS_MODE:
            os.chmod(self.path, SECRETS_MODE)
        self._stamp = None


class SecretStore:
    """Credentials as ``{provider: {name: value}}`` in a 0600 file, overridden by
    environment variables. Synchronous and cheap (the file is tiny and re-read only
    when it changes); call from the event loop or any thread."""

    def __init__(self, path: Path, *, env_vars: Mapping[tuple[str, str], Sequence[str]] | None = None,
                 environ: Mapping[str, str] | None = None) -> None:
        self.path = Path(path)
        self._file = _JsonFile(self.path, mode=SECRETS_MODE)
        self._extra_env = {key: tuple(names) for key, names in (env_vars or {}).items()}
        self._environ = os.environ if environ is None else environ
        self._env_names: dict[tuple[str, str], tuple[str, ...]] = {}
        #: (file contents object, environment values, secret values) of the last lookup.
        self._memo: tuple[Any, tuple[str | None, ...], list[str]] | None = None
        self._forms_memo: tuple[list[str], int, list[str]] | None = None
        #: (stored document, its credentials, their environment variables), per document.
        self._names_memo: tuple[Any, list[tuple[str, str]], Callable[[], Any]] | None = None

    def env_names(self, provider: str, name: str) -> tuple[str, ...]:
        """Environment variables read for one credential, in order of precedence."""
        names = self._env_names.get((provider, name))
        if names is None:
            default = default_env_var(provider, name)
            extra = self._extra_env.get((provider, name), ())
            names = self._env_names[(provider, name)] = (default, *[n for n in extra if n != default])
        return names

    def get(self, provider: str, name: str) -> str | None:
        """The credential's value (environment first, then the file), or None."""
        return self._lookup(provider, name)[0]

    def source(self, provider: str, name: str) -> str | None:
        """``"env"``, ``"file"`` or None (not set)."""
        return self._lookup(provider, name)[1]

    def set(self, provider: str, name: str, value: str) -> None:
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"the value of {provider}.{name} must be a non-empty string")
        data = _copy(self._file.read())
        data.setdefault(provider, {})[name] = value.strip()
        self._file.write(data)

    def delete(self, provider: str, name: str) -> bool:
        """Remove a stored credential; False when the file did not hold it. (An
        environment variable, if set, keeps supplying the value.)"""
        data = _copy(self._file.read())
        if name not in data.get(provider, {}):
            return False
        del data[provider][name]
        if not data[provider]:
            del data[provider]
        self._file.write(data)
        return True

    def masked(self) -> dict[str, dict[str, dict[str, Any]]]:
        """Every credential that is set, as ``{provider: {name: {set, masked, source}}}``;
        never a value."""
        out: dict[str, dict[str, dict[str, Any]]] = {}
        stored = self._file.read()
        for provider, name in self._known(stored):
            value, source = self._lookup(provider, name, stored)
            if value is not None:
                out.setdefault(provider, {})[name] = {"set": True, "masked": mask(value), "source": source}
        return out

    def redact(self, text: str) -> str:
        """``text`` with every known secret value (also in its JSON-escaped form), every
        credential a provider client sent, and anything shaped like a bearer token or a
        JWT replaced by ``***``. Longer values go first so one secret containing another
        is scrubbed whole."""
        return scrub_text(text, self._forms())

    def redact_json(self, doc: Any) -> Any:
        """A copy of a JSON document scrubbed like ``redact`` in every string (keys
        too). Walking the structure keeps the document valid JSON whatever the secret
        looks like; a document with nothing to scrub is returned as is."""
        forms = self._forms()
        return scrub_json(doc, forms) if might_hold_secret(doc, forms) else doc

    def redact_bytes(self, data: bytes) -> bytes:
        """UTF-8 text scrubbed like ``redact`` (JSON stays valid: every form is
        replaced inside its string); other bytes are returned as they are."""
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return data
        clean = self.redact(text)
        return data if clean == text else clean.encode("utf-8")

    def pasted_inputs(self, prompt: Any) -> dict[str, list[str]]:
        """``{node id: [input names]}`` of an API-format prompt's inputs whose value
        holds a stored secret, a credential a client sent, or a bearer token or JWT:
        keys belong in the secret store, not in widgets (where they would travel into
        saved files, image metadata and messages)."""
        forms = self._forms()
        found: dict[str, list[str]] = {}
        if not isinstance(prompt, dict) or not might_hold_secret(prompt, forms):
            return found
        for node_id, node in prompt.items():
            if not might_hold_secret(node, forms) or scrub_json(node, forms) == node:
                continue
            inputs = node.get("inputs") if isinstance(node, dict) else None
            names = [str(name) for name, value in (inputs.items() if isinstance(inputs, dict) else ())
                     if might_hold_secret(value, forms) and scrub_json(value, forms) != value]
            # a key elsewhere in the node (its _meta title, say) would reach image metadata too
            found[str(node_id)] = names or [str(k) for k, v in (node.items() if isinstance(node, dict) else ())
                                             if k != "inputs" and scrub_json(v, forms) != v]
        return found

    def _forms(self) -> list[str]:
        values = self._values()
        memo = self._forms_memo
        if memo is not None and memo[0] is values and memo[1] == sent_version():
            return memo[2]
        version, extra = sent_values()
        forms = forms_of([*values, *extra])
        self._forms_memo = (values, version, forms)
        return forms

    def _lookup(self, provider: str, name: str,
                stored: dict[str, Any] | None = None) -> tuple[str | None, str | None]:
        for var in self.env_names(provider, name):
            if self._environ.get(var, "").strip():
                return self._environ[var].strip(), "env"
        data = stored if stored is not None else self._file.read()
        section = data.get(provider)
        value = section.get(name) if isinstance(section, dict) else None
        return (value, "file") if isinstance(value, str) and value else (None, None)

    def _known(self, stored: dict[str, Any]) -> list[tuple[str, str]]:
        keys = dict.fromkeys(self._extra_env)
        for provider, names in stored.items():
            if isinstance(names, dict):
                keys.update(dict.fromkeys((provider, n) for n in names))
        return list(keys)

    def _values(self) -> list[str]:
        """Every secret value, longest first. Runs for every document redacted, so it is
        memoised on the file's contents and the relevant environment variables."""
        stored = self._file.read()
        names = self._names_memo
        if names is None or names[0] is not stored:
            known = self._known(stored)
            names = self._names_memo = (stored, known, _env_reader(
                self._environ, [var for key in known for var in self.env_names(*key)]))
        known = names[1]
        env = names[2]()
        memo = self._memo
        if memo is not None and memo[0] is stored and memo[1] == env:
            return memo[2]
        values = {self._lookup(p, n, stored)[0] for p, n in known}
        result = sorted((v for v in values if v and len(v) >= MIN_REDACT_CHARS), key=len, reverse=True)
        self._memo = (stored, env, result)
        return result


def _env_reader(environ: Mapping[str, str], names: list[str]) -> Any:
    """A function giving the (raw) values of environment variables ``names`` as a tuple,
    to tell whether any changed. ``os.environ`` on POSIX is read through its underlying
    bytes mapping with the names encoded once: redaction asks for every document."""
    data = getattr(environ, "_data", None)
    if environ is os.environ and os.name == "posix" and isinstance(data, dict):
        keys = [os.fsencode(name) for name in names]
        return lambda: tuple(map(data.get, keys))
    return lambda: tuple(map(environ.get, names))


def _copy(data: dict[str, Any]) -> dict[str, Any]:
    return {k: dict(v) for k, v in data.items() if isinstance(v, dict)}


class ProviderConfig(BaseModel):
    """One provider's non-secret settings; None means "use the catalogue default"."""

    model_config = ConfigDict(extra="forbid")

    base_url: str | None = None
    region: str | None = None
    #: How many of this provider's nodes may run at once.
    limit: int | None = Field(default=None, ge=1)
    #: Model list overrides by kind (``{"image": [...]}``); a kind given replaces the
    #: built-in list for that kind.
    models: dict[str, list[str]] | None = None

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an http:// or https:// URL with a host")
        return value.strip().rstrip("/")


class ProviderSettings:
    """Provider settings stored under ``"providers"`` in ``user/settings.json`` (other
    top-level keys in that file are kept as they are)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._file = _JsonFile(self.path, mode=0o644)

    def get(self, provider: str) -> ProviderConfig:
        raw = self._providers().get(provider) or {}
        return ProviderConfig.model_validate(raw)

    def all(self) -> dict[str, ProviderConfig]:
        return {name: ProviderConfig.model_validate(raw) for name, raw in self._providers().items()}

    def update(self, provider: str, changes: Mapping[str, Any]) -> ProviderConfig:
        """Merge ``changes`` into the provider's settings (a None value clears that
        field) and save. Raises pydantic.ValidationError for a bad value or name."""
        merged = {**self.get(provider).model_dump(exclude_none=True), **changes}
        config = ProviderConfig.model_validate(merged)
        data = dict(self._file.read())
        providers = dict(self._providers())
        providers[provider] = config.model_dump(exclude_none=True)
        data["providers"] = {k: v for k, v in providers.items() if v}
        self._file.write(data)
        return config

    def _providers(self) -> dict[str, Any]:
        providers = self._file.read().get("providers", {})
        return providers if isinstance(providers, dict) else {}
