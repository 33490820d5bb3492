"""The socket half of ``comfy_api.latest.io`` (re-exported there): the enums, ``Input`` and
``Output``, the typed sockets (``Int``, ``Combo``, ``Custom(...)``, ...) and ComfyUI's
dynamic inputs (``MultiType``, ``MatchType``, ``Autogrow``, ``DynamicCombo``), each able
to render its ``/object_info`` entry."""
from __future__ import annotations

from enum import Enum
from typing import Any, Callable

class FolderType(str, Enum):
    input = "input"
    output = "output"
    temp = "temp"


class UploadType(str, Enum):
    image = "image_upload"
    audio = "audio_upload"
    video = "video_upload"
    model = "file_upload"


class NumberDisplay(str, Enum):
    number = "number"
    slider = "slider"


class ControlAfterGenerate(str, Enum):
    fixed = "fixed"
    increment = "increment"
    decrement = "decrement"
    randomize = "randomize"


class RemoteOptions:
    def __init__(self, route: str, refresh_button: bool, control_after_refresh: str = "first",
                 timeout: int | None = None, max_retries: int | None = None, refresh: int | None = None) -> None:
        self.route, self.refresh_button, self.control_after_refresh = route, refresh_button, control_after_refresh
        self.timeout, self.max_retries, self.refresh = timeout, max_retries, refresh

    def as_dict(self) -> dict[str, Any]:
        return _clean({"route": self.route, "refresh_button": self.refresh_button,
                       "control_after_refresh": self.control_after_refresh, "timeout": self.timeout,
                       "max_retries": self.max_retries, "refresh": self.refresh})


def _clean(d: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.value if isinstance(v, Enum) else v) for k, v in d.items() if v is not None}


# --- sockets ----------------------------------------------------------------------------

class Input:
    io_type = "*"

    def __init__(self, id: str, display_name: str | None = None, optional: bool = False,  # noqa: A002
                 tooltip: str | None = None, lazy: bool | None = None, extra_dict: dict[str, Any] | None = None,
                 raw_link: bool | None = None, advanced: bool | None = None, **_ignored: Any) -> None:
        self.id, self.display_name, self.optional, self.tooltip = id, display_name, optional, tooltip
        self.lazy, self.extra_dict, self.raw_link, self.advanced = lazy, extra_dict or {}, raw_link, advanced

    def as_dict(self) -> dict[str, Any]:
        return _clean({"display_name": self.display_name, "tooltip": self.tooltip, "lazy": self.lazy,
                       "rawLink": self.raw_link, "advanced": self.advanced, **self.extra_dict})

    def get_io_type(self) -> str:
        return self.io_type

    def v1(self) -> tuple[Any, dict[str, Any]]:
        """(type, options) as a V1 INPUT_TYPES entry / object_info shows it."""
        return self.get_io_type(), self.as_dict()


class WidgetInput(Input):
    def __init__(self, id: str, display_name: str | None = None, optional: bool = False,  # noqa: A002
                 tooltip: str | None = None, lazy: bool | None = None, default: Any = None,
                 socketless: bool | None = None, widget_type: str | None = None, force_input: bool | None = None,
                 extra_dict: dict[str, Any] | None = None, raw_link: bool | None = None,
                 advanced: bool | None = None, **_ignored: Any) -> None:
        super().__init__(id, display_name, optional, tooltip, lazy, extra_dict, raw_link, advanced)
        self.default, self.socketless, self.widget_type, self.force_input = default, socketless, widget_type, force_input

    def as_dict(self) -> dict[str, Any]:
        return {**super().as_dict(), **_clean({"default": self.default, "socketless": self.socketless,
                                               "widgetType": self.widget_type, "forceInput": self.force_input})}


class Output:
    io_type = "*"

    def __init__(self, id: str | None = None, display_name: str | None = None, tooltip: str | None = None,  # noqa: A002
                 is_output_list: bool = False, **_ignored: Any) -> None:
        self.id, self.display_name, self.tooltip, self.is_output_list = id, display_name, tooltip, is_output_list

    def get_io_type(self) -> str:
        return self.io_type


class ComfyTypeI:
    io_type = "*"
    Input = Input


class ComfyTypeIO(ComfyTypeI):
    Output = Output


