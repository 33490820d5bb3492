"""ComfyUI's own API-node templates run here unchanged, on the user's own keys: each of
the 77 in-scope templates of ``comfyui-workflow-templates-json==0.1.123`` (downloaded
with pip) is converted from its UI workflow, compared with the API prompt ComfyUI's
frontend makes of it, validated with provider keys set, and run through a real
runtime against the provider fakes until its output files exist.

A template that cannot be converted or validated must be refused naming the node (a
node we lack, a widget that does not line up). The per-template outcome is written to
``template-report.txt`` in the test's folder and printed; the run count may only go up
(``AT_LEAST_RUN``)."""
from __future__ import annotations

import asyncio
import io
import re
from pathlib import Path
from typing import Any, AsyncIterator

import numpy as np
import pytest
from PIL import Image

from keroro_graph.api import audio, make_audio
from keroro_graph.errors import WorkflowConversionError
from keroro_graph.graph import workflow_to_prompt
from keroro_graph.jobs.backend import JobStatus
from keroro_graph.providers.retry import RetryPolicy
from keroro_graph.runtime import Runtime, build_runtime
from keroro_graph.settings import Settings
from tests.comfy_templates.templates import REPO_ROOT, in_scope, load_template, our_registry, reference
from tests.fakes import dashscope, gemini, kling, s3
from tests.fakes.base import mp4_bytes
from tests.fakes.openai import OpenAIFake

#: Templates that must run to their files (raise it as nodes land, never lower it).
AT_LEAST_RUN = 76
OPENAI_KEY = "sk-fake-openai-0123456789"
_FILE_INPUTS = {"LoadImage": "image", "LoadVideo": "file", "LoadAudio": "audio", "RecordAudio": "audio",
                "LoadImageMask": "image"}


@pytest.fixture
async def fakes() -> AsyncIterator[dict[str, Any]]:
    async with kling.KlingFake() as k, gemini.GeminiFake() as g, dashscope.DashScopeFake() as d, \
            OpenAIFake(api_key=OPENAI_KEY) as o, s3.S3Fake() as b:
        g.base_px = 448  # Gemini's pictures feed Kling nodes, which need 300 px a side
        yield {"kling": k, "gemini": g, "dashscope": d, "openai": o, "s3": b}


@pytest.fixture
async def runtime(tmp_path: Path, fakes: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Runtime]:
    import os
    for name in list(os.environ):
        if name.startswith("KERORO_") or name.endswith(("_API_KEY", "_ACCESS_KEY", "_SECRET_KEY", "_API_TOKEN")):
            monkeypatch.delenv(name, raising=False)
    # Kling fetches reference videos from a URL: the user's own bucket gives it one.
    settings = Settings(user_dir=tmp_path / "user", custom_nodes_dirs=[REPO_ROOT / "custom_nodes"],
                        media_bucket=fakes["s3"].bucket_url, media_bucket_region=s3.REGION)
    rt = build_runtime(settings, registry=our_registry())
    rt.providers.retry = RetryPolicy(max_attempts=3, base_delay_s=0.01, max_delay_s=0.05, max_total_s=5)
    rt.providers.poll_scale = 0.01
    keys = {"kling": {"access_key": kling.ACCESS_KEY, "secret_key": kling.SECRET_KEY},
            "gemini": {"api_key": gemini.GOOD_KEY}, "dashscope": {"api_key": dashscope.API_KEY},
            "openai_custom": {"api_key": OPENAI_KEY},
            "media_bucket": {"access_key_id": s3.ACCESS_KEY_ID, "secret_access_key": s3.SECRET_ACCESS_KEY}}
    urls = {"kling": fakes["kling"].url, "gemini": fakes["gemini"].base_url, "dashscope": fakes["dashscope"].url,
            "openai_custom": fakes["openai"].url + "/v1"}
    for provider, secrets in keys.items():
        if provider in urls:
            rt.provider_settings.update(provider, {"base_url": urls[provider]})
        for name, value in secrets.items():
            rt.secrets.set(provider, name, value)
    await rt.start()
    try:
        yield rt
    finally:
        await rt.close()


