"""Sentence building shared by the prompt presets: required fields, lists typed with
English or Chinese separators, and sentences that end cleanly whichever language the
user wrote them in. The presets' own wording stays in their modules.
"""
from __future__ import annotations

import re

#: Separators for list fields: ASCII and full-width commas and semicolons, the Chinese
#: enumeration comma 、, and new lines, so "红色、米白, navy" is three colours.
_LIST_SEPARATORS = re.compile(r"[,;，；、\n]+")
_SENTENCE_END = tuple(".!?。！？")


def require(text: str, name: str) -> str:
    """``text`` stripped; raises ValueError naming the field when it is empty."""
    stripped = str(text).strip()
    if not stripped:
        raise ValueError(f"{name} is empty; describe it in a few words (English or Chinese)")
    return stripped


def split_list(text: str) -> list[str]:
    """A comma-, semicolon-, 、- or line-separated field as its non-empty items."""
    return [item.strip() for item in _LIST_SEPARATORS.split(str(text)) if item.strip()]


def sentence(text: str) -> str:
    """``text`` stripped, with a full stop added unless it already ends a sentence."""
    stripped = str(text).strip()
    if not stripped or stripped.endswith(_SENTENCE_END):
        return stripped
    return stripped + "."


def paragraph(*parts: str) -> str:
    """The non-empty parts as sentences separated by spaces."""
    return " ".join(sentence(part) for part in parts if part and str(part).strip())


def choose(table: dict[str, str], key: str, name: str) -> str:
    """The phrase for combo choice ``key``; raises ValueError naming the field."""
    if key not in table:
        raise ValueError(f"{name} must be one of {list(table)}; got {key!r}")
    return table[key]
