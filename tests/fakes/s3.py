"""S3Fake: an S3-compatible bucket on a loopback port, path-style
(``/<bucket>/<key>``), that accepts only query-string-signed requests (AWS Signature
Version 4, ``UNSIGNED-PAYLOAD``) as AWS documents them: it rebuilds the canonical
request from what it received, derives the signing key from its own copy of the
secret, and answers S3's XML errors — ``SignatureDoesNotMatch``,
``InvalidAccessKeyId``, ``AccessDenied`` ("Request has expired"), ``NoSuchBucket``,
``NoSuchKey``, ``MissingContentLength`` — with S3's status codes. PUT stores an
object (its Content-Type kept), GET serves it to anyone holding a valid presigned URL,
which is how a provider such as Kling fetches it."""
from __future__ import annotations

import hashlib
import hmac
import time
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote

from aiohttp import web

from tests.fakes.base import FakeServer

ACCESS_KEY_ID = "AKIAFAKEKERORO0000001"
SECRET_ACCESS_KEY = "fake/secret+Kerorokey0123456789abcdefghij"
BUCKET = "keroro-media"
REGION = "eu-central-1"


def s3_error(status: int, code: str, message: str) -> web.Response:
    body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{message}</Message>'
            f"<RequestId>FAKE{int(time.time() * 1000)}</RequestId></Error>")
    return web.Response(status=status, text=body, content_type="application/xml")


class S3Fake(FakeServer):
    def __init__(self, *, access_key: str = ACCESS_KEY_ID, secret_key: str = SECRET_ACCESS_KEY,
                 bucket: str = BUCKET, region: str = REGION) -> None:
        super().__init__()
        self.access_key, self.secret_key, self.bucket, self.region = access_key, secret_key, bucket, region
        #: key → (bytes, content type)
        self.objects: dict[str, tuple[bytes, str]] = {}
        #: (method, key) of every request that passed the signature check.
        self.signed: list[tuple[str, str]] = []
        #: Answer GETs as if their presigned URL had expired (a link used too late).
        self.expire_gets = False
        self.app.router.add_put("/{bucket}/{key:.+}", self._put)
        self.app.router.add_get("/{bucket}/{key:.+}", self._get)

    @property
    def bucket_url(self) -> str:
        return f"{self.url}/{self.bucket}"

    async def _put(self, request: web.Request) -> web.Response:
        denied = self._verify(request)
        if denied is not None:
            return denied
        if request.headers.get("Content-Length") is None:
            return s3_error(411, "MissingContentLength", "You must provide the Content-Length HTTP header.")
        data = await request.read()
        key = request.match_info["key"]
        self.objects[key] = (data, request.headers.get("Content-Type", "binary/octet-stream"))
        return web.Response(status=200, headers={"ETag": f'"{hashlib.md5(data).hexdigest()}"'})

    async def _get(self, request: web.Request) -> web.Response:
        denied = self._verify(request)
        if denied is not None:
            return denied
        found = self.objects.get(request.match_info["key"])
        if found is None:
            return s3_error(404, "NoSuchKey", "The specified key does not exist.")
        return web.Response(body=found[0], content_type=found[1])

    def _verify(self, request: web.Request) -> web.Response | None:
        if request.match_info["bucket"] != self.bucket:
            return s3_error(404, "NoSuchBucket", "The specified bucket does not exist")
        q = request.query
        if q.get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256" or "X-Amz-Signature" not in q:
            return s3_error(403, "AccessDenied", "Anonymous access is forbidden for this operation")
        try:
            key_id, day, region, service, terminal = q["X-Amz-Credential"].split("/")
            stamp = q["X-Amz-Date"]
            signed_at = datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc).timestamp()
            expires = int(q["X-Amz-Expires"])
        except (KeyError, ValueError):
            return s3_error(400, "AuthorizationQueryParametersError", "Query-string authentication is malformed")
        if key_id != self.access_key:
            return s3_error(403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist.")
        if region != self.region or service != "s3" or terminal != "aws4_request" or day != stamp[:8]:
            return s3_error(400, "AuthorizationQueryParametersError", f"credential scope must be for {self.region}")
        if not 1 <= expires <= 604800:
            return s3_error(400, "AuthorizationQueryParametersError", "X-Amz-Expires must be 1 to 604800")
        if time.time() > signed_at + expires or (self.expire_gets and request.method == "GET"):
            return s3_error(403, "AccessDenied", "Request has expired")
        if hmac.compare_digest(self._signature(request, stamp, f"{day}/{region}/s3/aws4_request"),
                               q["X-Amz-Signature"]):
            self.signed.append((request.method, request.match_info["key"]))
            return None
        return s3_error(403, "SignatureDoesNotMatch", "The request signature we calculated does not match "
                                                      "the signature you provided.")

    def _signature(self, request: web.Request, stamp: str, scope: str) -> str:
        signed_headers = request.query["X-Amz-SignedHeaders"].split(";")
        pairs = sorted((quote(k, safe="-_.~"), quote(v, safe="-_.~"))
                       for k, v in request.query.items() if k != "X-Amz-Signature")
        lines = [request.method, request.raw_path.split("?")[0], "&".join(f"{k}={v}" for k, v in pairs),
                 "".join(f"{h}:{request.headers.get(h, '').strip()}\n" for h in signed_headers),
                 ";".join(signed_headers), "UNSIGNED-PAYLOAD"]
        digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()
        text = f"AWS4-HMAC-SHA256\n{stamp}\n{scope}\n{digest}"
        key: Any = ("AWS4" + self.secret_key).encode()
        for part in scope.split("/"):
            key = hmac.new(key, part.encode(), hashlib.sha256).digest()
        return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()
