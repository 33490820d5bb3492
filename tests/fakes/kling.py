"""KlingFake: Kling's task API (spec §2.10) on a loopback port. It verifies the HS256
JWT on every request with PyJWT (signature with the SK fixture, ``iss`` == AK,
``nbf`` <= now < ``exp``; 401 with codes 1000–1004 otherwise), validates request
fields the way Kling documents them (1201 for a ``data:`` prefix, a number as
``duration``, cfg_scale on a v2 model, an end frame with 10 s, ...), walks each task
``submitted`` → ``processing`` → ``succeed``/``failed`` over successive GETs with
millisecond timestamps and string durations, and serves real MP4/PNG results.
Scenarios: 1303/429 (with or without Retry-After), 1004/401, 5001/503, content
policy (1301), failed tasks, held tasks (for cancel tests) and malformed bodies."""
from __future__ import annotations

import asyncio
import base64
import binascii
import io
import itertools
import time
import uuid
from dataclasses import dataclass
from typing import Any

import aiohttp
import jwt
from aiohttp import web
from PIL import Image

from tests.fakes.base import FakeServer, mp4_bytes, png_bytes

ACCESS_KEY = "ak-fake-kling-0123456789"
SECRET_KEY = "sk-fake-kling-abcdefghijklmnopqrstuvwxyz"

PATHS = {"text2video": "/v1/videos/text2video", "image2video": "/v1/videos/image2video",
         "image": "/v1/images/generations", "omni-video": "/v1/videos/omni-video",
         "omni-image": "/v1/images/omni-image", "video-extend": "/v1/videos/video-extend",
         "effects": "/v1/videos/effects", "try-on": "/v1/images/kolors-virtual-try-on",
         "lip-sync": "/v1/videos/lip-sync", "avatar": "/v1/videos/avatar/image2video",
         "motion-control": "/v1/videos/motion-control"}
VIDEO_MODELS = {"kling-v1", "kling-v1-5", "kling-v1-6", "kling-v2-master", "kling-v2-1", "kling-v2-1-master",
                "kling-v2-5-turbo", "kling-v2-6", "kling-v3"}
IMAGE_MODELS = {"kling-v1", "kling-v1-5", "kling-v2", "kling-v2-new", "kling-v2-1", "kling-v3"}
OMNI_VIDEO_MODELS = {"kling-v3-omni", "kling-video-o1"}
OMNI_IMAGE_MODELS = {"kling-v3-omni", "kling-image-o1"}
#: Models that take sound, 3–15 s durations and the "4k" mode (kling-v2-6 only sound).
SOUND_MODELS = {"kling-v2-6", "kling-v3", "kling-v3-omni"}
LONG_MODELS = {"kling-v3", "kling-v3-omni"}
IMAGE_ASPECTS = {"16:9", "9:16", "1:1", "4:3", "3:4", "3:2", "2:3", "21:9"}
CAMERA_TYPES = {"simple", "down_back", "forward_up", "right_turn_forward", "left_turn_forward"}
REFUSED_WORD = "forbidden"
SINGLE_EFFECTS = {"bloombloom", "dizzydizzy", "fuzzyfuzzy", "squish", "expansion"}
DUAL_EFFECTS = {"hug", "kiss", "heart_gesture"}
TRY_ON_MODELS = {"kolors-virtual-try-on-v1", "kolors-virtual-try-on-v1-5"}
MOTION_MODELS = {"kling-v2-6", "kling-v3"}
#: What Kling fetches from a reference video URL: (sides, bytes, seconds) per kind.
MOTION_VIDEO = ((340, 3850), 100 * 1024 * 1024)
OMNI_VIDEO = ((720, 2160), 200 * 1024 * 1024, (3.0, 10.05))
OMNI_FPS = (24.0, 60.0)


def error_body(code: int, message: str) -> dict[str, Any]:
    """Kling's error envelope."""
    return {"code": code, "message": message, "request_id": str(uuid.uuid4())}


@dataclass
class FakeTask:
    id: str
    kind: str
    body: dict[str, Any]
    created_ms: int
    polls: int = 0
    fail_reason: str | None = None
    status: str = "submitted"
    result: dict[str, Any] | None = None
    updated_ms: int = 0
    #: Seconds of the reference video Kling fetched (the result follows it).
    source_s: float | None = None


