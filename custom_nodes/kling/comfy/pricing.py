"""What ComfyUI's Kling nodes cost, read from the same "kling" price table as our own
Kling nodes (rows ``model/mode/duration``): their inputs name the row differently
("pro mode / 5s duration / kling-v2-5-turbo" in one combo, or ``model_name``), so each
price derives the row's values from them. A combination the table has no row for
(a model or length not priced yet, native audio on) is "unknown", never 0."""
from __future__ import annotations

from typing import Any, Mapping

from keroro_graph.api import Price

from .tasks import parse_mode

_ROW = ("model", "mode", "duration")


def _from_mode_combo(values: Mapping[str, Any]) -> dict[str, Any]:
    mode, duration, model = parse_mode(str(values["mode"]))
    return {"model": model, "mode": mode, "duration": duration}


def _from_model_name(values: Mapping[str, Any]) -> dict[str, Any] | None:
    if values.get("generate_audio"):  # native audio is priced apart; no figure confirmed yet
        return None
    return {"model": values["model_name"], "mode": values["mode"], "duration": values["duration"]}


#: KlingTextToVideoNode, KlingStartEndFrameNode: the mode combo names model, mode and length.
MODE_COMBO = Price("kling", key=_ROW, derive=_from_mode_combo, reads=("mode",))
#: KlingImage2VideoNode: model_name, mode and duration inputs.
MODEL_NAME = Price("kling", key=_ROW, derive=_from_model_name, reads=("model_name", "mode", "duration"))
#: Kling*WithAudio: as MODEL_NAME, unknown while generate_audio is on.
WITH_AUDIO = Price("kling", key=_ROW, derive=_from_model_name,
                   reads=("model_name", "mode", "duration", "generate_audio"))


def _omni_image(values: Mapping[str, Any]) -> dict[str, Any] | None:
    series = str(values["series_amount"])
    count = 1 if series == "disabled" else int(series)
    if values["model_name"] == "kling-image-o1" and count > 1:
        return None  # O1 is listed per run; what a series of images costs is not confirmed
    return {"model": values["model_name"], "resolution": values["resolution"], "n": count}


#: KlingOmniProImageNode: per image by model and resolution, times the series length.
OMNI_IMAGE = Price("kling", key=("model", "resolution"), times=("n",), derive=_omni_image,
                   reads=("model_name", "resolution", "series_amount"))


#: KlingImageGenerationNode: text-to-image per image, times n; with a reference image
#: (listed at another rate) unknown.
TEXT_TO_IMAGE = Price("kling", key=("model_name",), times=("n",), unknown_if=("image",))
