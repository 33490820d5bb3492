"""FashionModelPrompt: build an on-model fashion photo prompt from a garment
description and the model, pose, setting and framing (our own node).

Models are always adults. ``ethnicity`` is free text and may be left empty; the
garment description, ethnicity and extra details may be written in English or
Chinese and are placed into the English prompt as written.
"""
from __future__ import annotations

from typing import Annotated

from keroro_graph.api import Combo, Text, node
from nodes.prompt.presets._compose import choose, paragraph, require

GENDERS = {"female": "female", "male": "male", "androgynous": "androgynous"}
AGE_RANGES = {
    "18-25": "young adult", "26-35": "adult", "36-45": "adult", "46-60": "mature adult", "60+": "senior",
}
POSES = {
    "standing front": "standing relaxed and facing the camera",
    "walking": "walking naturally towards the camera",
    "three-quarter turn": "standing turned three-quarters to show the garment's side and back shape",
    "seated": "seated naturally so the garment drapes realistically",
    "hands in pockets": "standing casually with hands in pockets",
    "over the shoulder": "looking back over the shoulder to show the back of the garment",
}
SETTINGS = {
    "studio white": "a clean white photo studio",
    "studio colour backdrop": "a photo studio with a plain coloured backdrop that complements the garment",
    "urban street": "a quiet, tidy city street",
    "cafe": "a bright, stylish café",
    "nature park": "a green park in soft daylight",
    "runway": "a fashion show runway",
}
SHOT_TYPES = {
    "full body": "a full-body shot from head to toe",
    "three-quarter body": "a three-quarter shot from the head to mid-thigh",
    "half body": "a half-body shot from the head to the waist",
    "detail close-up": "a close-up on the garment's fabric and details",
}


@node("FashionModelPrompt")
def fashion_model_prompt(
    garment_description: Annotated[str, Text(
        multiline=True, default="", placeholder="e.g. an oversized cream linen shirt with pearl buttons")],
    gender: Annotated[str, Combo(options=list(GENDERS), default="female")],
    age_range: Annotated[str, Combo(options=list(AGE_RANGES), default="26-35")],
    ethnicity: Annotated[str, Text(default="", placeholder="optional, e.g. East Asian")],
    pose: Annotated[str, Combo(options=list(POSES), default="standing front")],
    setting: Annotated[str, Combo(options=list(SETTINGS), default="studio white")],
    shot_type: Annotated[str, Combo(options=list(SHOT_TYPES), default="full body")],
    extra_details: Annotated[str, Text(multiline=True, default="")],
) -> str:
    """An on-model fashion photography prompt for a garment."""
    garment = require(garment_description, "garment_description")
    age = choose(AGE_RANGES, age_range, "age_range")
    who = " ".join(part for part in (f"{age} ({age_range})", ethnicity.strip(),
                                     choose(GENDERS, gender, "gender")) if part)
    article = "an" if who[0].lower() in "aeiou" else "a"
    return paragraph(
        f"Fashion catalogue photograph of {article} {who} model wearing {garment}",
        f"The model is {choose(POSES, pose, 'pose')}, in {choose(SETTINGS, setting, 'setting')}, "
        f"framed as {choose(SHOT_TYPES, shot_type, 'shot_type')}",
        "The garment is the focus: its cut, fit, fabric texture, colour and details such as seams, "
        "buttons and prints are reproduced faithfully and sit naturally on the body",
        "Natural skin texture, realistic hands and a tasteful, professional styling; the model is "
        "an adult, fully clothed, and not a real or recognisable person",
        "No text, logos or watermarks",
        extra_details,
    )
