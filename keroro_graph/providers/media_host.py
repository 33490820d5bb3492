"""Public links to local files, for providers that take some inputs only as URLs
(Kling's reference videos): ``MediaHost.publish(path)`` returns a URL the provider
can fetch, valid for ``media_link_ttl_s`` seconds, from one of two hosts the user
configures (nothing is ever uploaded anywhere else):

* **their own S3-compatible bucket** (``media_bucket`` = ``https://endpoint/bucket``
  with an optional key prefix after it, ``media_bucket_region``; keys in the secret
  store as ``media_bucket.access_key_id`` / ``media_bucket.secret_access_key``). The
  file is PUT through a presigned URL and the provider gets a presigned GET URL:
  AWS Signature Version 4 in the query string, path-style, so AWS S3, Cloudflare R2,
  MinIO, Aliyun OSS (S3 mode) and the like all work. The bucket stays private.
* **this server's public URL** (``public_url``): the file is copied under
  ``temp/public-links/<token><ext>`` and the provider gets
  ``<public_url>/api/media/<token><ext>`` — 256 random bits, read-only, one file,
  refused after it expires (``resolve_link``; the route needs no access token).

``missing()`` names the settings when neither is configured, so a node that needs a
link is refused at validation, before anything is spent."""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import re
import secrets
import shutil
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Awaitable, Callable
from urllib.parse import quote, urlsplit

import httpx

from .client import ProviderClient
from .errors import AuthError, BadRequestError, MissingCredentialsError, ProviderError, for_status

#: The secret-store name of the bucket's keys (env: KERORO_MEDIA_BUCKET_ACCESS_KEY_ID, ...).
BUCKET = "media_bucket"
#: The bucket's keys in the environment (also so that they are scrubbed from every log).
BUCKET_ENV_VARS = {(BUCKET, "access_key_id"): ("KERORO_MEDIA_BUCKET_ACCESS_KEY_ID",),
                   (BUCKET, "secret_access_key"): ("KERORO_MEDIA_BUCKET_SECRET_ACCESS_KEY",)}
#: Where this server serves its own links.
LINK_ROUTE = "/api/media/"
LINK_FOLDER = "public-links"
#: A presigned URL lives at most 7 days (SigV4's limit).
MAX_TTL_S = 7 * 24 * 3600
_LINK_NAME = re.compile(r"^[A-Za-z0-9_-]{43}\.[a-z0-9]{1,5}$")
_TYPES = {".mp4": "video/mp4", ".mov": "video/quicktime", ".webm": "video/webm", ".png": "image/png",
          ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".mp3": "audio/mpeg", ".wav": "audio/wav"}
SETUP_HINT = ("set media_bucket (your own S3-compatible bucket: KERORO_MEDIA_BUCKET=https://<endpoint>/<bucket>, "
              "KERORO_MEDIA_BUCKET_REGION, and the keys KERORO_MEDIA_BUCKET_ACCESS_KEY_ID / "
              "KERORO_MEDIA_BUCKET_SECRET_ACCESS_KEY or media_bucket.access_key_id / secret_access_key in the "
              "secret store) or public_url (--public-url / KERORO_PUBLIC_URL: this server's address as the "
              "internet reaches it)")


# --- AWS Signature Version 4, query-string form ------------------------------------------

