"""ComfyUI's Kling nodes that send a VIDEO (KlingMotionControl, KlingOmniProVideoToVideo,
KlingOmniProEditVideo) on the user's own keys: the video reaches Kling as a public URL
from the user's own S3-compatible bucket (the S3 fake checks the SigV4 presigned
requests) or from this server's own expiring link (--public-url), and the Kling fake
downloads it from there as Kling does. Without either the nodes are refused at
validation naming the settings; Kling's video rules are checked before uploading."""
from __future__ import annotations

from pathlib import Path
from typing import Any, AsyncIterator

import httpx
import pytest
from aiohttp import web

from keroro_graph.jobs.backend import JobStatus
from keroro_graph.providers.retry import RetryPolicy
from keroro_graph.registry import Registry
from keroro_graph.runtime import Runtime
from keroro_graph.server.app import create_app
from keroro_graph.server.keys import RUNTIME
from keroro_graph.settings import Settings
from tests.conftest import run_graph
from tests.fakes import s3
from tests.fakes.base import json_body, mp4_bytes
from tests.fakes.kling import ACCESS_KEY, SECRET_KEY, KlingFake
from tests.live_server import free_port
from tests.providers.conftest import configure
from tests.providers.kling.conftest import image_node

MOTION = "/v1/videos/motion-control"


@pytest.fixture
async def bucket() -> AsyncIterator[s3.S3Fake]:
    async with s3.S3Fake() as fake:
        yield fake


def with_bucket(rt: Runtime, bucket: s3.S3Fake, secret: str = s3.SECRET_ACCESS_KEY) -> None:
    rt.providers.media.media_bucket = bucket.bucket_url
    rt.providers.media.media_bucket_region = s3.REGION
    rt.secrets.set("media_bucket", "access_key_id", s3.ACCESS_KEY_ID)
    rt.secrets.set("media_bucket", "secret_access_key", secret)


def video_file(rt: Runtime, name: str = "dance.mp4", *, size: tuple[int, int] = (1280, 720),
               seconds: float = 4.0, fps: int = 24) -> bytes:
    data = mp4_bytes(size[0], size[1], fps, seconds)
    Path(rt.settings.paths.input, name).write_bytes(data)
    return data


def motion_graph(**inputs: Any) -> dict[str, Any]:
    """The shape of ComfyUI's api_kling_motion_control template."""
    node = {"prompt": "the fox dances", "reference_image": ["img", 0], "reference_video": ["vid", 0],
            "keep_original_sound": True, "character_orientation": "video", "mode": "pro", "model": "kling-v2-6",
            **inputs}
    return {"img": image_node(600, 800), "vid": {"class_type": "LoadVideo", "inputs": {"file": "dance.mp4"}},
            "1": {"class_type": "KlingMotionControl", "inputs": node},
            "s": {"class_type": "SaveVideo", "inputs": {"video": ["1", 0], "filename_prefix": "video/motion",
                                                        "format": "auto", "codec": "auto"}}}


def edit_graph(**inputs: Any) -> dict[str, Any]:
    """The shape of ComfyUI's api_kling_omni_edit_video template."""
    node = {"model_name": "kling-v3-omni", "prompt": "make it snow", "video": ["vid", 0],
            "keep_original_sound": False, "resolution": "720p", "seed": 0, **inputs}
    return {"vid": {"class_type": "LoadVideo", "inputs": {"file": "dance.mp4"}},
            "1": {"class_type": "KlingOmniProEditVideoNode", "inputs": node},
            "s": {"class_type": "SaveVideo", "inputs": {"video": ["1", 0], "filename_prefix": "video/edit",
                                                        "format": "auto", "codec": "auto"}}}