@dataclass
class FakeImage:
    width: int
    height: int
    kind: str = "base64"


class KlingFake(FakeServer):
    def __init__(self, access_key: str = ACCESS_KEY, secret_key: str = SECRET_KEY, *,
                 steps: tuple[str, ...] = ("submitted", "processing")) -> None:
        super().__init__()
        self.access_key = access_key
        self.secret_key = secret_key
        #: What the 1st, 2nd, ... GET of a task reports before the final state.
        self.steps = steps
        #: Keep every task ``processing`` forever (cancel tests).
        self.hold = False
        #: Tasks created from now on end ``failed`` with this reason.
        self.fail_reason: str | None = None
        self.tasks: dict[str, FakeTask] = {}
        #: Decoded JWT payloads and headers of accepted requests, in order.
        self.tokens: list[dict[str, Any]] = []
        self.token_headers: list[dict[str, Any]] = []
        #: Images received, by field name.
        self.images: list[tuple[str, FakeImage]] = []
        self._ids = itertools.count(867283741759111202)
        #: (status, delay) for creates whose answer is lost after the task was made.
        self.lost_answers: list[tuple[int, float]] = []
        #: Reference videos fetched from their URLs: (field, url, (width, height, seconds, bytes)).
        self.fetched: list[tuple[str, str, tuple[int, int, float, int]]] = []
        for kind, path in PATHS.items():
            self.app.router.add_post(path, self._creator(kind))
            self.app.router.add_get(path, self._lister(kind))
            self.app.router.add_get(path + "/{task_id}", self._querier(kind))

    # --- scenarios --------------------------------------------------------------------------
    def rate_limit_next(self, times: int = 1, *, retry_after: str | None = None) -> None:
        headers = {"Retry-After": retry_after} if retry_after is not None else None
        self.fail_next(429, error_body(1303, "parallel task over resource pack limit"), times=times,
                       headers=headers, path_prefix="/v1/")

    def expire_next(self, times: int = 1) -> None:
        self.fail_next(401, error_body(1004, "token expired"), times=times, path_prefix="/v1/")

    def unavailable_next(self, times: int = 1) -> None:
        self.fail_next(503, error_body(5001, "service temporarily unavailable"), times=times, path_prefix="/v1/")

    def lose_next_answers(self, status: int = 503, *, times: int = 1, delay_s: float = 0.0) -> None:
        """The next ``times`` creates are accepted (the task exists and will be billed)
        but their answers are lost: a gateway answers ``status`` instead, after
        ``delay_s`` (longer than the client's read timeout makes a timeout)."""
        self.lost_answers = [(status, delay_s)] * times

    def creates(self, kind: str | None = None) -> list[Any]:
        """POSTs that create tasks (of one kind, or any)."""
        return [r for r in self.requests if r.method == "POST"
                and (r.path == PATHS[kind] if kind else r.path in PATHS.values())]

    def polls(self, task_id: str | None = None) -> list[Any]:
        """GETs of single tasks (all of them, or one task's)."""
        return [r for r in self.requests if r.method == "GET" and r.path.count("/") == 4
                and r.path.startswith("/v1/") and (task_id is None or r.path.endswith("/" + task_id))]

    # --- auth -------------------------------------------------------------------------------
    def _auth(self, request: web.Request) -> web.Response | None:
        header = request.headers.get("Authorization")
        if not header:
            return _error(401, 1001, "Authorization is empty")
        if not header.startswith("Bearer "):
            return _error(401, 1002, "Authorization is invalid")
        token = header[len("Bearer "):]
        try:
            head = jwt.get_unverified_header(token)
            payload = jwt.decode(token, self.secret_key, algorithms=["HS256"],
                                 options={"verify_exp": False, "verify_nbf": False, "verify_iat": False,
                                          "require": ["iss", "exp", "nbf"]})
        except jwt.PyJWTError:
            return _error(401, 1002, "Authorization is invalid")
        if payload.get("iss") != self.access_key:
            return _error(401, 1000, "authentication failed")
        now = time.time()
        if payload["nbf"] > now:
            return _error(401, 1003, "token not yet valid")
        if now >= payload["exp"]:
            return _error(401, 1004, "token expired")
        self.tokens.append(payload)
        self.token_headers.append(head)
        return None

    # --- handlers ---------------------------------------------------------------------------
    def _creator(self, kind: str) -> Any:
        async def create(request: web.Request) -> web.Response:
            denied = self._auth(request)
            if denied is not None:
                return denied
            try:
                body = await request.json()
            except ValueError:
                return _error(400, 1200, "invalid request parameters: body is not JSON")
            if not isinstance(body, dict):
                return _error(400, 1200, "invalid request parameters: body is not an object")
            problem = self._check(kind, body)
            if problem is not None:
                return problem
            if REFUSED_WORD in str(body.get("prompt", "")).lower():
                return _error(400, 1301, "Failure to pass the risk control system")
            problem_or_seconds = await self._fetch_videos(kind, body)
            if isinstance(problem_or_seconds, str):
                return _error(400, 1201, f"invalid parameter: {problem_or_seconds}")
            external = body.get("external_task_id")
            if external is not None and any(t.body.get("external_task_id") == external for t in self.tasks.values()):
                return _error(400, 1201, f"invalid request parameters: external_task_id {external} already exists")
            now = _ms()
            task = FakeTask(str(next(self._ids)), kind, body, now, fail_reason=self.fail_reason, updated_ms=now,
                            source_s=problem_or_seconds)
            self.tasks[task.id] = task
            if self.lost_answers:
                status, delay_s = self.lost_answers.pop(0)
                await asyncio.sleep(delay_s)
                return _error(status, 5000, "gateway error")
            return _ok(self._task_json(task), message="SUCCEED")
        return create

    def _querier(self, kind: str) -> Any:
        async def query(request: web.Request) -> web.Response:
            denied = self._auth(request)
            if denied is not None:
                return denied
            task = self.tasks.get(request.match_info["task_id"])
            if task is None or task.kind != kind:
                return _error(404, 1203, "task does not exist")
            self._advance(task)
            return _ok(self._task_json(task))
        return query

    def _lister(self, kind: str) -> Any:
        async def listing(request: web.Request) -> web.Response:
            denied = self._auth(request)
            if denied is not None:
                return denied
            size = int(request.query.get("pageSize", "30"))
            return _ok([self._task_json(t) for t in self.tasks.values() if t.kind == kind][:size])
        return listing

    def video_ids(self) -> set[str]:
        """Ids of the videos this fake has made (what extension and lip sync accept)."""
        return {v["id"] for t in self.tasks.values() if t.result for v in t.result.get("videos", [])}

    def _check_extend(self, body: dict[str, Any]) -> str | None:
        if body.get("video_id") not in self.video_ids():
            return "video_id does not name a video made in the last 30 days"
        return None

    def _check_lip_sync(self, body: dict[str, Any]) -> str | None:
        given = body.get("input") or {}
        if given.get("video_id") not in self.video_ids() and not str(given.get("video_url", "")).startswith("http"):
            return "input.video_id or input.video_url is required"
        if given.get("mode") == "text2video":
            if not 0 < len(str(given.get("text") or "")) <= 120 or not given.get("voice_id"):
                return "text2video needs text (at most 120 characters) and voice_id"
            if given.get("voice_language") not in ("zh", "en") or not 0.8 <= given.get("voice_speed", 1) <= 2:
                return "voice_language must be zh or en and voice_speed 0.8 to 2"
            return None
        if given.get("mode") != "audio2video" or given.get("audio_type") != "file":
            return "mode must be text2video, or audio2video with audio_type file"
        return _check_base64_audio(given.get("audio_file"))

    async def _fetch_videos(self, kind: str, body: dict[str, Any]) -> str | float | None:
        """Fetch every reference video URL as Kling does and check it against Kling's
        rules; the first problem, or the seconds of the (last) video fetched."""
        if kind == "motion-control":
            longest = 10.0 if body.get("character_orientation") == "image" else 30.0
            wanted = [("video_url", body.get("video_url"), (*MOTION_VIDEO, (3.0, longest)))]
        elif kind == "omni-video":
            wanted = [(f"video_list[{i}].video_url", v.get("video_url") if isinstance(v, dict) else None, OMNI_VIDEO)
                      for i, v in enumerate(body.get("video_list") or [])]
        else:
            return None
        seconds = None
        for name, url, (sides, max_bytes, (shortest, longest)) in wanted:
            if not isinstance(url, str) or not url.startswith(("http://", "https://")):
                return f"{name} must be a URL Kling can fetch (not a file or base64)"
            try:
                async with aiohttp.ClientSession() as session:
                    async with session.get(url, timeout=aiohttp.ClientTimeout(total=30)) as answer:
                        if answer.status != 200:
                            return f"{name} could not be downloaded (HTTP {answer.status})"
                        data = b""
                        async for chunk in answer.content.iter_chunked(1 << 20):
                            data += chunk
                            if len(data) > max_bytes:
                                break
            except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                return f"{name} could not be downloaded ({type(exc).__name__})"
            if len(data) > max_bytes:
                return f"{name} is larger than {max_bytes // 2**20} MB"
            facts = _probe_video(data)
            if isinstance(facts, str):
                return f"{name}: {facts}"
            width, height, seconds, fps = facts
            self.fetched.append((name, url, (width, height, seconds, len(data))))
            if kind == "omni-video" and not OMNI_FPS[0] - 0.01 <= fps <= OMNI_FPS[1] + 0.01:
                return f"{name} must run at 24 to 60 fps, not {fps:g}"
            if not (sides[0] <= width <= sides[1] and sides[0] <= height <= sides[1]):
                return f"{name} must be {sides[0]} to {sides[1]} px on each side, not {width}x{height}"
            if not shortest <= seconds <= longest:
                return f"{name} must last {shortest:g} to {longest:g} s, not {seconds:.2f} s"
        return seconds

    # --- task lifecycle ---------------------------------------------------------------------
    def _advance(self, task: FakeTask) -> None:
        if task.status in ("succeed", "failed"):
            return
        task.polls += 1
        if self.hold:
            task.status = "processing"
        elif task.polls <= len(self.steps):
            task.status = self.steps[task.polls - 1]
        elif task.fail_reason:
            task.status = "failed"
        else:
            task.status, task.result = "succeed", self._result(task)
        task.updated_ms = _ms()

    def _result(self, task: FakeTask) -> dict[str, Any]:
        if task.kind == "try-on":
            url = self.add_file(f"{task.id}_0.png", png_bytes(300, 400, (90, 40, 160)), "image/png")
            return {"images": [{"index": 0, "url": url}]}
        if task.kind in ("image", "omni-image"):
            width, height = _image_size(task.body.get("aspect_ratio") or "16:9")
            images = []
            for i in range(int(task.body.get("series_amount") or task.body.get("n", 1))):
                url = self.add_file(f"{task.id}_{i}.png", png_bytes(width, height, (200, 40 + 20 * i, 40)),
                                    "image/png")
                images.append({"index": i, "url": url})
            return {"images": images}
        width, height = self._video_size(task)
        duration = task.body.get("duration") or (task.body.get("input") or {}).get("duration") or "5"
        follows_source = task.kind == "motion-control" or any(
            v.get("refer_type") == "base" for v in task.body.get("video_list") or [])
        if follows_source and task.source_s:
            duration = str(max(1, round(task.source_s)))
        url = self.add_file(f"{task.id}.mp4", mp4_bytes(width, height, 24, float(duration)), "video/mp4")
        return {"videos": [{"id": f"v-{task.id}", "url": url, "duration": duration}]}

    def _video_size(self, task: FakeTask) -> tuple[int, int]:
        if task.kind == "image2video":
            start = next((img for name, img in reversed(self.images) if name == "image"), None)
            if start is not None and start.width >= start.height:
                return 1280, round(1280 * start.height / start.width / 2) * 2
            if start is not None:
                return round(1280 * start.width / start.height / 2) * 2, 1280
        return {"16:9": (1280, 720), "9:16": (720, 1280), "1:1": (960, 960)}[task.body.get("aspect_ratio") or "16:9"]

    def _task_json(self, task: FakeTask) -> dict[str, Any]:
        failed = task.status == "failed"
        return {"task_id": task.id, "task_status": task.status,
                "task_status_msg": task.fail_reason if failed else None,
                "task_info": {"external_task_id": task.body.get("external_task_id")},
                "task_result": task.result, "final_unit_deduction": "1" if task.result else None,
                "created_at": task.created_ms, "updated_at": task.updated_ms}

    # --- request validation (spec §2.4–2.6) -------------------------------------------------
    def _check(self, kind: str, body: dict[str, Any]) -> web.Response | None:
        model = body.get("model_name", "kling-v1")
        special = {"video-extend": self._check_extend, "effects": _check_effects, "try-on": _check_try_on,
                   "lip-sync": self._check_lip_sync, "avatar": _check_avatar, "motion-control": _check_motion}
        if kind in special:
            problem = special[kind](body) or self._check_images(body)
            return _error(400, 1201, f"invalid parameter: {problem}") if problem else None
        models = {"image": IMAGE_MODELS, "omni-video": OMNI_VIDEO_MODELS, "omni-image": OMNI_IMAGE_MODELS}
        if model not in models.get(kind, VIDEO_MODELS):
            return _error(404, 1203, f"model {model} does not exist")
        checks = {"image": _check_image_request, "omni-image": _check_omni_image,
                  "omni-video": lambda b: _check_omni_video(b, model)}
        problem = _check_common(kind, body) or (checks[kind](body) if kind in checks
                                                else _check_video_request(kind, body, model))
        if problem is None:
            problem = self._check_images(body)
        return _error(400, 1201, f"invalid parameter: {problem}") if problem else None

    def _check_images(self, body: dict[str, Any]) -> str | None:
        given = body.get("input") if isinstance(body.get("input"), dict) else {}
        named = [(name, body[name]) for name in ("image", "image_tail", "human_image", "cloth_image", "image_url")
                 if name in body]
        named += [("input.image", given["image"])] if "image" in given else []
        named += [(f"input.images[{i}]", v) for i, v in enumerate(given.get("images") or [])]
        for i, item in enumerate(body.get("image_list") or []):
            named.append((f"image_list[{i}]", item.get("image_url", item.get("image"))
                          if isinstance(item, dict) else None))
        for name, value in named:
            found = _decode_image(name, value)
            if isinstance(found, str):
                return found
            self.images.append((name, found))
        return None