def presign(method: str, url: str, *, access_key: str, secret_key: str, region: str, expires_s: int,
            now: datetime | None = None, service: str = "s3") -> str:
    """``url`` signed for ``method`` in its query string (SigV4, ``UNSIGNED-PAYLOAD``,
    only ``host`` signed): anyone holding the result may make that one request until
    ``expires_s`` seconds after ``now``."""
    parts = urlsplit(url)
    stamp = (now or datetime.now(timezone.utc)).strftime("%Y%m%dT%H%M%SZ")
    scope = f"{stamp[:8]}/{region}/{service}/aws4_request"
    query = {"X-Amz-Algorithm": "AWS4-HMAC-SHA256", "X-Amz-Credential": f"{access_key}/{scope}",
             "X-Amz-Date": stamp, "X-Amz-Expires": str(int(expires_s)), "X-Amz-SignedHeaders": "host"}
    canonical_query = "&".join(f"{_enc(k)}={_enc(v)}" for k, v in sorted(query.items()))
    path = quote(parts.path or "/", safe="/-_.~%")
    canonical = "\n".join([method, path, canonical_query, f"host:{parts.netloc}\n", "host", "UNSIGNED-PAYLOAD"])
    to_sign = "\n".join(["AWS4-HMAC-SHA256", stamp, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = f"AWS4{secret_key}".encode()
    for part in (stamp[:8], region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return f"{parts.scheme}://{parts.netloc}{path}?{canonical_query}&X-Amz-Signature={signature}"


def _enc(value: str) -> str:
    return quote(value, safe="-_.~")


# --- the bucket ------------------------------------------------------------------------------

class BucketClient(ProviderClient):
    """The user's S3-compatible bucket: PUT one object through a presigned URL."""
    provider = BUCKET
    credentials = ("access_key_id", "secret_access_key")

    def auth_headers(self) -> dict[str, str]:
        return {}  # every request is presigned

    def parse_error(self, response: httpx.Response, body: Any) -> ProviderError | None:
        if response.status_code < 400:
            return None
        text = body if isinstance(body, str) else ""
        code = _xml(text, "Code") or str(response.status_code)
        message = _xml(text, "Message") or response.reason_phrase or "request failed"
        cls = AuthError if response.status_code in (401, 403) else (
            BadRequestError if code in ("NoSuchBucket", "InvalidBucketName") else for_status(response.status_code))
        return self.error(cls, f"the media bucket refused the upload: {code}: {message}", code=code,
                          response=response)

    def signed(self, method: str, key: str, *, region: str, expires_s: int) -> str:
        return presign(method, f"{self.base_url}/{quote(key, safe='/')}", access_key=self.secrets["access_key_id"],
                       secret_key=self.secrets["secret_access_key"], region=region, expires_s=expires_s)

    async def put(self, key: str, content: bytes, content_type: str, *, region: str,
                  sleep: Callable[[float], Awaitable[None]] | None = None) -> None:
        """Upload ``content`` as ``key`` (a PUT of one key is idempotent: retried)."""
        async def attempt() -> None:
            url = self.signed("PUT", key, region=region, expires_s=900)
            response = await self._send("PUT", url, timeout_s=None, content=content,
                                        headers={"Content-Type": content_type, "Content-Length": str(len(content))})
            failure = self.parse_error(response, response.text)
            if failure is not None:
                raise failure
        await self.retry.run(attempt, sleep=sleep or asyncio.sleep, on_retry=self._log_retry)


def _xml(text: str, tag: str) -> str:
    found = re.search(rf"<{tag}>([^<]{{0,300}})</{tag}>", text or "")
    return found.group(1) if found else ""


# --- the host ------------------------------------------------------------------------------

@dataclass
class MediaHost:
    """Where public links come from. ``hub`` supplies pooled HTTP and the secret store."""
    hub: Any
    temp_dir: Path
    media_bucket: str | None = None
    media_bucket_region: str = "us-east-1"
    public_url: str | None = None
    ttl_s: int = 3600

    @property
    def links_dir(self) -> Path:
        return self.temp_dir / LINK_FOLDER

    def missing(self) -> str | None:
        """None when a host is configured; otherwise what to set, and where."""
        if self.media_bucket:
            unset = [n for n in BucketClient.credentials if not self.hub.secrets.get(BUCKET, n)]
            return (f"media_bucket is set but its keys are not ({', '.join(unset)}): set "
                    "KERORO_MEDIA_BUCKET_ACCESS_KEY_ID and KERORO_MEDIA_BUCKET_SECRET_ACCESS_KEY, or "
                    "media_bucket.access_key_id / secret_access_key in the secret store") if unset else None
        if self.public_url:
            return None
        return f"this node gives the provider a public link to a local file; {SETUP_HINT}"

    async def publish(self, path: Path, *, sleep: Callable[[float], Awaitable[None]] | None = None) -> str:
        """A URL serving ``path`` (read-only) for ``ttl_s`` seconds."""
        problem = self.missing()
        if problem is not None:
            raise MissingCredentialsError(problem, provider=BUCKET)
        suffix = path.suffix.lower() or ".bin"
        ttl = max(60, min(int(self.ttl_s), MAX_TTL_S))
        if self.media_bucket:
            bucket = self.hub.client(BucketClient, base_url=self.media_bucket)
            key = f"keroro/{time.strftime('%Y%m%d')}/{uuid.uuid4().hex}{suffix}"
            content = await asyncio.to_thread(path.read_bytes)
            await bucket.put(key, content, _TYPES.get(suffix, "application/octet-stream"),
                             region=self.media_bucket_region, sleep=sleep)
            return str(bucket.signed("GET", key, region=self.media_bucket_region, expires_s=ttl))
        name = await asyncio.to_thread(self._share, path, suffix, ttl)
        return f"{str(self.public_url).rstrip('/')}{LINK_ROUTE}{name}"

    def _share(self, path: Path, suffix: str, ttl: int) -> str:
        folder = self.links_dir
        folder.mkdir(parents=True, exist_ok=True)
        sweep(folder)
        token = secrets.token_urlsafe(32)
        partial = folder / f".{token}.part"
        shutil.copyfile(path, partial)
        (folder / f"{token}.json").write_text(json.dumps({"expires": time.time() + ttl}), encoding="utf-8")
        partial.replace(folder / f"{token}{suffix}")
        return f"{token}{suffix}"


def resolve_link(temp_dir: Path, name: str) -> tuple[Path, str] | None:
    """The file and content type a link ``name`` serves, or None (unknown, malformed or
    expired: all look the same to the asker)."""
    if not _LINK_NAME.match(name):
        return None
    folder = temp_dir / LINK_FOLDER
    token, suffix = name.rsplit(".", 1)
    try:
        expires = float(json.loads((folder / f"{token}.json").read_text(encoding="utf-8"))["expires"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    target = folder / name
    if expires < time.time() or not target.is_file():
        return None
    return target, _TYPES.get(f".{suffix}", "application/octet-stream")


def sweep(folder: Path) -> None:
    """Delete expired links (their metadata and file)."""
    now = time.time()
    for meta in folder.glob("*.json"):
        try:
            expired = float(json.loads(meta.read_text(encoding="utf-8"))["expires"]) < now
        except (OSError, ValueError, KeyError, TypeError):
            expired = True
        if expired:
            for item in folder.glob(f"{meta.stem}.*"):
                item.unlink(missing_ok=True)
