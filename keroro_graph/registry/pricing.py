"""How a paid node declares what it costs: ``Price``, carried on its ``NodeSpec``.

A node that calls a paid provider says so (``paid=True``) and, when it can, how its
price follows from its inputs (``price=Price(...)``): which price table (one per
provider, a data file with its currency and the date and page it was taken from),
which inputs pick the row, which numeric inputs multiply it, and which text inputs
count as tokens. The tables themselves and the arithmetic live in
``keroro_graph.spend``; this module is the declaration only and knows no engine.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

from ..errors import NodeDeclarationError


@dataclass(frozen=True, slots=True)
class Price:
    """How a paid node's price follows from its inputs.

    ``table``: the price table's name (``"kling"``); ``{input}`` placeholders are
    filled from the inputs (``"openai_compat.{endpoint}"``).
    ``key``: inputs whose values, joined by ``/``, select the table row
    (``("model", "mode", "duration")`` → row ``"kling-v2-1/std/5"``); a row segment
    ``*`` matches any value and the most specific row wins.
    ``times``: numeric inputs multiplying the row's amount (``("n",)``).
    ``tokens`` / ``max_tokens``: for rows priced per million tokens
    (``{"input_per_1m": .., "output_per_1m": ..}``): the text inputs counted as input
    tokens (one per character, an upper bound) and the input capping the output
    tokens (``max_tokens_default`` when it is 0 or absent).
    ``derive`` with ``reads``: for a node whose inputs do not name the row directly
    (ComfyUI's Kling nodes take ``"pro mode / 5s duration / kling-v2-5-turbo"`` in one
    combo), a function of the ``reads`` inputs returning the values ``key``, ``times``
    and the table's placeholders are read from; it may return None (or raise
    ValueError) for a combination no row prices, which makes the estimate unknown.
    ``unknown_if``: optional inputs the table cannot price (an image reference that
    changes the rate): when one is given — connected, or set — the price is unknown.
    """

    table: str
    key: tuple[str, ...] = ()
    times: tuple[str, ...] = ()
    tokens: tuple[str, ...] = ()
    max_tokens: str | None = None
    max_tokens_default: int = 4096
    derive: Callable[[Mapping[str, Any]], Mapping[str, Any] | None] | None = None
    reads: tuple[str, ...] = ()
    unknown_if: tuple[str, ...] = ()

    def inputs_used(self) -> tuple[str, ...]:
        """Every input name the price reads (the placeholders of ``table`` too); with
        ``derive``, the inputs it reads."""
        return self.reads if self.derive is not None else self.row_inputs()

    def row_inputs(self) -> tuple[str, ...]:
        """The values a quote reads: the table's placeholders, key, times and tokens."""
        import string
        named = tuple(f for _, f, _, _ in string.Formatter().parse(self.table) if f)
        extra = (self.max_tokens,) if self.max_tokens else ()
        return (*named, *self.key, *self.times, *self.tokens, *extra)

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any], *, where: str) -> "Price":
        """A Price from a V1 class's ``PRICE = {"table": ..., "key": [...], ...}``."""
        try:
            fields = dict(raw)
            for name in ("key", "times", "tokens"):
                if name in fields:
                    fields[name] = tuple(str(v) for v in fields[name])
            return cls(**fields)
        except TypeError as exc:
            raise NodeDeclarationError(f"{where}: PRICE must be a mapping of Price fields ({exc})") from None


def paid_fields(*, paid: bool, price: Price | None, store: bool, inputs: tuple[str, ...],
                where: str) -> dict[str, Any]:
    """The NodeSpec fields for a paid declaration, checked: a price implies paid, and
    every input the price names must exist. Raises NodeDeclarationError."""
    if price is not None and not isinstance(price, Price):
        raise NodeDeclarationError(f"{where}: price= must be a Price(...), not {type(price).__name__}")
    if price is not None:
        missing = [n for n in (*price.inputs_used(), *price.unknown_if) if n not in inputs]
        if missing:
            raise NodeDeclarationError(f"{where}: the price reads inputs the node does not have: {missing}")
    return {"paid": bool(paid or price is not None), "price": price, "store_results": store}
