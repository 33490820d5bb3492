"""The media host's own pieces: AWS Signature Version 4 presigning checked against
AWS's published example, and the S3 fake (which Kling's tests trust) refusing what
S3 refuses: an expired URL, a wrong key, a tampered signature, another bucket."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import httpx

from keroro_graph.providers.media_host import presign
from tests.fakes import s3


def test_presigned_get_matches_the_aws_documentation_example():
    # "Authenticating Requests: Using Query Parameters (AWS Signature Version 4)", example GET
    url = presign("GET", "https://examplebucket.s3.amazonaws.com/test.txt", access_key="AKIAIOSFODNN7EXAMPLE",
                  secret_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", region="us-east-1", expires_s=86400,
                  now=datetime(2013, 5, 24, tzinfo=timezone.utc))
    assert url == ("https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"
                   "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
                   "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
                   "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")


def signed(fake: s3.S3Fake, method: str, key: str, **kw: object) -> str:
    args = {"access_key": s3.ACCESS_KEY_ID, "secret_key": s3.SECRET_ACCESS_KEY, "region": s3.REGION,
            "expires_s": 300, **kw}
    return presign(method, f"{fake.bucket_url}/{key}", **args)  # type: ignore[arg-type]


async def test_the_s3_fake_takes_presigned_requests_and_refuses_what_s3_refuses():
    async with s3.S3Fake() as fake, httpx.AsyncClient() as http:
        put = await http.put(signed(fake, "PUT", "a/clip one.mp4"), content=b"movie",
                             headers={"Content-Type": "video/mp4"})
        assert put.status_code == 200
        got = await http.get(signed(fake, "GET", "a/clip one.mp4"))
        assert (got.status_code, got.content, got.headers["Content-Type"]) == (200, b"movie", "video/mp4")
        old = datetime.now(timezone.utc) - timedelta(minutes=10)
        expired = await http.get(signed(fake, "GET", "a/clip one.mp4", now=old))
        assert expired.status_code == 403 and "Request has expired" in expired.text
        wrong = await http.get(signed(fake, "GET", "a/clip one.mp4", secret_key="nope"))
        assert wrong.status_code == 403 and "<Code>SignatureDoesNotMatch</Code>" in wrong.text
        tampered = signed(fake, "GET", "a/clip one.mp4").replace("clip%20one", "clip%20two")
        assert (await http.get(tampered)).status_code == 403
        assert (await http.get(f"{fake.bucket_url}/a/clip%20one.mp4")).status_code == 403  # anonymous
        other = presign("GET", f"{fake.url}/other-bucket/x", access_key=s3.ACCESS_KEY_ID,
                        secret_key=s3.SECRET_ACCESS_KEY, region=s3.REGION, expires_s=60)
        assert (await http.get(other)).status_code == 404


def test_bucket_keys_from_the_environment_are_scrubbed_like_provider_keys(tmp_path, monkeypatch):
    from keroro_graph.runtime import build_runtime
    from keroro_graph.settings import Settings
    from tests.providers.conftest import FIXTURE_PACKS
    secret = "env-only/bucket+secret0123456789abcdef"
    monkeypatch.setenv("KERORO_MEDIA_BUCKET_SECRET_ACCESS_KEY", secret)
    rt = build_runtime(Settings(user_dir=tmp_path / "user", custom_nodes_dirs=[FIXTURE_PACKS]))
    assert rt.secrets.get("media_bucket", "secret_access_key") == secret
    assert secret not in rt.secrets.redact(f"upload failed with {secret} in the message")


def test_the_media_host_settings_come_from_flags_and_the_environment(tmp_path):
    import pydantic
    import pytest

    from keroro_graph.cli.main import build_parser
    from keroro_graph.cli.serve import serve_settings
    from keroro_graph.settings import Settings
    args = build_parser().parse_args(["serve", "--public-url", "https://kg.example.com/", "--user-dir", str(tmp_path)])
    assert serve_settings(args).public_url == "https://kg.example.com"
    env = {"KERORO_MEDIA_BUCKET": "https://s3.eu-central-1.amazonaws.com/my-bucket/kg",
           "KERORO_MEDIA_BUCKET_REGION": "eu-central-1", "KERORO_MEDIA_LINK_TTL_S": "900"}
    settings = Settings.from_env(env, user_dir=tmp_path)
    assert (settings.media_bucket, settings.media_bucket_region, settings.media_link_ttl_s) == (
        "https://s3.eu-central-1.amazonaws.com/my-bucket/kg", "eu-central-1", 900)
    with pytest.raises(pydantic.ValidationError, match="http:// or https://"):
        Settings(user_dir=tmp_path, public_url="ftp://kg.example.com")
