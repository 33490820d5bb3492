"""What clients may make the server say: requests aiohttp cannot parse and warnings
whose text comes from the request. Neither may flood the log or grow the process."""
from __future__ import annotations

import logging
import re
import warnings

from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.multipart import BadContentDispositionHeader, BadContentDispositionParam
from PIL.Image import DecompressionBombWarning


class MalformedRequestFilter(logging.Filter):
    """aiohttp logs a request it cannot parse (a line over 8190 bytes, a bad method or
    header) as an ERROR with a traceback quoting the first 100 bytes of the offending
    line: a ``?token=`` or an ``Authorization`` header would land in the log, and every
    such request wrote a dozen lines. It was answered 400; this keeps one INFO line
    naming the kind of problem, without the bytes."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, HttpProcessingError):
            kind, code = type(exc).__name__, exc.code
        elif record.exc_text and (found := _PARSE_ERROR.search(record.exc_text)):  # formatted by log redaction
            kind, code = found.group(1), int(found.group(2))
        else:
            return True
        record.msg, record.args = "answered %d to a malformed HTTP request (%s)", (code, kind)
        record.exc_info, record.exc_text = None, None
        record.levelno, record.levelname = logging.INFO, "INFO"
        return logging.getLogger(record.name).isEnabledFor(logging.INFO)


#: The last line of a formatted traceback of aiohttp's request-parsing errors.
_PARSE_ERROR = re.compile(r"^aiohttp\.http_exceptions\.(\w+): (\d{3})", re.MULTILINE)


#: Warnings whose text a client chooses (a multipart header, an image's claimed size).
#: Python remembers every distinct text it has shown, for good: one per request would
#: grow the process without bound (2,000 uploads with made-up file names, 2,000 entries
#: and 2,000 stderr lines). The request itself is answered 400 naming the problem.
CLIENT_WARNINGS: tuple[type[Warning], ...] = (BadContentDispositionHeader, BadContentDispositionParam,
                                               DecompressionBombWarning)


def contain_client_noise() -> None:
    """Install :class:`MalformedRequestFilter` on aiohttp's server logger and ignore
    :data:`CLIENT_WARNINGS` (idempotent)."""
    logger = logging.getLogger("aiohttp.server")
    if not any(isinstance(f, MalformedRequestFilter) for f in logger.filters):
        logger.addFilter(MalformedRequestFilter())
    for category in CLIENT_WARNINGS:
        if not any(f[0] == "ignore" and f[2] is category for f in warnings.filters):
            warnings.filterwarnings("ignore", category=category)