def _check_common(kind: str, body: dict[str, Any]) -> str | None:
    prompt = body.get("prompt")
    if kind != "image2video" and not body.get("multi_shot") and not (isinstance(prompt, str) and prompt.strip()):
        return "prompt is required"
    for name in ("prompt", "negative_prompt"):
        if name in body and (not isinstance(body[name], str) or len(body[name]) > 2500):
            return f"{name} must be a string of at most 2500 characters"
    return None


def _check_effects(body: dict[str, Any]) -> str | None:
    scene, given = body.get("effect_scene"), body.get("input") or {}
    if scene in DUAL_EFFECTS:
        if len(given.get("images") or []) != 2 or given.get("mode") not in ("std", "pro"):
            return f"{scene} needs two images and a mode"
    elif scene in SINGLE_EFFECTS:
        if "image" not in given:
            return f"{scene} needs an image"
    else:
        return f"effect_scene {scene!r} is invalid"
    if given.get("duration") not in ("5", "10"):
        return "input.duration must be the string \"5\" or \"10\""
    return None


def _check_try_on(body: dict[str, Any]) -> str | None:
    if body.get("model_name") not in TRY_ON_MODELS:
        return "model_name is invalid"
    return None if "human_image" in body and "cloth_image" in body else "human_image and cloth_image are required"


