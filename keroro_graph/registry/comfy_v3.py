"""Door 4: ComfyUI V3 nodes (``comfy_api.latest``: ``io.ComfyNode`` classes, listed by
a pack's ``comfy_entrypoint()`` extension or in its NODE_CLASS_MAPPINGS).

The schema becomes the object_info entry ComfyUI serves for the node, and that entry
becomes the NodeSpec through the same reading as declared nodes (door 3), dynamic
inputs included; ``execute`` receives ComfyUI's nested arguments and reads its hidden
inputs from ``cls.hidden``. ``validate_inputs``, ``fingerprint_inputs`` and
``check_lazy_status`` are used when the class overrides them, as ComfyUI does.
"""
from __future__ import annotations

import asyncio
import inspect
import threading
from typing import Any, Callable, Coroutine

from ..comfy_compat import from_pack, to_pack, v3_io
from ..errors import NodeDeclarationError
from .blocker import ExecutionBlocker
from .comfy_v1 import normalise_v1
from .declared import _inputs, _outputs, nest
from .native import accepted_names, select_kwargs
from .spec import HIDDEN_KINDS, Behaviour, InputSpec, NodeOutput, NodeSpec


def is_v3(cls: Any) -> bool:
    return isinstance(cls, type) and callable(getattr(cls, "define_schema", None)) and issubclass(cls, v3_io().ComfyNode)


def spec_from_v3(cls: type, *, python_module: str = "custom_nodes") -> NodeSpec:
    """The spec of a V3 class; NodeDeclarationError naming it when its schema is broken."""
    where = f"{python_module}:{getattr(cls, '__qualname__', cls)}"
    io = v3_io()
    try:
        schema = cls.GET_SCHEMA()  # type: ignore[attr-defined]
        info = schema.object_info()
        inputs = tuple(_with_flags(i) for i in _inputs(info))
        outputs = tuple(_outputs(info))
    except NodeDeclarationError:
        raise
    except Exception as exc:  # a pack's define_schema may raise anything
        raise NodeDeclarationError(f"{where}: define_schema: {type(exc).__name__}: {exc}") from exc
    hidden = tuple(InputSpec(name=h.name, type=h.value, section="hidden",
                             hidden_kind=h.value if h.value in HIDDEN_KINDS else None) for h in schema.hidden)
    return NodeSpec(
        class_type=schema.node_id, display_name=schema.display_name or schema.node_id,
        category=schema.category or "", description=schema.description or "", python_module=python_module,
        inputs=inputs + hidden, outputs=outputs, output_node=schema.is_output_node,
        not_idempotent=schema.not_idempotent, input_is_list=schema.is_input_list,
        deprecated=schema.is_deprecated, experimental=schema.is_experimental, api_node=schema.is_api_node,
        source=where, behaviour=_behaviour(cls, inputs, tuple(h.name for h in schema.hidden), len(outputs)),
    )


def _with_flags(item: InputSpec) -> InputSpec:
    return item.model_copy(update={"lazy": bool(item.options.get("lazy")),
                                   "raw_link": bool(item.options.get("rawLink"))})


def _behaviour(cls: Any, inputs: tuple[InputSpec, ...], hidden: tuple[str, ...], n_outputs: int) -> Behaviour:
    io = v3_io()
    def split(kwargs: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        values = {io.Hidden[name].value: kwargs[name] for name in hidden if name in kwargs}
        args = {k: to_pack(v) for k, v in kwargs.items() if k not in hidden}
        return nest(inputs, args), values

    def with_hidden(method: Callable[..., Any], kwargs: dict[str, Any]) -> Any:
        args, values = split(kwargs)
        if inspect.iscoroutinefunction(method):
            async def run() -> Any:
                token = io.set_hidden(values)
                try:
                    return await method(**args)
                finally:
                    io._hidden.reset(token)
            return run()
        token = io.set_hidden(values)
        try:
            return method(**args)
        finally:
            io._hidden.reset(token)

    def call(_state: Any, _ctx: Any, kwargs: dict[str, Any]) -> Any:
        return with_hidden(cls.execute, kwargs)

    def normalise(raw: Any) -> NodeOutput:
        if isinstance(raw, io.NodeOutput):
            if raw.block_execution is not None:
                return NodeOutput(values=(ExecutionBlocker(raw.block_execution),) * n_outputs)
            ui = raw.ui.as_dict() if hasattr(raw.ui, "as_dict") else raw.ui
            values = tuple(from_pack(v) for v in raw.args) if raw.args else (None,) * n_outputs
            return NodeOutput(values=values, ui=ui or None, expand=raw.expand)
        out = normalise_v1(raw, n_outputs)
        return NodeOutput(values=tuple(from_pack(v) for v in out.values), ui=out.ui, expand=out.expand)

    fingerprint = validate = check_lazy = None
    names = None
    if io.overrides(cls, "fingerprint_inputs"):
        def fingerprint(_env: Any, kwargs: dict[str, Any]) -> Any:
            return with_hidden(cls.fingerprint_inputs, kwargs)
    if io.overrides(cls, "validate_inputs"):
        names = accepted_names(cls.validate_inputs)

        def validate(_env: Any, kwargs: dict[str, Any]) -> Any:
            return cls.validate_inputs(**select_kwargs(cls.validate_inputs, kwargs))
    if io.overrides(cls, "check_lazy_status"):
        def check_lazy(_state: Any, _ctx: Any, kwargs: dict[str, Any]) -> Any:
            return with_hidden(cls.check_lazy_status, kwargs)
    return Behaviour(call=call, normalise=normalise, is_async=inspect.iscoroutinefunction(cls.execute),
                     fingerprint=fingerprint, validate=validate,
                     validate_names=names - {"input_types"} if names is not None else None,
                     check_lazy=check_lazy)


def entrypoint_classes(entrypoint: Callable[[], Any]) -> list[type]:
    """The node classes of a pack's ``comfy_entrypoint()`` extension (on_load first)."""
    async def collect() -> list[type]:
        extension = entrypoint()
        if inspect.isawaitable(extension):
            extension = await extension
        await extension.on_load()
        nodes: list[type] = list(await extension.get_node_list())
        return nodes
    found: list[type] = _run(collect())
    return found


def _run(coro: Coroutine[Any, Any, Any]) -> Any:
    """Run ``coro`` to the end from sync code, also when this thread has a running loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    box: dict[str, Any] = {}

    def work() -> None:
        try:
            box["value"] = asyncio.run(coro)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller
            box["error"] = exc
    thread = threading.Thread(target=work, name="keroro-v3-entrypoint")
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["value"]