def provide_inputs(prompt: dict[str, Any], input_dir: Path) -> None:
    """Write a real stand-in for every file a loader names (the templates' own example
    files are not in the wheel): a PNG, a 4 s 720p H.264 MP4 (Kling's Omni nodes take
    720 to 2160 px a side) or a 3 s MP3."""
    for node in prompt.values():
        name = node["inputs"].get(_FILE_INPUTS.get(node["class_type"], ""))
        if not isinstance(name, str) or not name.strip():
            continue
        target = input_dir / re.sub(r" \[(input|output|temp)\]$", "", name)
        target.parent.mkdir(parents=True, exist_ok=True)
        suffix = target.suffix.lower()
        if suffix in (".mp4", ".mov", ".webm", ".mkv"):
            target.write_bytes(mp4_bytes(1280, 720, 24, 4.0))
        elif suffix in (".mp3", ".wav", ".flac", ".ogg", ".m4a", ".opus"):
            t = np.arange(3 * 16000, dtype=np.float32) / 16000
            fmt = {".mp3": "mp3", ".wav": "wav", ".flac": "flac", ".ogg": "opus", ".opus": "opus", ".m4a": "m4a"}[suffix]
            target.write_bytes(audio.encode_audio(make_audio(np.sin(2 * np.pi * 330 * t)[None], 16000)["waveform"][0],
                                                  16000, fmt=fmt))
        else:
            target.write_bytes(rgba_png(768, 512))


def rgba_png(width: int, height: int) -> bytes:
    """A picture whose left quarter is transparent, as an image saved with a painted
    mask is (LoadImage's MASK then has the picture's size, as inpainting needs)."""
    pixels = np.full((height, width, 4), (120, 160, 200, 255), np.uint8)
    pixels[:, : width // 4, 3] = 0
    out = io.BytesIO()
    Image.fromarray(pixels, "RGBA").save(out, "PNG")
    return out.getvalue()


def output_files(record: Any, paths: Any) -> list[Path]:
    files = []
    for ui in record.outputs.values():
        for key in ("images", "audio", "files", "videos", "a_images", "b_images"):
            for entry in ui.get(key, []) if isinstance(ui, dict) else []:
                if isinstance(entry, dict) and "filename" in entry:
                    files.append(paths.folder(entry.get("type", "output")) / entry.get("subfolder", "") / entry["filename"])
    return files


def same_as_reference(name: str, prompt: dict[str, Any]) -> bool:
    ref = reference().get(name) or {}
    strip = lambda p: {k: (v["class_type"], v["inputs"]) for k, v in p.items()}  # noqa: E731
    return strip(prompt) == strip(ref)


async def run_template(rt: Runtime, name: str) -> tuple[str, str]:
    """(outcome, detail): "ran", "refused" (converting or validating, naming a node),
    or "failed" (accepted but did not finish with its files)."""
    try:
        prompt = workflow_to_prompt(load_template(name), rt.registry)
    except WorkflowConversionError as exc:
        return "refused", f"conversion: {exc}"
    provide_inputs(prompt, rt.settings.paths.input)
    sub = await rt.jobs.submit(prompt, extra_data={"extra_pnginfo": {"workflow": {"template": name}}})
    if not sub.accepted:
        errors = "; ".join(f"node {nid} ({e.get('class_type')}): " + ", ".join(x.get("details") or x.get("message", "")
                                                                                 for x in e.get("errors", []))
                           for nid, e in sub.node_errors.items())
        return "refused", f"validation: {sub.error.get('message') if sub.error else ''} {errors}"[:600]
    record = await rt.jobs.wait(sub.prompt_id, timeout_s=60)
    if record.status != JobStatus.SUCCESS:
        err = record.error or {}
        return "failed", f"node {err.get('node_id')} ({err.get('node_type')}): {err.get('exception_message')}"[:600]
    files = output_files(record, rt.settings.paths)
    missing = [f for f in files if not f.is_file()]
    if not files or missing:
        return "failed", f"no output files ({missing or 'none written'})"
    match = "same as ComfyUI's frontend" if same_as_reference(name, prompt) else "converted differently"
    return "ran", f"{len(files)} file(s); {match}"


@pytest.mark.timeout(900)
async def test_in_scope_templates_run_on_our_keys_against_the_fakes(runtime: Runtime, tmp_path: Path) -> None:
    outcomes: dict[str, tuple[str, str]] = {}
    for name in in_scope():
        try:
            outcomes[name] = await asyncio.wait_for(run_template(runtime, name), timeout=90)
        except asyncio.TimeoutError:
            outcomes[name] = ("failed", "timed out")
    lines = [f"{outcome:8} {name}: {detail}" for name, (outcome, detail) in outcomes.items()]
    ran = sum(1 for outcome, _ in outcomes.values() if outcome == "ran")
    report = f"{ran} of {len(outcomes)} in-scope templates ran to their files\n" + "\n".join(lines)
    (tmp_path / "template-report.txt").write_text(report, encoding="utf-8")
    print(report)
    unnamed = [line for line in lines if line.startswith("refused") and not re.search(r"node \S+ \(", line)]
    assert unnamed == [], "refusals must name the node"
    assert ran >= AT_LEAST_RUN, report