def _check_motion(body: dict[str, Any]) -> str | None:
    if body.get("model_name", "kling-v2-6") not in MOTION_MODELS:
        return "model_name must be kling-v2-6 or kling-v3"
    if "image_url" not in body or "video_url" not in body:
        return "image_url and video_url are required"
    if body.get("keep_original_sound", "yes") not in ("yes", "no"):
        return "keep_original_sound must be yes or no"
    if body.get("character_orientation") not in ("image", "video") or body.get("mode") not in ("std", "pro"):
        return "character_orientation must be image or video, and mode std or pro"
    if len(str(body.get("prompt") or "")) > 2500:
        return "prompt must be at most 2500 characters"
    return None


def _probe_video(data: bytes) -> tuple[int, int, float, float] | str:
    """(width, height, seconds, fps) of an MP4/MOV, or what is wrong with it."""
    import av
    try:
        with av.open(io.BytesIO(data)) as container:
            if "mp4" not in container.format.name and "mov" not in container.format.name:
                return f"only .mp4/.mov are supported, not {container.format.name}"
            stream = container.streams.video[0]
            seconds = (container.duration or 0) / 1_000_000 or float((stream.duration or 0) * stream.time_base)
            rate = stream.average_rate or stream.guessed_rate
            return stream.codec_context.width, stream.codec_context.height, seconds, float(rate or 0)
    except (av.FFmpegError, IndexError, ValueError):
        return "the file is not a decodable video"