def comfytype(io_type: str, **_kwargs: Any) -> Callable[[type], type]:
    """Give a type class its socket name, on it and on its Input/Output classes."""
    def decorate(cls: type) -> type:
        cls.io_type = io_type  # type: ignore[attr-defined]
        for attr in ("Input", "Output"):
            base = getattr(cls, attr, None)
            if isinstance(base, type):
                setattr(cls, attr, type(attr, (base,), {"io_type": io_type, "__qualname__": f"{cls.__name__}.{attr}"}))
        return cls
    return decorate


def Custom(io_type: str) -> type[ComfyTypeIO]:  # noqa: N802
    @comfytype(io_type=io_type)
    class CustomComfyType(ComfyTypeIO):
        pass
    return CustomComfyType


@comfytype(io_type="BOOLEAN")
class Boolean(ComfyTypeIO):
    class Input(WidgetInput):
        def __init__(self, id: str, display_name: str | None = None, optional: bool = False,  # noqa: A002
                     tooltip: str | None = None, lazy: bool | None = None, default: bool | None = None,
                     label_on: str | None = None, label_off: str | None = None, **kw: Any) -> None:
            super().__init__(id, display_name, optional, tooltip, lazy, default, **kw)
            self.label_on, self.label_off = label_on, label_off

        def as_dict(self) -> dict[str, Any]:
            return {**super().as_dict(), **_clean({"label_on": self.label_on, "label_off": self.label_off})}


@comfytype(io_type="INT")
class Int(ComfyTypeIO):
    class Input(WidgetInput):
        def __init__(self, id: str, display_name: str | None = None, optional: bool = False,  # noqa: A002
                     tooltip: str | None = None, lazy: bool | None = None, default: int | None = None,
                     min: int | None = None, max: int | None = None, step: int | None = None,  # noqa: A002
                     control_after_generate: Any = None, display_mode: Any = None, **kw: Any) -> None:
            super().__init__(id, display_name, optional, tooltip, lazy, default, **kw)
            self.min, self.max, self.step = min, max, step
            self.control_after_generate, self.display_mode = control_after_generate, display_mode

        def as_dict(self) -> dict[str, Any]:
            return {**super().as_dict(), **_clean({
                "min": self.min, "max": self.max, "step": self.step,
                "control_after_generate": self.control_after_generate, "display": self.display_mode})}


@comfytype(io_type="FLOAT")
class Float(ComfyTypeIO):
    class Input(WidgetInput):
        def __init__(self, id: str, display_name: str | None = None, optional: bool = False,  # noqa: A002
                     tooltip: str | None = None, lazy: bool | None = None, default: float | None = None,
                     min: float | None = None, max: float | None = None, step: float | None = None,  # noqa: A002
                     round: float | None = None, display_mode: Any = None, **kw: Any) -> None:  # noqa: A002
            super().__init__(id, display_name, optional, tooltip, lazy, default, **kw)
            self.min, self.max, self.step, self.round, self.display_mode = min, max, step, round, display_mode

        def as_dict(self) -> dict[str, Any]:
            return {**super().as_dict(), **_clean({"min": self.min, "max": self.max, "step": self.step,
                                                   "round": self.round, "display": self.display_mode})}


@comfytype(io_type="STRING")
class String(ComfyTypeIO):
    class Input(WidgetInput):
        def __init__(self, id: str, display_name: str | None = None, optional: bool = False,  # noqa: A002
                     tooltip: str | None = None, lazy: bool | None = None, multiline: bool = False,
                     placeholder: str | None = None, default: str | None = None,
                     dynamic_prompts: bool | None = None, **kw: Any) -> None:
            super().__init__(id, display_name, optional, tooltip, lazy, default, **kw)
            self.multiline, self.placeholder, self.dynamic_prompts = multiline, placeholder, dynamic_prompts

        def as_dict(self) -> dict[str, Any]:
            return {**super().as_dict(), **_clean({"multiline": self.multiline, "placeholder": self.placeholder,
                                                   "dynamicPrompts": self.dynamic_prompts})}


def _option_values(options: Any) -> list[Any]:
    if isinstance(options, type) and issubclass(options, Enum):
        return [member.value for member in options]
    return list(options or [])


