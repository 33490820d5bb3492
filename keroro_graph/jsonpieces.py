"""JSON for large documents, parsed and written member by member.

``json.loads``/``json.dumps`` of a 15 MB graph is one C call that holds the GIL for its
whole length (over 100 ms), so running it in a worker thread still stalls the event
loop. These do the same work in many small calls (one per member of the outer
objects and arrays), so a thread running them hands the GIL back every few
milliseconds. Small documents take the one-call path.
"""
from __future__ import annotations

import json
import re
from json.decoder import JSONDecodeError, scanstring  # type: ignore[attr-defined]  # C scanner, no stub
from typing import Any, Callable, Iterator

from .heap import large_work

#: Text or byte size from which a document is worth doing in pieces (and off the loop).
LARGE = 1 << 20
_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\n\r]*")
_SEPARATORS = (",", ":")


def _skip(text: str, pos: int) -> int:
    """The position after the whitespace at ``pos``."""
    space = _SPACE.match(text, pos)
    return space.end() if space is not None else pos


def loads(text: str | bytes, depth: int = 3) -> Any:
    """``json.loads(text)``; objects and arrays down to ``depth`` levels are parsed a
    member at a time. Raises JSONDecodeError (a ValueError) as json.loads does."""
    if len(text) < LARGE:
        return json.loads(text)
    if isinstance(text, (bytes, bytearray)):
        text = text.decode("utf-8")
    try:
        with large_work():  # no full collection walks the document while it is built
            value, end = _value(text, _skip(text, 0), depth)
    except IndexError:
        raise JSONDecodeError("Expecting value", text, len(text)) from None
    end = _skip(text, end)
    if end != len(text):
        raise JSONDecodeError("Extra data", text, end)
    return value


def _value(text: str, pos: int, depth: int) -> tuple[Any, int]:
    char = text[pos]
    if depth <= 0 or char not in "{[":
        return _DECODER.raw_decode(text, pos)
    closing = "}" if char == "{" else "]"
    pos = _skip(text, pos + 1)
    result: Any = {} if char == "{" else []
    if text[pos] == closing:
        return result, pos + 1
    while True:
        if char == "{":
            if text[pos] != '"':
                raise JSONDecodeError("Expecting property name enclosed in double quotes", text, pos)
            key, pos = scanstring(text, pos + 1)
            pos = _skip(text, pos)
            if text[pos] != ":":
                raise JSONDecodeError("Expecting ':' delimiter", text, pos)
            item, pos = _value(text, _skip(text, pos + 1), depth - 1)
            result[key] = item
        else:
            item, pos = _value(text, pos, depth - 1)
            result.append(item)
        pos = _skip(text, pos)
        if text[pos] == ",":
            pos = _skip(text, pos + 1)
        elif text[pos] == closing:
            return result, pos + 1
        else:
            raise JSONDecodeError(f"Expecting ',' delimiter or '{closing}'", text, pos)


def dumps(value: Any, depth: int = 3, *, default: Callable[[Any], Any] | None = None,
          ensure_ascii: bool = True) -> str:
    """Compact ``json.dumps(value, default=, ensure_ascii=)``; see ``pieces``."""
    return "".join(pieces(value, depth, default=default, ensure_ascii=ensure_ascii))


def pieces(value: Any, depth: int = 3, *, default: Callable[[Any], Any] | None = None,
           ensure_ascii: bool = True) -> Iterator[str]:
    """The compact JSON text of ``value`` in pieces: objects and arrays down to
    ``depth`` levels are written a member at a time, deeper values in one call."""
    if depth > 0 and isinstance(value, dict) and value:
        sep = "{"
        for key, item in value.items():
            yield sep + json.dumps(key if isinstance(key, str) else _key(key), ensure_ascii=ensure_ascii) + ":"
            yield from pieces(item, depth - 1, default=default, ensure_ascii=ensure_ascii)
            sep = ","
        yield "}"
    elif depth > 0 and isinstance(value, (list, tuple)) and value:
        sep = "["
        for item in value:
            yield sep
            yield from pieces(item, depth - 1, default=default, ensure_ascii=ensure_ascii)
            sep = ","
        yield "]"
    else:
        yield json.dumps(value, separators=_SEPARATORS, default=default, ensure_ascii=ensure_ascii)


def chunks(value: Any, depth: int = 3, size: int = 1 << 18) -> Iterator[bytes]:
    """``pieces`` joined into UTF-8 chunks of about ``size`` bytes, for streaming."""
    return (text.encode("utf-8") for text in text_chunks(value, depth, size))


def text_chunks(value: Any, depth: int = 3, size: int = 1 << 18, *, ensure_ascii: bool = True) -> Iterator[str]:
    """``pieces`` joined into chunks of about ``size`` characters; a chunk holds whole
    pieces (so a string value is never split across two chunks)."""
    buffer: list[str] = []
    length = 0
    for piece in pieces(value, depth, ensure_ascii=ensure_ascii):
        buffer.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(buffer)
            buffer, length = [], 0
    if buffer:
        yield "".join(buffer)


def _key(key: Any) -> str:
    """A non-string key as json.dumps writes it (true/false/null, numbers as text)."""
    return json.dumps({key: 0})[1:-4].strip('"') if key is not None and not isinstance(key, bool) \
        else json.dumps(key)