def _check_avatar(body: dict[str, Any]) -> str | None:
    if body.get("mode") not in ("std", "pro") or "image" not in body:
        return "image and mode std/pro are required"
    sound = body.get("sound_file")
    if isinstance(sound, str) and sound.startswith(("http://", "https://")):
        return None  # Kling takes a URL or raw base64
    if isinstance(sound, str) and len(sound) * 3 // 4 > 5 * 1024 * 1024:
        return "sound_file must be at most 5 MB (.mp3/.wav/.m4a/.aac)"
    return _check_base64_audio(sound)


def _check_base64_audio(value: Any) -> str | None:
    try:
        data = base64.b64decode(value or "", validate=True)
    except (binascii.Error, ValueError):
        return "the audio is not valid base64"
    return None if len(data) > 100 else "the audio is empty"


def _durations(model: str) -> set[str]:
    if model in LONG_MODELS:
        return {str(s) for s in range(3, 16)}
    if model == "kling-video-o1":
        return {str(s) for s in range(3, 11)}
    return {"5", "10"}


def _check_generation(body: dict[str, Any], model: str) -> str | None:
    """What the sound-era fields allow: mode, duration, sound and storyboard shots."""
    modes = ("std", "pro", "4k") if model in LONG_MODELS else ("std", "pro")
    if body.get("mode", "std") not in modes:
        return f"mode must be one of {', '.join(modes)} for {model}"
    if body.get("duration", "5") not in _durations(model):
        return f"duration {body.get('duration')!r} is not offered by {model} (a string of seconds)"
    if "sound" in body and (body["sound"] not in ("on", "off") or (model not in SOUND_MODELS
                                                                    and body["sound"] == "on")):
        return f"sound {body['sound']!r} is not supported by {model}"
    shots = body.get("multi_prompt")
    if body.get("multi_shot"):
        if model not in LONG_MODELS or body.get("shot_type") != "customize" or not shots:
            return "multi_shot needs a kling-v3 model, shot_type customize and multi_prompt"
        if sum(int(s["duration"]) for s in shots) != int(body.get("duration", "5")):
            return "the multi_prompt durations must add up to duration"
    return None


