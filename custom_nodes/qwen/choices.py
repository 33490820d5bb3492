"""What the Qwen nodes offer and what they refuse before calling DashScope: model
ids, regions, image sizes per model family, wanx-v1 styles, and the checks that name
the offending input. ``provider.py`` declares the model lists and region
URLs to Settings. Pure data and pure functions."""
from __future__ import annotations

import re

CHAT_MODELS = ("qwen-vl-max", "qwen-vl-plus", "qwen3-vl-plus", "qwen-vl-ocr")
IMAGE_MODELS = ("qwen-image", "qwen-image-plus", "wan2.5-t2i-preview", "wan2.2-t2i-plus",
                "wan2.2-t2i-flash", "wanx2.1-t2i-plus", "wanx2.1-t2i-turbo", "wanx-v1")

#: "default" leaves the choice to Settings → Providers (its region, else Beijing).
REGIONS = {"beijing": "https://dashscope.aliyuncs.com",
           "singapore": "https://dashscope-intl.aliyuncs.com",
           "virginia": "https://dashscope-us.aliyuncs.com"}
REGION_CHOICES = ("default", *REGIONS)

#: qwen-image draws only these (§5.3); 1328*1328 is its default.
QWEN_IMAGE_SIZES = ("1328*1328", "1664*928", "928*1664", "1472*1140", "1140*1472")
#: Common sizes for the wan/wanx families, which take other sizes too.
WAN_SIZES = ("1024*1024", "1280*720", "720*1280", "768*1152")
SIZE_CHOICES = ("auto", *QWEN_IMAGE_SIZES, *WAN_SIZES)

STYLES = ("<auto>", "<3d cartoon>", "<anime>", "<oil painting>", "<watercolor>", "<sketch>",
          "<chinese painting>", "<flat illustration>")

_SIZE = re.compile(r"^\s*(\d{2,5})\s*[x*×X]\s*(\d{2,5})\s*$")
_MODEL_ID = re.compile(r"^[A-Za-z0-9][\w.\-]*$")


def is_qwen_image(model: str) -> bool:
    return model.startswith("qwen-image")


def normalise_size(size: str, model: str) -> str:
    """``"1328x1328"``, ``"1328*1328"`` or ``"auto"`` → DashScope's ``"1328*1328"``.
    Raises ValueError naming ``size`` for other spellings, and for a qwen-image size
    that model does not draw."""
    if size.strip().lower() == "auto":
        return QWEN_IMAGE_SIZES[0] if is_qwen_image(model) else WAN_SIZES[0]
    match = _SIZE.match(size)
    if match is None:
        raise ValueError(f"size: {size!r} is not WIDTH*HEIGHT (for example 1328*1328 or 1328x1328)")
    value = f"{int(match.group(1))}*{int(match.group(2))}"
    if is_qwen_image(model) and value not in QWEN_IMAGE_SIZES:
        raise ValueError(f"size: {model} draws only {', '.join(QWEN_IMAGE_SIZES)}; got {value}")
    return value


def check_text_to_image(*, model: str | None, size: str | None, style: str | None) -> str | None:
    """The first problem with these inputs as a message naming the input, or None.
    ``None`` values are linked inputs not known before the run and are skipped."""
    if model is not None and not _MODEL_ID.match(model):
        return f"model: {model!r} is not a DashScope model id"
    if style is not None and style not in STYLES:
        return f"style: {style!r} is not one of {', '.join(STYLES)}"
    if style not in (None, "<auto>") and model is not None and model != "wanx-v1":
        return f"style: only wanx-v1 takes a style; {model} ignores it, so set style to <auto>"
    if size is not None:
        try:
            normalise_size(size, model or "")
        except ValueError as exc:
            return str(exc)
    return None