async def test_motion_control_uploads_to_the_users_bucket_and_kling_fetches_it(
        krt: Runtime, kling: KlingFake, bucket: s3.S3Fake) -> None:
    with_bucket(krt, bucket)
    source = video_file(krt, seconds=6.0)
    record = await run_graph(krt, motion_graph())
    assert record.status == JobStatus.SUCCESS, record.error
    [(key, (data, kind))] = bucket.objects.items()
    assert data == source and kind == "video/mp4"  # the file itself, not a re-encode
    assert bucket.signed == [("PUT", key), ("GET", key)]  # both presigned; the GET was Kling's
    body = json_body(kling.creates("motion-control")[0])
    url = body["video_url"]
    assert url.startswith(bucket.bucket_url + "/") and "X-Amz-Signature=" in url and "X-Amz-Expires=3600" in url
    assert {k: body[k] for k in ("model_name", "keep_original_sound", "character_orientation", "mode", "prompt")} \
        == {"model_name": "kling-v2-6", "keep_original_sound": "yes", "character_orientation": "video",
            "mode": "pro", "prompt": "the fox dances"}
    assert [name for name, _ in kling.images] == ["image_url"]  # the picture goes as base64
    [(_, fetched_url, (width, height, seconds, size))] = kling.fetched
    assert fetched_url == url and (width, height, round(seconds), size) == (1280, 720, 6, len(source))
    [saved] = record.outputs["s"]["images"]
    assert saved["subfolder"] == "video"


async def test_omni_edit_sends_a_base_video_and_the_result_lasts_as_long(
        krt: Runtime, kling: KlingFake, bucket: s3.S3Fake) -> None:
    with_bucket(krt, bucket)
    video_file(krt, seconds=5.0)
    record = await run_graph(krt, edit_graph())
    assert record.status == JobStatus.SUCCESS, record.error
    body = json_body(kling.creates("omni-video")[0])
    [item] = body["video_list"]
    assert (item["refer_type"], item["keep_original_sound"], body["mode"]) == ("base", "no", "std")
    assert "aspect_ratio" not in body and "duration" not in body  # an edit keeps the video's own
    task = next(iter(kling.tasks.values()))
    assert task.result["videos"][0]["duration"] == "5"


async def test_without_a_media_host_the_nodes_are_refused_naming_the_settings(krt: Runtime, kling: KlingFake):
    video_file(krt)
    sub = await krt.jobs.submit(motion_graph())
    assert not sub.accepted
    [error] = sub.node_errors["1"]["errors"]
    assert error["type"] == "missing_credentials"
    assert "KERORO_MEDIA_BUCKET" in error["message"] and "--public-url" in error["message"]
    assert kling.requests == []


async def test_a_bucket_without_keys_is_refused_naming_them(krt: Runtime, kling: KlingFake, bucket: s3.S3Fake):
    krt.providers.media.media_bucket = bucket.bucket_url
    video_file(krt)
    sub = await krt.jobs.submit(edit_graph())
    assert not sub.accepted
    assert "KERORO_MEDIA_BUCKET_SECRET_ACCESS_KEY" in sub.node_errors["1"]["errors"][0]["message"]


async def test_a_wrong_bucket_secret_fails_before_kling_is_asked(krt: Runtime, kling: KlingFake, bucket: s3.S3Fake):
    with_bucket(krt, bucket, secret="not-the-secret")
    video_file(krt)
    record = await run_graph(krt, motion_graph())
    assert record.status == JobStatus.ERROR
    assert "SignatureDoesNotMatch" in record.error["exception_message"]
    assert "not-the-secret" not in str(record.error)
    assert bucket.objects == {} and kling.creates() == []


@pytest.mark.parametrize("size,seconds,fps,why", [((1280, 720), 2.0, 24, "lasts 2.00 s"),
                                                   ((640, 360), 4.0, 24, "640×360 px"),
                                                   ((1280, 720), 4.0, 12, "runs at 12 fps")])
async def test_kling_video_rules_are_checked_before_uploading(krt: Runtime, kling: KlingFake, bucket: s3.S3Fake,
                                                              size: tuple[int, int], seconds: float, fps: int,
                                                              why: str):
    with_bucket(krt, bucket)
    video_file(krt, size=size, seconds=seconds, fps=fps)
    record = await run_graph(krt, edit_graph())
    assert record.status == JobStatus.ERROR
    assert why in record.error["exception_message"] and "video" in record.error["exception_message"]
    assert bucket.objects == {} and kling.creates() == []