def _check_omni_video(body: dict[str, Any], model: str) -> str | None:
    images, videos = body.get("image_list") or [], body.get("video_list") or []
    if len(images) > (4 if videos else 7):
        return "image_list holds at most 7 images (4 beside a reference video)"
    if any(i.get("type") not in (None, "first_frame", "end_frame") for i in images):
        return "image_list[].type must be first_frame or end_frame"
    if len(videos) > 1 or any(not isinstance(v, dict) or v.get("refer_type") not in ("feature", "base")
                              or v.get("keep_original_sound", "yes") not in ("yes", "no") for v in videos):
        return "video_list holds one {video_url, refer_type feature|base, keep_original_sound yes|no}"
    base = any(v.get("refer_type") == "base" for v in videos)
    if videos and body.get("sound") == "on":
        return "sound cannot be on with a reference video"
    if not base and not any(i.get("type") == "first_frame" for i in images) and body.get("aspect_ratio") not in (
            "16:9", "9:16", "1:1"):
        return "aspect_ratio is required without a first frame or a video to edit"
    return _check_generation(body, model)


def _check_omni_image(body: dict[str, Any]) -> str | None:
    if body.get("resolution") not in ("1k", "2k", "4k"):
        return "resolution must be 1k, 2k or 4k"
    if body.get("aspect_ratio") not in IMAGE_ASPECTS:
        return "aspect_ratio is invalid"
    if len(body.get("image_list") or []) > 10:
        return "image_list holds at most 10 images"
    if body.get("result_type") not in (None, "series") or (body.get("result_type") and not 2 <= int(
            body.get("series_amount") or 0) <= 9):
        return "series needs series_amount 2 to 9"
    return None


