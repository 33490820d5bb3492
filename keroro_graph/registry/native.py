"""Door 2: the native, typed ``@node`` declaration.

Types come from annotations, widget options from ``Annotated[..., Int(...)]``, the
docstring becomes the description. The decorated function stays a plain callable
(unit tests call it directly); the built ``NodeSpec`` hangs off it as
``__node_spec__`` for the loader to collect. Mistakes fail at import, naming the file.
"""
from __future__ import annotations

import inspect
import typing
from dataclasses import dataclass
from typing import Annotated, Any, Callable, Literal, get_args, get_origin

from ..errors import NodeDeclarationError
from .options import _UNSET, Combo, Input, Output
from .pricing import Price, paid_fields
from .spec import Behaviour, InputSpec, NodeOutput, NodeSpec, OutputSpec
from .types import SCALAR_TYPES, Socket

CONTEXT_PARAM = "ctx"


@dataclass(frozen=True, slots=True, init=False)
class Result:
    """A node's return when it has UI output or expands: ``Result(image, ui={...})``."""

    values: tuple[Any, ...]
    ui: dict[str, Any] | None
    expand: dict[str, Any] | None

    def __init__(self, *values: Any, ui: dict[str, Any] | None = None,
                 expand: dict[str, Any] | None = None) -> None:
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "ui", ui)
        object.__setattr__(self, "expand", expand)


