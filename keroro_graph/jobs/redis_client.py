"""The Redis plumbing the Redis backend and the event relay share: queue URLs and
consumer names, a client that retries a command once the connection it used turns
out dead (as after a Redis restart), and a pub/sub follower that resubscribes after
the connection drops."""
from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from typing import Any, Callable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from redis import asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)
#: Options a queue URL may carry after ``?`` (every process should use the same URL).
URL_OPTIONS = ("prefix", "claim_idle_s", "max_deliveries")


def default_consumer() -> str:
    """This process's name in the consumer group: host, pid and a random suffix."""
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


def split_queue_url(url: str) -> tuple[str, dict[str, Any]]:
    """``redis://host:port/db?prefix=p&claim_idle_s=30&max_deliveries=3`` → the URL
    redis-py understands plus our options (other query parameters stay for redis-py)."""
    parts = urlsplit(url)
    ours: dict[str, Any] = {}
    theirs = []
    for key, value in parse_qsl(parts.query):
        if key == "prefix":
            ours[key] = value
        elif key in URL_OPTIONS:
            ours[key] = float(value) if key == "claim_idle_s" else int(value)
        else:
            theirs.append((key, value))
    return urlunsplit(parts._replace(query=urlencode(theirs))), ours


def connect(url: str) -> aioredis.Redis:
    """A client for ``url`` (text replies). A command whose connection dropped is sent
    again, up to 3 times with a short backoff: the scripts tolerate a repeat (a second
    SUBMIT or FINISH of the same call is recognised; a repeated LEASE at worst leaves a
    lease idle until it is taken over)."""
    return aioredis.from_url(url, decode_responses=True,
                             retry=Retry(ExponentialBackoff(cap=1.0, base=0.05), 3),
                             retry_on_error=[RedisConnectionError, RedisTimeoutError])


async def follow(pubsub: Any, resubscribe: Callable[[], Any], handle: Callable[[dict[str, Any]], None],
                 *, resubscribed: Callable[[], None] | None = None) -> None:
    """Call ``handle(message)`` for every message on ``pubsub``, forever: when the
    connection drops, wait, ``await resubscribe()`` for a new one and call
    ``resubscribed()`` (messages sent in between are lost: pub/sub keeps nothing)."""
    while True:
        try:
            if pubsub is None:
                pubsub = await resubscribe()
                if resubscribed is not None:
                    resubscribed()
            async for message in pubsub.listen():
                handle(message)
        except asyncio.CancelledError:
            if pubsub is not None:
                await pubsub.aclose()
            raise
        except (RedisError, OSError) as exc:
            log.warning("lost a Redis pub/sub connection (%s); resubscribing", exc)
        if pubsub is not None:
            await pubsub.aclose()
            pubsub = None
        await asyncio.sleep(0.5)
