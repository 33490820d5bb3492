"""What ComfyUI's Gemini nodes share: their model names mapped to Gemini API model
ids, the user turn built from the prompt, reference images, audio, video and input
files, the ``generateContent`` call through the pack's client, and the answer split
into result images, thinking images and text (ComfyUI's output conventions)."""
from __future__ import annotations

import base64
import io
import wave
from pathlib import Path
from typing import Any

import numpy as np

from keroro_graph.api import BadRequestError, NodeContext, provider_media

from ..client import GeminiClient
from ..frames import frames_as_png, raw_budget
from ..models import (Content, GenerateContentRequest, GenerateContentResponse, GenerationConfig, ImageConfig,
                      InlineData, Part)
from ..options import check_prompt
from ..text_images import elide_data_urls

PROVIDER = GeminiClient.provider
#: ComfyUI's model choices → the public Gemini API's model ids (ComfyUI renames some
#: before calling its proxy; these are the same models under Google's names).
MODEL_IDS = {
    "gemini-2.5-flash-image": "gemini-2.5-flash-image",
    "gemini-3-pro-image-preview": "gemini-3-pro-image-preview",
    "Nano Banana 2 (Gemini 3.1 Flash Image)": "gemini-3.1-flash-image-preview",
    "Nano Banana 2 Lite": "gemini-3.1-flash-lite-image",
    "Gemini Nano Banana 2.1": "gemini-nano-banana-2.1",
    "gemini-2.5-pro": "gemini-2.5-pro",
    "gemini-2.5-flash": "gemini-2.5-flash",
    "gemini-3-pro-preview": "gemini-3.1-pro-preview",
    "gemini-3-1-pro": "gemini-3.1-pro-preview",
    "gemini-3-1-flash-lite": "gemini-3.1-flash-lite-preview",
    "Gemini 3.1 Pro": "gemini-3.1-pro-preview",
    "Gemini 3.5 Flash": "gemini-3.5-flash",
    "Gemini 3.1 Flash-Lite": "gemini-3.1-flash-lite-preview",
}
#: ComfyUI refuses more reference images than this.
MAX_IMAGES = 14
_AUDIO_MIME = {".mp3": "audio/mp3", ".wav": "audio/wav", ".flac": "audio/flac", ".ogg": "audio/ogg",
               ".m4a": "audio/aac", ".aac": "audio/aac"}


def model_id(choice: str) -> str:
    return MODEL_IDS.get(choice, choice)


def image_parts(images: list[Any]) -> list[Part]:
    """Inline PNG parts for every frame of every IMAGE, at most MAX_IMAGES in all."""
    images = [i for i in images if i is not None]
    count = sum(int(i.shape[0]) if getattr(i, "ndim", 0) == 4 else 1 for i in images)
    if count > MAX_IMAGES:
        raise BadRequestError(f"images: {count} images; Gemini image models take at most {MAX_IMAGES}",
                              provider=PROVIDER)
    budget = raw_budget() // max(1, len(images))
    return [_inline("image/png", png) for batch in images
            for png in frames_as_png(batch, provider=PROVIDER, budget_bytes=budget)]


def media_parts(*, audio: list[Any] = (), video: list[Any] = ()) -> list[Part]:  # type: ignore[assignment]
    """Inline parts for AUDIO and VIDEO inputs (the files as they are, or a WAV made
    from a ``{waveform, sample_rate}`` value)."""
    parts = []
    for clip in video:
        path = Path(getattr(clip, "path", "") or "")
        if not path.is_file():
            raise BadRequestError("video: the input video has no file to send", provider=PROVIDER)
        parts.append(_inline("video/mp4", path.read_bytes()))
    for clip in audio:
        parts.append(_audio_part(clip))
    return parts


def _audio_part(clip: Any) -> Part:
    if isinstance(clip, dict) and "waveform" in clip:
        return _inline("audio/wav", _wav(np.asarray(clip["waveform"]), int(clip["sample_rate"])))
    path = Path(getattr(clip, "path", "") or "")
    if not path.is_file():
        raise BadRequestError("audio: the input audio has no file to send", provider=PROVIDER)
    return _inline(_AUDIO_MIME.get(path.suffix.lower(), "audio/mp3"), path.read_bytes())


def _wav(waveform: np.ndarray, sample_rate: int) -> bytes:
    """ComfyUI's ``[batch, channels, samples]`` float waveform (first clip) as 16-bit WAV."""
    samples = waveform[0] if waveform.ndim == 3 else waveform
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2").T.copy()
    out = io.BytesIO()
    with wave.open(out, "wb") as handle:
        handle.setnchannels(pcm.shape[1] if pcm.ndim == 2 else 1)
        handle.setsampwidth(2)
        handle.setframerate(sample_rate)
        handle.writeframes(pcm.tobytes())
    return out.getvalue()


def _inline(mime: str, data: bytes) -> Part:
    return Part(inline_data=InlineData(mime_type=mime, data=base64.b64encode(data).decode("ascii")))


def file_parts(files: Any) -> list[Part]:
    """GEMINI_INPUT_FILES (a list of parts from GeminiInputFiles) as request parts."""
    return [Part.model_validate(f) for f in files or []]


async def generate(ctx: NodeContext, choice: str, prompt: str, parts: list[Part], *, system_prompt: str = "",
                   config: GenerationConfig | None = None, require_prompt: bool = True) -> GenerateContentResponse:
    """One ``generateContent`` call: the prompt first, then ``parts``."""
    text = check_prompt(prompt, provider=PROVIDER) if require_prompt else prompt
    request = GenerateContentRequest(
        contents=[Content(role="user", parts=[Part(text=text), *parts])],
        system_instruction=Content(parts=[Part(text=system_prompt)]) if system_prompt else None,
        generation_config=config)
    gemini = ctx.provider(GeminiClient)
    name = model_id(choice)
    ctx.text(f"Generating with {name}…")
    return await gemini.generate_content(name, request)


def image_config(aspect_ratio: str, resolution: str | None) -> ImageConfig | None:
    """ComfyUI's imageConfig: the size when the node has one, the ratio unless auto."""
    ratio = None if aspect_ratio == "auto" else aspect_ratio
    return ImageConfig(aspect_ratio=ratio, image_size=resolution or None) if ratio or resolution else None


def modalities(choice: str) -> list[str]:
    return ["IMAGE"] if choice == "IMAGE" else ["TEXT", "IMAGE"]


async def images_and_text(ctx: NodeContext, answer: GenerateContentResponse, *,
                          thoughts: bool = False) -> tuple[Any, ...]:
    """(IMAGE, STRING) or, with ``thoughts``, (IMAGE, STRING, thought IMAGE); with no
    thinking image ComfyUI returns a black 1024×1024 RGBA frame, so we do too."""
    gemini = ctx.provider(GeminiClient)
    batch = provider_media.images_to_batch(await gemini.result_images(answer, thought=False))
    text = elide_data_urls(answer.text())
    if not thoughts:
        return batch, text
    drafts = await gemini.result_images(answer, thought=True)
    thought = provider_media.images_to_batch(drafts) if drafts else np.zeros((1, 1024, 1024, 4), np.float32)
    return batch, text, thought