@comfytype(io_type="COMBO")
class Combo(ComfyTypeIO):
    class Input(WidgetInput):
        def __init__(self, id: str, options: Any = None, display_name: str | None = None,  # noqa: A002
                     optional: bool = False, tooltip: str | None = None, lazy: bool | None = None,
                     default: Any = None, control_after_generate: Any = None, upload: Any = None,
                     image_folder: Any = None, remote: RemoteOptions | None = None, **kw: Any) -> None:
            if isinstance(default, Enum):
                default = default.value
            super().__init__(id, display_name, optional, tooltip, lazy, default, **kw)
            self.options = _option_values(options)
            self.control_after_generate, self.upload, self.image_folder = control_after_generate, upload, image_folder
            self.remote = remote

        def as_dict(self) -> dict[str, Any]:
            extra = _clean({"control_after_generate": self.control_after_generate,
                            "image_folder": self.image_folder,
                            "remote": self.remote.as_dict() if self.remote else None})
            if self.upload is not None:
                extra[self.upload.value if isinstance(self.upload, Enum) else str(self.upload)] = True
            return {**super().as_dict(), **extra}

        def v1(self) -> tuple[Any, dict[str, Any]]:
            return list(self.options), self.as_dict()

    class Output(Output):
        def __init__(self, id: str | None = None, display_name: str | None = None, options: Any = None,  # noqa: A002
                     tooltip: str | None = None, is_output_list: bool = False) -> None:
            super().__init__(id, display_name, tooltip, is_output_list)
            self.options = _option_values(options)


@comfytype(io_type="COMBO")
class MultiCombo(ComfyTypeI):
    class Input(Combo.Input):
        def __init__(self, id: str, options: Any, display_name: str | None = None, optional: bool = False,  # noqa: A002
                     tooltip: str | None = None, lazy: bool | None = None, default: list[str] | None = None,
                     placeholder: str | None = None, chip: bool | None = None, **kw: Any) -> None:
            super().__init__(id, options, display_name, optional, tooltip, lazy, default, **kw)
            self.multiselect, self.placeholder, self.chip = True, placeholder, chip

        def as_dict(self) -> dict[str, Any]:
            return {**super().as_dict(), "multi_select": _clean({"placeholder": self.placeholder, "chip": self.chip})}


@comfytype(io_type="WEBCAM")
class Webcam(ComfyTypeIO):
    class Input(WidgetInput):
        pass


_PLAIN_TYPES = {
    "Image": "IMAGE", "Mask": "MASK", "Latent": "LATENT", "Conditioning": "CONDITIONING", "Sampler": "SAMPLER",
    "Sigmas": "SIGMAS", "Noise": "NOISE", "Guider": "GUIDER", "Clip": "CLIP", "ControlNet": "CONTROL_NET",
    "Vae": "VAE", "Model": "MODEL", "ClipVision": "CLIP_VISION", "ClipVisionOutput": "CLIP_VISION_OUTPUT",
    "StyleModel": "STYLE_MODEL", "Gligen": "GLIGEN", "UpscaleModel": "UPSCALE_MODEL", "Audio": "AUDIO",
    "Video": "VIDEO", "SVG": "SVG", "LoraModel": "LORA_MODEL", "LossMap": "LOSS_MAP", "Voxel": "VOXEL",
    "Mesh": "MESH", "Hooks": "HOOKS", "HookKeyframes": "HOOK_KEYFRAMES", "TimestepsRange": "TIMESTEPS_RANGE",
    "LatentOperation": "LATENT_OPERATION", "FlowControl": "FLOW_CONTROL", "Accumulation": "ACCUMULATION",
    "Photomaker": "PHOTOMAKER", "Point": "POINT", "FaceAnalysis": "FACE_ANALYSIS", "BBOX": "BBOX",
    "SEGS": "SEGS", "AnyType": "*", "ModelPatch": "MODEL_PATCH", "AudioEncoder": "AUDIO_ENCODER",
    "AudioEncoderOutput": "AUDIO_ENCODER_OUTPUT", "Tracks": "TRACKS", "Dict": "DICT", "Array": "ARRAY",
    "Color": "COLOR", "WanCameraEmbedding": "WAN_CAMERA_EMBEDDING", "Load3DCamera": "LOAD3D_CAMERA",
    "Load3D": "LOAD_3D", "BoundingBox": "BOUNDING_BOX", "Histogram": "HISTOGRAM", "File3DAny": "FILE_3D",
    "BackgroundRemoval": "BACKGROUND_REMOVAL", "LatentUpscaleModel": "LATENT_UPSCALE_MODEL",
}
for _name, _io_type in _PLAIN_TYPES.items():
    globals()[_name] = comfytype(io_type=_io_type)(type(_name, (ComfyTypeIO,), {"__module__": __name__}))