async def test_the_kling_fake_refuses_a_url_it_cannot_fetch(krt: Runtime, kling: KlingFake, bucket: s3.S3Fake):
    """What Kling does when the link is dead (e.g. expired before Kling fetched it)."""
    with_bucket(krt, bucket)
    video_file(krt)
    bucket.expire_gets = True
    record = await run_graph(krt, motion_graph())
    assert record.status == JobStatus.ERROR
    assert "video_url could not be downloaded (HTTP 403)" in record.error["exception_message"]


# --- this server's own public links --------------------------------------------------------

@pytest.fixture
async def public_server(tmp_path: Path, full_registry: Registry, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[
        tuple[str, Runtime]]:
    for name in list(__import__("os").environ):
        if name.startswith("KERORO_"):
            monkeypatch.delenv(name, raising=False)
    port = free_port()
    settings = Settings(user_dir=tmp_path / "user", port=port, token="t0ken-for-the-canvas",
                        public_url=f"http://localhost:{port}", media_link_ttl_s=60)
    app = create_app(settings, registry=full_registry)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    rt = app[RUNTIME]
    rt.providers.retry = RetryPolicy(max_attempts=3, base_delay_s=0.01, max_delay_s=0.05, max_total_s=5)
    rt.providers.poll_scale = 0.01
    try:
        yield f"http://127.0.0.1:{port}", rt
    finally:
        await runner.cleanup()


async def test_a_public_url_serves_kling_an_expiring_read_only_link(public_server: tuple[str, Runtime],
                                                                     kling: KlingFake) -> None:
    base, rt = public_server
    configure(rt, "kling", kling.url, access_key=ACCESS_KEY, secret_key=SECRET_KEY)
    source = video_file(rt)
    record = await run_graph(rt, edit_graph())
    assert record.status == JobStatus.SUCCESS, record.error
    url = json_body(kling.creates("omni-video")[0])["video_list"][0]["video_url"]
    name = url.rsplit("/", 1)[1]
    assert url.startswith(rt.settings.public_url + "/api/media/") and len(name.split(".")[0]) == 43
    async with httpx.AsyncClient() as http:
        # no access token, and addressed to the public name: the link is the credential
        got = await http.get(f"{base}/api/media/{name}", headers={"Host": "media.example.com"})
        assert got.status_code == 200 and got.content == source and got.headers["Content-Type"] == "video/mp4"
        part = await http.get(f"{base}/api/media/{name}", headers={"Range": "bytes=0-99"})
        assert part.status_code == 206 and part.content == source[:100]
        assert (await http.put(f"{base}/api/media/{name}", content=b"x")).status_code in (401, 405)
        assert (await http.get(f"{base}/api/media/{'A' * 43}.mp4")).status_code == 404
        assert (await http.get(f"{base}/api/runs")).status_code == 401  # everything else still needs the token
        meta = Path(rt.settings.paths.temp, "public-links", name.split(".")[0] + ".json")
        meta.write_text('{"expires": 1}', encoding="utf-8")  # the link's hour is over
        assert (await http.get(f"{base}/api/media/{name}")).status_code == 404


async def test_the_kling_fake_checks_the_video_it_downloads(kling: KlingFake, bucket: s3.S3Fake):
    """What Kling refuses after fetching: a reference video outside its rules (12 fps here)."""
    from keroro_graph.providers.media_host import presign
    bucket.objects["slow.mp4"] = (mp4_bytes(1280, 720, 12, 4.0), "video/mp4")
    url = presign("GET", f"{bucket.bucket_url}/slow.mp4", access_key=s3.ACCESS_KEY_ID,
                  secret_key=s3.SECRET_ACCESS_KEY, region=s3.REGION, expires_s=300)
    body = {"model_name": "kling-v3-omni", "prompt": "snow", "mode": "std",
            "video_list": [{"video_url": url, "refer_type": "base", "keep_original_sound": "no"}]}
    import time

    import jwt
    token = jwt.encode({"iss": ACCESS_KEY, "exp": int(time.time()) + 1800, "nbf": int(time.time()) - 5},
                       SECRET_KEY, algorithm="HS256")
    async with httpx.AsyncClient() as http:
        answer = await http.post(kling.url + "/v1/videos/omni-video", json=body,
                                 headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 400 and "24 to 60 fps" in answer.json()["message"]
    assert kling.tasks == {} and [f[0] for f in kling.fetched] == ["video_list[0].video_url"]