def _check_video_request(kind: str, body: dict[str, Any], model: str) -> str | None:
    if kind == "image2video" and "image" not in body and "image_tail" not in body:
        return "image is required"
    problem = _check_generation(body, model)
    if problem:
        return problem
    if kind == "text2video" and body.get("aspect_ratio", "16:9") not in ("16:9", "9:16", "1:1"):
        return "aspect_ratio must be 16:9, 9:16 or 1:1"
    if "cfg_scale" in body:
        cfg = body["cfg_scale"]
        if not isinstance(cfg, (int, float)) or not 0 <= cfg <= 1:
            return "cfg_scale must be within [0, 1]"
        if not model.startswith("kling-v1"):
            return f"cfg_scale is not supported by {model}"
    camera = body.get("camera_control")
    if camera is not None and (not isinstance(camera, dict) or camera.get("type") not in CAMERA_TYPES):
        return "camera_control.type is invalid"
    if "image_tail" in body and body.get("duration", "5") != "5" and model not in LONG_MODELS:
        return "image_tail requires duration 5"
    if "image_tail" in body and camera is not None:
        return "image_tail and camera_control cannot be used together"
    return None


def _check_image_request(body: dict[str, Any]) -> str | None:
    n = body.get("n", 1)
    if not isinstance(n, int) or not 1 <= n <= 9:
        return "n must be an integer from 1 to 9"
    if body.get("aspect_ratio", "16:9") not in IMAGE_ASPECTS:
        return "aspect_ratio is invalid"
    if body.get("resolution", "1k") not in ("1k", "2k"):
        return "resolution must be 1k or 2k"
    if "image" in body and body.get("negative_prompt"):
        return "negative_prompt is not supported with an image reference"
    if "image_reference" in body and body["image_reference"] not in ("subject", "face"):
        return "image_reference must be subject or face"
    for name in ("image_fidelity", "human_fidelity"):
        if name in body and not 0 <= body[name] <= 1:
            return f"{name} must be within [0, 1]"
    return None


def _decode_image(name: str, value: Any) -> FakeImage | str:
    if not isinstance(value, str) or not value:
        return f"{name} must be a URL or base64 string"
    if value.startswith("data:"):
        return f"{name}: base64 must not carry a data: prefix"
    if value.startswith(("http://", "https://")):
        return FakeImage(0, 0, kind="url")
    try:
        data = base64.b64decode(value, validate=True)
        with Image.open(io.BytesIO(data)) as img:
            width, height, fmt = img.width, img.height, img.format
    except (binascii.Error, ValueError, OSError):
        return f"{name} is not a decodable base64 image"
    if fmt not in ("JPEG", "PNG") or len(data) > 10 * 1024 * 1024:
        return f"{name} must be a jpg/png of at most 10 MB"
    if min(width, height) < 300 or not 0.4 <= width / height <= 2.5:
        return f"{name} must be at least 300 px per side with aspect 1:2.5 to 2.5:1"
    return FakeImage(width, height)


def _image_size(aspect: str) -> tuple[int, int]:
    a, b = (int(x) for x in aspect.split(":"))
    k = 768 // max(a, b)  # about 1k on the long side, like Kling's "1k"
    return a * k, b * k


def _ms() -> int:
    return int(time.time() * 1000)


def _ok(data: Any, *, message: str = "Success") -> web.Response:
    return web.json_response({"code": 0, "message": message, "request_id": str(uuid.uuid4()), "data": data})


def _error(status: int, code: int, message: str) -> web.Response:
    return web.json_response(error_body(code, message), status=status)
