"""NodeSpec: the one internal description of a node type.

Both front doors (ComfyUI V1 classes and the native ``@node`` declaration) build a
``NodeSpec``; validation, planning, execution and ``/object_info`` read nothing else.
This module knows no engine, no server and no particular node.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable, Literal

from pydantic import BaseModel, ConfigDict, Field

from .pricing import Price

Section = Literal["required", "optional", "hidden"]

#: Input types that are edited as widgets rather than wired as sockets.
WIDGET_TYPES = frozenset({"INT", "FLOAT", "STRING", "BOOLEAN", "COMBO"})

#: Hidden-input magic strings and what they receive (ComfyUI's contract).
HIDDEN_KINDS = frozenset(
    {"UNIQUE_ID", "PROMPT", "EXTRA_PNGINFO", "DYNPROMPT", "AUTH_TOKEN_COMFY_ORG", "API_KEY_COMFY_ORG"}
)


class InputSpec(BaseModel):
    """One declared input. ``options`` holds the ComfyUI option dict verbatim
    (default, min, max, step, round, multiline, tooltip, ...); the typed fields
    below are what the engine reads."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    name: str
    type: str
    section: Section = "required"
    options: dict[str, Any] = Field(default_factory=dict)
    #: Combo choices: a list, or a callable ``(ctx) -> list`` evaluated on demand, where
    #: ``ctx`` is a NodeEnv (``ctx.paths``); callers always pass one.
    choices: list[Any] | Callable[..., list[Any]] | None = None
    lazy: bool = False
    raw_link: bool = False
    #: For hidden inputs: the magic string (UNIQUE_ID, PROMPT, ...).
    hidden_kind: str | None = None
    #: ComfyUI V3 dynamic inputs (see ``declared.py``): the parent's declaration in
    #: ComfyUI's shape (``{"type", "options"}``) for ``/object_info``; on a flattened
    #: sub-input ("model.resolution"), the parent's name; ``virtual`` parents carry no
    #: value themselves (an autogrow list), so validation skips them.
    dynamic: dict[str, Any] | None = None
    parent: str | None = None
    virtual: bool = False

    @property
    def is_combo(self) -> bool:
        return self.choices is not None

    @property
    def default(self) -> Any:
        return self.options.get("default")


class OutputSpec(BaseModel):
    model_config = ConfigDict(frozen=True)

    type: str
    name: str
    is_list: bool = False
    tooltip: str | None = None


@dataclass(frozen=True, slots=True)
class NodeOutput:
    """What a node call produced once normalised: one value per output slot,
    an optional ``ui`` dict and an optional expansion graph."""

    values: tuple[Any, ...] = ()
    ui: dict[str, Any] | None = None
    expand: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class Behaviour:
    """The callables behind a node, supplied by whichever front door declared it.

    Every callable receives keyword inputs; ``env`` is the per-call context object
    (a NodeContext while running, a lighter environment during validation).
    """

    #: ``(state, env, kwargs) -> raw result or awaitable``
    call: Callable[[Any, Any, dict[str, Any]], Any]
    #: ``raw result -> NodeOutput``
    normalise: Callable[[Any], NodeOutput]
    is_async: bool = False
    #: ``() -> state``; V1 classes are instantiated once per (node id, class type).
    make_state: Callable[[], Any] | None = None
    #: ``(env, kwargs) -> hashable`` or awaitable; ComfyUI's IS_CHANGED.
    fingerprint: Callable[[Any, dict[str, Any]], Any] | None = None
    #: ``(env, kwargs) -> True | False | str`` or awaitable; ComfyUI's VALIDATE_INPUTS.
    validate: Callable[[Any, dict[str, Any]], Any] | None = None
    #: Input names ``validate`` receives; None means all of them (``**kwargs``).
    validate_names: frozenset[str] | None = None
    #: ``validate`` wants ``input_types``: the link type check is skipped.
    validate_wants_types: bool = False
    #: ``(state, env, kwargs) -> list[str]`` or awaitable; ComfyUI's check_lazy_status.
    check_lazy: Callable[[Any, Any, dict[str, Any]], Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class NodeSpec(BaseModel):
    """A node type: its sockets, widgets, flags and behaviour."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    class_type: str
    display_name: str
    category: str = ""
    description: str = ""
    python_module: str = "nodes"
    inputs: tuple[InputSpec, ...] = ()
    outputs: tuple[OutputSpec, ...] = ()
    output_node: bool = False
    not_idempotent: bool = False
    input_is_list: bool = False
    deprecated: bool = False
    experimental: bool = False
    api_node: bool = False
    #: Undeclared constant inputs reach the node instead of being dropped (V3's flag).
    accept_all_inputs: bool = False
    #: A pack's sync node whose calls are quick and never wait on I/O: the engine may run
    #: it on the event loop once it has measured it fast (engine/inline.py). Built-in
    #: nodes need no declaration; other packs' nodes always run in the thread pool without it.
    cheap: bool = False
    #: Named concurrency limit (e.g. one per provider); None means only the global one.
    limit: str | None = None
    #: The provider this node calls and the credentials it needs: validation refuses
    #: the node, saying where to set them, while any is missing.
    provider: str | None = None
    credentials: tuple[str, ...] = ()
    #: When the provider depends on an input (an "endpoint" combo): that input's name,
    #: and for each of its values the (provider, credentials) it selects.
    provider_input: str | None = None
    provider_options: dict[str, tuple[str, tuple[str, ...]]] = Field(default_factory=dict)
    #: Other set-ups the node needs besides its provider's keys (e.g. "media_host": a
    #: place for public links to local files); validation refuses it while one is missing.
    requires: tuple[str, ...] = ()
    #: The node calls a paid provider: its results go to the paid-result store (unless
    #: ``store_results`` is False), its calls to the spend ledger, and its ``price``
    #: (None: "unknown", never 0) into estimates and budgets.
    paid: bool = False
    price: Price | None = None
    store_results: bool = True

    def provider_for(self, inputs: dict[str, Any]) -> tuple[str, tuple[str, ...]] | None:
        """The (provider, credential names) this node will call with ``inputs``."""
        if self.provider_input is not None:
            return self.provider_options.get(str(inputs.get(self.provider_input)))
        return (self.provider, self.credentials) if self.provider else None
    #: Where the declaration lives, for error messages ("nodes/image/image_blur.py:12").
    source: str = ""
    behaviour: Behaviour

    # Derived lookups, computed once: they sit on the validation and scheduling hot
    # paths (plain cached properties; pydantic private attributes are far slower).
    @cached_property
    def input_index(self) -> dict[str, InputSpec]:
        return {i.name: i for i in self.inputs}

    def input(self, name: str) -> InputSpec | None:
        return self.input_index.get(name)

    @cached_property
    def unique_id_in_key(self) -> bool:
        """ComfyUI adds the node id to the cache key for NOT_IDEMPOTENT nodes and
        for nodes with a hidden UNIQUE_ID input."""
        return self.not_idempotent or any(i.hidden_kind == "UNIQUE_ID" for i in self.inputs)

    @cached_property
    def lazy_inputs(self) -> frozenset[str]:
        return frozenset(i.name for i in self.inputs if i.lazy)

    @cached_property
    def hidden_inputs(self) -> tuple[InputSpec, ...]:
        return tuple(i for i in self.inputs if i.hidden_kind is not None)
