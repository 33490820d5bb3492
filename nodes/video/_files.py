"""What the video and audio nodes share: the files their loaders offer, opening a
chosen file as a VIDEO or AUDIO value with errors that name the input, and the
metadata ComfyUI embeds in saved media (the prompt and the workflow)."""
from __future__ import annotations

import json
from typing import Any

from keroro_graph.api import NodeContext, Video, VideoError, audio
from nodes.image.io._files import annotated_path, list_files

VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".m4v", ".webm", ".mkv", ".avi", ".gif", ".mpeg", ".mpg"})
AUDIO_SUFFIXES = frozenset({".wav", ".mp3", ".flac", ".ogg", ".opus", ".m4a", ".aac", ".webm"})


def list_videos(ctx: Any) -> list[str]:
    return list_files(ctx, VIDEO_SUFFIXES)


def list_audio(ctx: Any) -> list[str]:
    """LoadAudio offers audio files and videos (it reads their sound)."""
    return list_files(ctx, AUDIO_SUFFIXES | VIDEO_SUFFIXES)


def open_video(ctx: NodeContext, name: str, what: str) -> Video:
    """The VIDEO in the input file ``name``; ValueError naming input ``what`` otherwise."""
    path = annotated_path(ctx.paths, name, what)
    if not path.is_file():
        raise ValueError(f"{what} {name!r} does not exist in the input folder")
    try:
        return Video.open(path)
    except VideoError as exc:
        raise ValueError(f"{what} {name!r}: {exc}") from exc


def open_audio(ctx: NodeContext, name: str, what: str) -> dict[str, Any]:
    """The AUDIO in the input file ``name``; ValueError naming input ``what`` otherwise."""
    path = annotated_path(ctx.paths, name, what)
    if not path.is_file():
        raise ValueError(f"{what} {name!r} does not exist in the input folder")
    try:
        return audio.load_audio(path)
    except audio.AudioError as exc:
        raise ValueError(f"{what} {name!r}: {exc}") from exc


def saved_metadata(ctx: NodeContext) -> dict[str, str]:
    """ComfyUI's container tags: ``prompt`` and each extra_pnginfo key, as JSON."""
    tags = {str(key): json.dumps(value) for key, value in (ctx.extra_pnginfo or {}).items()}
    if ctx.prompt:
        tags["prompt"] = json.dumps(ctx.prompt)
    return tags
