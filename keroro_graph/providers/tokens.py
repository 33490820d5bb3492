"""Short-lived signed tokens: Kling's HS256 JWT (``iss`` = access key, ``exp`` = now
+ 30 min, ``nbf`` = now - 5 s), cached and renewed before it expires."""
from __future__ import annotations

import threading
import time

import jwt


class JwtCache:
    def __init__(self, access_key: str, secret_key: str, *, ttl_s: int = 1800, renew_before_s: int = 300,
                 not_before_skew_s: int = 5) -> None:
        self._access_key = access_key
        self._secret_key = secret_key
        self._ttl_s = ttl_s
        self._renew_before_s = renew_before_s
        self._skew_s = not_before_skew_s
        self._token = ""
        self._expires_at = 0.0
        self._lock = threading.Lock()

    def token(self, now: float | None = None) -> str:
        """A valid token, renewed when less than ``renew_before_s`` remains."""
        now = time.time() if now is None else now
        with self._lock:
            if not self._token or now >= self._expires_at - self._renew_before_s:
                issued = int(now)
                self._expires_at = issued + self._ttl_s
                self._token = jwt.encode({"iss": self._access_key, "exp": issued + self._ttl_s,
                                          "nbf": issued - self._skew_s},
                                         self._secret_key, algorithm="HS256", headers={"typ": "JWT"})
            return self._token
