"""``comfy_api.latest.io``: ComfyUI's V3 node schema — socket types, ``Schema``,
``ComfyNode``, ``NodeOutput``, ``Hidden`` — and its dynamic inputs (Autogrow,
DynamicCombo). A V3 class declares ``define_schema()`` and ``execute(**inputs)``
classmethods; Keroro Graph's V3 door turns the schema into a NodeSpec through the
same object_info shape ComfyUI serves, so both describe the node identically. The
socket types live in ``_io_sockets`` and are the same objects here."""
from __future__ import annotations

import contextvars
from enum import Enum
from typing import Any, TypedDict

from keroro_graph.api import ExecutionBlocker

from ._io_sockets import *  # noqa: F401,F403 - ComfyUI's io module holds them all
from ._io_sockets import Input, Output, _sections

# --- hidden inputs ---------------------------------------------------------------------

class Hidden(str, Enum):
    unique_id = "UNIQUE_ID"
    prompt = "PROMPT"
    extra_pnginfo = "EXTRA_PNGINFO"
    dynprompt = "DYNPROMPT"
    auth_token_comfy_org = "AUTH_TOKEN_COMFY_ORG"
    api_key_comfy_org = "API_KEY_COMFY_ORG"


class HiddenHolder:
    def __init__(self, unique_id: Any = None, prompt: Any = None, extra_pnginfo: Any = None, dynprompt: Any = None,
                 auth_token_comfy_org: Any = None, api_key_comfy_org: Any = None, **_extra: Any) -> None:
        self.unique_id, self.prompt, self.extra_pnginfo, self.dynprompt = unique_id, prompt, extra_pnginfo, dynprompt
        self.auth_token_comfy_org, self.api_key_comfy_org = auth_token_comfy_org, api_key_comfy_org

    def __getattr__(self, key: str) -> None:
        return None

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> "HiddenHolder":
        d = d or {}
        return cls(**{h.name: d.get(h.value, d.get(h)) for h in Hidden})


_hidden: contextvars.ContextVar[HiddenHolder | None] = contextvars.ContextVar("keroro_v3_hidden", default=None)


class _HiddenOfCall:
    """``cls.hidden`` inside ``execute``: this call's hidden values (a context
    variable, so concurrent calls of one class each see their own)."""

    def __get__(self, _obj: Any, _owner: Any) -> HiddenHolder:
        return _hidden.get() or HiddenHolder()


def set_hidden(values: dict[str, Any]) -> contextvars.Token[Any]:
    return _hidden.set(HiddenHolder.from_dict(values))


# --- schema, node, output ---------------------------------------------------------------

class Schema:
    def __init__(self, node_id: str, display_name: str | None = None, category: str = "sd",
                 inputs: list[Input] | None = None, outputs: list[Output] | None = None,
                 hidden: list[Hidden] | None = None, description: str = "", is_input_list: bool = False,
                 is_output_node: bool = False, is_deprecated: bool = False, is_experimental: bool = False,
                 is_dev_only: bool = False, is_api_node: bool = False, not_idempotent: bool = False,
                 enable_expand: bool = False, accept_all_inputs: bool = False, **extra: Any) -> None:
        self.node_id, self.display_name, self.category = node_id, display_name, category
        self.inputs, self.outputs, self.hidden = list(inputs or []), list(outputs or []), list(hidden or [])
        self.description, self.is_input_list, self.is_output_node = description, is_input_list, is_output_node
        self.is_deprecated, self.is_experimental, self.is_dev_only = is_deprecated, is_experimental, is_dev_only
        self.is_api_node, self.not_idempotent, self.enable_expand = is_api_node, not_idempotent, enable_expand
        self.accept_all_inputs = accept_all_inputs
        self.extra = extra

    def validate(self) -> None:
        ids = [i.id for i in self.inputs]
        if len(ids) != len(set(ids)):
            raise ValueError(f"{self.node_id}: input ids must be unique, got {ids}")
        out_ids = [o.id for o in self.outputs if o.id is not None]
        if len(out_ids) != len(set(out_ids)):
            raise ValueError(f"{self.node_id}: output ids must be unique, got {out_ids}")

    def object_info(self) -> dict[str, Any]:
        """The node as ComfyUI's /object_info describes it."""
        sections = _sections(self.inputs)
        if self.hidden:
            sections["hidden"] = {h.name: h.value for h in self.hidden}
        return {
            "input": sections,
            "input_order": {k: list(v) for k, v in sections.items() if k != "hidden"},
            "output": [o.get_io_type() if not getattr(o, "options", None) else list(getattr(o, "options"))
                       for o in self.outputs],
            "output_is_list": [o.is_output_list for o in self.outputs],
            "output_name": [o.display_name or o.get_io_type() for o in self.outputs],
            "output_tooltips": [o.tooltip for o in self.outputs],
            "name": self.node_id, "display_name": self.display_name or self.node_id,
            "description": self.description, "category": self.category,
            "output_node": self.is_output_node, "deprecated": self.is_deprecated,
            "experimental": self.is_experimental, "api_node": self.is_api_node,
        }


class _UIOutput:
    def as_dict(self) -> dict[str, Any]:
        return {}


class NodeOutput:
    def __init__(self, *args: Any, ui: Any = None, expand: dict[str, Any] | None = None,
                 block_execution: str | None = None) -> None:
        self.args, self.ui, self.expand, self.block_execution = args, ui, expand, block_execution

    @property
    def result(self) -> tuple[Any, ...] | None:
        return self.args if self.args else None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "NodeOutput":
        args = tuple(data.get("result") or ())
        ui = data.get("ui")
        return cls(*args, ui=ui, expand=data.get("expand"), block_execution=data.get("block_execution"))

    def __getitem__(self, index: int) -> Any:
        return self.args[index]


class ComfyNode:
    """Base of V3 nodes: override the classmethods ``define_schema`` and ``execute``;
    optionally ``validate_inputs``, ``fingerprint_inputs``, ``check_lazy_status``."""

    hidden = _HiddenOfCall()

    @classmethod
    def define_schema(cls) -> Schema:
        raise NotImplementedError(f"{cls.__name__} must define define_schema()")

    @classmethod
    def execute(cls, **kwargs: Any) -> NodeOutput:
        raise NotImplementedError(f"{cls.__name__} must define execute()")

    @classmethod
    def validate_inputs(cls, **kwargs: Any) -> bool | str:
        return True

    @classmethod
    def fingerprint_inputs(cls, **kwargs: Any) -> Any:
        return None

    @classmethod
    def check_lazy_status(cls, **kwargs: Any) -> list[str]:
        return [name for name, value in kwargs.items() if value is None]

    @classmethod
    def GET_SCHEMA(cls) -> Schema:  # noqa: N802
        schema = cls.define_schema()
        schema.validate()
        return schema


ComfyNodeV3 = ComfyNode


def overrides(cls: type, name: str) -> bool:
    """True when ``cls`` overrides ComfyNode's ``name``."""
    return getattr(cls, name).__func__ is not getattr(ComfyNode, name).__func__


def blocked(message: str | None, n: int) -> tuple[Any, ...]:
    return (ExecutionBlocker(message),) * n


class LatentDict(TypedDict, total=False):
    samples: Any
    noise_mask: Any
    batch_index: list[int]