class MultiType:
    """An input accepting any of several types (``"A,B"``)."""
    io_type = "COMFY_MULTITYPED_V3"

    class Input(Input):
        def __init__(self, id: Any, types: list[Any], display_name: str | None = None,  # noqa: A002
                     optional: bool = False, tooltip: str | None = None, **kw: Any) -> None:
            self.template = id if isinstance(id, Input) else None
            base = self.template.id if self.template is not None else id
            super().__init__(base, display_name or (self.template.display_name if self.template else None),
                             optional or (self.template.optional if self.template else False), tooltip, **kw)
            self.io_types = [t if isinstance(t, str) else t.io_type for t in types]
            if self.template is not None:
                self.io_types.insert(0, self.template.get_io_type())

        def get_io_type(self) -> str:
            return ",".join(dict.fromkeys(self.io_types))

        def v1(self) -> tuple[Any, dict[str, Any]]:
            options = self.template.as_dict() if self.template is not None else {}
            return self.get_io_type(), {**options, **self.as_dict()}


class MatchType:
    """Inputs and outputs that take whatever type their template is matched to; here
    they accept the template's allowed types."""
    io_type = "COMFY_MATCHTYPE_V3"

    class Template:
        def __init__(self, template_id: str, allowed_types: Any = None) -> None:
            self.template_id = template_id
            allowed = allowed_types if isinstance(allowed_types, list) else ([allowed_types] if allowed_types else [])
            names = [t if isinstance(t, str) else t.io_type for t in allowed]
            self.io_type = ",".join(names) if names else "*"

    class Input(Input):
        def __init__(self, id: str, template: "MatchType.Template", **kw: Any) -> None:  # noqa: A002
            super().__init__(id, **kw)
            self.template = template

        def get_io_type(self) -> str:
            return self.template.io_type

    class Output(Output):
        def __init__(self, template: "MatchType.Template", id: str | None = None, **kw: Any) -> None:  # noqa: A002
            super().__init__(id, **kw)
            self.template = template

        def get_io_type(self) -> str:
            return self.template.io_type


class Autogrow:
    """A growing list of sockets (``images.image0``, ...); ``execute`` receives them
    as one dict."""
    io_type = "COMFY_AUTOGROW_V3"

    class TemplatePrefix:
        def __init__(self, input: Input, prefix: str, min: int = 1, max: int = 10) -> None:  # noqa: A002
            self.input, self.prefix, self.min, self.max = input, prefix, min, max

        def as_dict(self) -> dict[str, Any]:
            return {"input": _sections([self.input]), "prefix": self.prefix, "min": self.min, "max": self.max}

    class TemplateNames:
        def __init__(self, input: Input, names: list[str], min: int = 1) -> None:  # noqa: A002
            self.input, self.names, self.min = input, list(names), min

        def as_dict(self) -> dict[str, Any]:
            return {"input": _sections([self.input]), "names": self.names, "min": self.min}

    class Input(Input):
        def __init__(self, id: str, template: Any, display_name: str | None = None,  # noqa: A002
                     optional: bool = False, tooltip: str | None = None, **kw: Any) -> None:
            super().__init__(id, display_name, optional, tooltip, **kw)
            self.template = template

        def get_io_type(self) -> str:
            return Autogrow.io_type

        def as_dict(self) -> dict[str, Any]:
            return {**super().as_dict(), "template": self.template.as_dict()}


class DynamicCombo:
    """A combo whose chosen option brings its own inputs; ``execute`` receives
    ``{id: key, <sub-input>: value, ...}``."""
    io_type = "COMFY_DYNAMICCOMBO_V3"

    class Option:
        def __init__(self, key: str, inputs: list[Input]) -> None:
            self.key, self.inputs = key, list(inputs)

        def as_dict(self) -> dict[str, Any]:
            return {"key": self.key, "inputs": _sections(self.inputs)}

    class Input(Input):
        def __init__(self, id: str, options: list["DynamicCombo.Option"], display_name: str | None = None,  # noqa: A002
                     optional: bool = False, tooltip: str | None = None, **kw: Any) -> None:
            super().__init__(id, display_name, optional, tooltip, **kw)
            self.options = list(options)

        def get_io_type(self) -> str:
            return DynamicCombo.io_type

        def as_dict(self) -> dict[str, Any]:
            return {**super().as_dict(), "options": [o.as_dict() for o in self.options]}


class DynamicSlot:
    io_type = "COMFY_DYNAMICSLOT_V3"

    class Input(Input):
        def get_io_type(self) -> str:
            return DynamicSlot.io_type


def _sections(inputs: list[Input]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for item in inputs:
        out.setdefault("optional" if item.optional else "required", {})[item.id] = list(item.v1())
    return out