def node(
    class_type: str,
    *,
    category: str | None = None,
    display_name: str | None = None,
    description: str | None = None,
    output: bool = False,
    not_idempotent: bool = False,
    input_is_list: bool = False,
    limit: str | None = None,
    provider: Any = None,
    fingerprint: Callable[..., Any] | None = None,
    validate: Callable[..., Any] | None = None,
    check_lazy: Callable[..., Any] | None = None,
    deprecated: bool = False,
    experimental: bool = False,
    api_node: bool = False,
    accept_all_inputs: bool = False,
    cheap: bool = False,
    paid: bool = False,
    price: Price | None = None,
    store: bool = True,
    items: Callable[..., Any] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare a node. ``output=True`` marks an output node (it runs when reachable).

    Hooks (``fingerprint`` = IS_CHANGED, ``validate`` = VALIDATE_INPUTS,
    ``check_lazy`` = check_lazy_status) receive the inputs they name as keywords,
    plus ``ctx`` when they declare it. ``provider=SomeClient`` (a ProviderClient
    class) makes validation require its credentials and, unless ``limit`` says
    otherwise, runs the node under that provider's concurrency limit;
    ``accept_all_inputs=True`` passes undeclared constant inputs through to
    ``**kwargs`` (ComfyUI V3's flag, for canvas-defined widgets); ``cheap=True`` (a sync
    node of a pack whose calls are quick and never wait on I/O) lets the engine run it on
    the event loop once measured fast;
    ``provider={"input": "endpoint", "clients": {"a": ClientA, "b": ClientB}}`` picks
    the client by an input's value. ``paid=True`` marks a node whose calls cost money
    (results kept in the paid-result store unless ``store=False``, calls recorded in
    the spend ledger); ``price=Price(...)`` says how its price follows from its
    inputs (and implies ``paid``). ``items`` (for a node with list outputs, such as a
    batch) receives the constant inputs it names and returns how many items the node
    will produce; estimates multiply what downstream paid nodes cost by it. Raises NodeDeclarationError at import.
    """

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        where = _where(func)
        try:
            inputs = tuple(_inputs_of(func))
            outputs = tuple(_outputs_of(func))
        except NodeDeclarationError as exc:
            raise NodeDeclarationError(f"{where}: {class_type}: {exc}") from None
        spec = NodeSpec(
            class_type=class_type,
            display_name=display_name or _spaced(class_type),
            category=category if category is not None else _default_category(func.__module__),
            description=description if description is not None else inspect.getdoc(func) or "",
            python_module=func.__module__,
            inputs=inputs,
            outputs=outputs,
            output_node=output,
            not_idempotent=not_idempotent,
            input_is_list=input_is_list,
            **_provider_fields(provider, limit, class_type),
            deprecated=deprecated,
            experimental=experimental,
            api_node=api_node,
            accept_all_inputs=accept_all_inputs,
            cheap=cheap,
            **paid_fields(paid=paid, price=price, store=store, inputs=tuple(i.name for i in inputs),
                          where=f"{where}: {class_type}"),
            source=where,
            behaviour=_behaviour(func, len(outputs), fingerprint, validate, check_lazy, items),
        )
        func.__node_spec__ = spec  # type: ignore[attr-defined]
        return func

    return decorate


# --- building the spec -------------------------------------------------------------

def _provider_fields(provider: Any, limit: str | None, class_type: str) -> dict[str, Any]:
    if provider is None:
        return {"limit": limit}
    if isinstance(provider, dict):
        try:
            name, clients = provider["input"], provider["clients"]
            options = {str(value): (cls.provider, tuple(cls.credentials)) for value, cls in clients.items()}
        except (KeyError, AttributeError, TypeError) as exc:
            raise NodeDeclarationError(
                f"{class_type}: provider= must be a client class or {{'input': name, 'clients': {{value: "
                f"ClientClass}}}} ({exc})") from None
        return {"limit": limit, "provider_input": name, "provider_options": options}
    return {"limit": limit or provider.provider, "provider": provider.provider,
            "credentials": tuple(provider.credentials)}



def _inputs_of(func: Callable[..., Any]) -> typing.Iterator[InputSpec]:
    hints = typing.get_type_hints(func, include_extras=True)
    for param in inspect.signature(func).parameters.values():
        if param.name == CONTEXT_PARAM:
            continue
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue  # undeclared linked inputs arrive through **kwargs, as in ComfyUI
        if param.name not in hints:
            raise NodeDeclarationError(f"parameter {param.name!r} has no type annotation")
        yield _input_spec(param, hints[param.name])


def _input_spec(param: inspect.Parameter, hint: Any) -> InputSpec:
    base, metadata = _unwrap(hint)
    optional = False
    if _is_optional(base):
        optional, base = True, _without_none(base)
        base, more = _unwrap(base)
        metadata = metadata + more
    opts = next((m for m in metadata if isinstance(m, Input)), None) or Input()
    type_name, choices = _type_name(base, metadata, opts, param.name)
    options = opts.comfy_options()
    default = options.get("default", _UNSET)
    if param.default is not inspect.Parameter.empty and param.default is not None:
        if default is not _UNSET and default != param.default:
            raise NodeDeclarationError(
                f"parameter {param.name!r}: default {param.default!r} differs from "
                f"the option default {default!r}")
        default = param.default
    if param.default is None:
        optional = True
    if default is not _UNSET:
        options["default"] = default
        _check_default(param.name, default, options, choices)
    if opts.widget_type and opts.widget_type not in ("COMBO", type_name):
        raise NodeDeclarationError(
            f"parameter {param.name!r}: {type(opts).__name__}(...) options on a {type_name} input")
    return InputSpec(
        name=param.name,
        type=type_name,
        section="optional" if optional else "required",
        options=options,
        choices=choices,
        lazy=opts.lazy,
        raw_link=opts.raw_link,
    )


def _type_name(base: Any, metadata: tuple[Any, ...], opts: Input,
               name: str) -> tuple[str, Any]:
    socket = next((m for m in metadata if isinstance(m, Socket)), None)
    if isinstance(opts, Combo):
        return "COMBO", opts.options if callable(opts.options) else list(opts.options)
    if get_origin(base) is Literal:
        return "COMBO", list(get_args(base))
    if socket is not None:
        return socket.name, None
    if base in SCALAR_TYPES:
        return SCALAR_TYPES[base], None
    raise NodeDeclarationError(
        f"parameter {name!r}: cannot make a socket of {base!r}; use int/float/str/bool, "
        f"Literal[...], a socket type such as IMAGE, or socket('MY_TYPE')")


def _check_default(name: str, default: Any, options: dict[str, Any], choices: Any) -> None:
    low, high = options.get("min"), options.get("max")
    if isinstance(default, (int, float)) and not isinstance(default, bool):
        if low is not None and default < low:
            raise NodeDeclarationError(f"parameter {name!r}: default {default} is below min {low}")
        if high is not None and default > high:
            raise NodeDeclarationError(f"parameter {name!r}: default {default} is above max {high}")
    if isinstance(choices, list) and choices and default not in choices:
        raise NodeDeclarationError(f"parameter {name!r}: default {default!r} is not one of {choices}")


def _outputs_of(func: Callable[..., Any]) -> typing.Iterator[OutputSpec]:
    hints = typing.get_type_hints(func, include_extras=True)
    if "return" not in hints:
        raise NodeDeclarationError("no return annotation (use -> None or -> Result for a node without outputs)")
    ret = hints["return"]
    if ret is None or ret is type(None) or ret is Result:
        return  # no outputs; an output node may still return Result(ui=...)
    items = get_args(ret) if get_origin(ret) is tuple else (ret,)
    for index, item in enumerate(items):
        base, metadata = _unwrap(item)
        out = next((m for m in metadata if isinstance(m, Output)), None) or Output()
        type_name, _ = _type_name(base, metadata, Input(), f"return[{index}]")
        yield OutputSpec(type=type_name, name=out.name or type_name, is_list=out.is_list,
                         tooltip=out.tooltip)


def _unwrap(hint: Any) -> tuple[Any, tuple[Any, ...]]:
    metadata: tuple[Any, ...] = ()
    while get_origin(hint) is Annotated:
        args = get_args(hint)
        hint, metadata = args[0], args[1:] + metadata
    return hint, metadata


def _is_optional(hint: Any) -> bool:
    return get_origin(hint) in (typing.Union, _union_type()) and type(None) in get_args(hint)


def _without_none(hint: Any) -> Any:
    rest = [a for a in get_args(hint) if a is not type(None)]
    return rest[0] if len(rest) == 1 else typing.Union[tuple(rest)]


def _union_type() -> Any:
    import types
    return types.UnionType


# --- behaviour -----------------------------------------------------------------------

def _behaviour(func: Callable[..., Any], n_outputs: int, fingerprint: Callable[..., Any] | None,
               validate: Callable[..., Any] | None,
               check_lazy: Callable[..., Any] | None, items: Callable[..., Any] | None = None) -> Behaviour:
    wants_ctx = CONTEXT_PARAM in inspect.signature(func).parameters

    def call(_state: Any, ctx: Any, kwargs: dict[str, Any]) -> Any:
        return func(**kwargs, ctx=ctx) if wants_ctx else func(**kwargs)

    validate_names = accepted_names(validate) if validate else None
    return Behaviour(
        call=call,
        normalise=normaliser(n_outputs),
        is_async=inspect.iscoroutinefunction(func),
        fingerprint=_hook(fingerprint) if fingerprint else None,
        validate=_hook(validate) if validate else None,
        validate_names=validate_names - {"input_types"} if validate_names is not None else None,
        validate_wants_types=bool(validate and _takes(validate, "input_types")),
        check_lazy=_lazy_hook(check_lazy) if check_lazy else None,
        extra={"items": _hook(items)} if items else {},
    )


def normaliser(n_outputs: int) -> Callable[[Any], NodeOutput]:
    """How a node function's return (a Result, one value, or a tuple) becomes a NodeOutput."""
    def normalise(raw: Any) -> NodeOutput:
        if isinstance(raw, Result):
            return NodeOutput(values=raw.values, ui=raw.ui, expand=raw.expand)
        if n_outputs == 0:
            return NodeOutput()
        if n_outputs == 1:
            return NodeOutput(values=(raw,))
        if not isinstance(raw, tuple) or len(raw) != n_outputs:
            raise TypeError(f"node returned {type(raw).__name__}; expected a tuple of {n_outputs} values")
        return NodeOutput(values=raw)
    return normalise


def _hook(fn: Callable[..., Any]) -> Callable[[Any, dict[str, Any]], Any]:
    wants_ctx = _takes(fn, CONTEXT_PARAM)

    def run(ctx: Any, kwargs: dict[str, Any]) -> Any:
        args = select_kwargs(fn, kwargs)
        return fn(**args, ctx=ctx) if wants_ctx else fn(**args)

    return run


def _lazy_hook(fn: Callable[..., Any]) -> Callable[[Any, Any, dict[str, Any]], Any]:
    run = _hook(fn)
    return lambda _state, ctx, kwargs: run(ctx, kwargs)


def accepted_names(fn: Callable[..., Any]) -> frozenset[str] | None:
    """The keyword names ``fn`` accepts, or None when it takes ``**kwargs``."""
    params = inspect.signature(fn).parameters.values()
    if any(p.kind is p.VAR_KEYWORD for p in params):
        return None
    return frozenset(p.name for p in params if p.name not in (CONTEXT_PARAM, "self", "cls", "s"))


def select_kwargs(fn: Callable[..., Any], kwargs: dict[str, Any]) -> dict[str, Any]:
    """Keep only the keywords ``fn`` accepts (all of them if it takes ``**kwargs``)."""
    names = accepted_names(fn)
    return dict(kwargs) if names is None else {k: v for k, v in kwargs.items() if k in names}


def _takes(fn: Callable[..., Any], name: str) -> bool:
    params = inspect.signature(fn).parameters
    return name in params


# --- naming ---------------------------------------------------------------------------

def _where(func: Callable[..., Any]) -> str:
    code = getattr(func, "__code__", None)
    return f"{code.co_filename}:{code.co_firstlineno}" if code else func.__module__


def _spaced(class_type: str) -> str:
    out = []
    for i, ch in enumerate(class_type):
        if i and ch.isupper() and not class_type[i - 1].isupper():
            out.append(" ")
        out.append(ch)
    return "".join(out)


def _default_category(module: str) -> str:
    """``nodes.image.filter.image_blur`` → ``image/filter``; a pack module → the pack name."""
    parts = module.split(".")
    if parts[0] == "nodes":
        return "/".join(parts[1:-1])
    if parts[0] == "custom_nodes" and len(parts) > 1:
        return parts[1]
    return parts[0] if len(parts) > 1 else ""
