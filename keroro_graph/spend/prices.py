"""Price tables and quotes: what one call of a paid node costs, from its inputs.

A price table belongs to a provider pack: its currency, the date its figures were taken,
the public page they came from, and rows keyed by the values of the inputs the node's
``Price`` names (``"kling-v2-1/std/5"``; ``*`` matches any value). Each pack ships its
tables in the file its ``ProviderInfo.prices`` names (``custom_nodes/<pack>/prices.json``);
a user file (``Settings.prices_path``) overrides them per table: its fields replace the shipped ones and its rows are merged over
them. Amounts are ``Decimal`` so that an estimate is exactly the table's arithmetic.
This module reads no graph and knows no engine.
"""
from __future__ import annotations

import json
import math
import string
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterable, Mapping

from ..registry.pricing import Price


class PriceTableError(ValueError):
    """A price file that cannot be read or has a malformed table (named)."""


@dataclass(frozen=True, slots=True)
class Quote:
    """The price of one node: ``amount`` None means unknown (never 0)."""

    provider: str | None
    currency: str | None
    amount: Decimal | None
    basis: str

    def as_json(self) -> dict[str, Any]:
        return {"provider": self.provider, "currency": self.currency,
                "amount": None if self.amount is None else float(self.amount), "basis": self.basis}


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    currency: str
    as_of: str
    source: str
    rows: Mapping[str, Any]

    def row(self, key: str) -> tuple[str, Any] | None:
        """The most specific row matching ``key`` (fewest ``*`` segments)."""
        if key in self.rows:
            return key, self.rows[key]
        parts = key.split("/")
        best: tuple[int, str] | None = None
        for candidate in self.rows:
            segs = candidate.split("/")
            if len(segs) == len(parts) and all(s in ("*", p) for s, p in zip(segs, parts)):
                stars = segs.count("*")
                if best is None or stars < best[0]:
                    best = (stars, candidate)
        return (best[1], self.rows[best[1]]) if best else None


class PriceBook:
    """Every provider's table, shipped figures merged with the user's overrides."""

    def __init__(self, tables: Mapping[str, Table]) -> None:
        self.tables = dict(tables)

    @classmethod
    def load(cls, override: Path | None = None, *, shipped: Iterable[Path] = ()) -> "PriceBook":
        """Read the packs' price files (``shipped``; a table named twice keeps its
        first file's) and ``override`` (when it exists). Raises PriceTableError naming
        the file and the table at fault."""
        raw: dict[str, Any] = {}
        origin: dict[str, Path] = {}
        for path in shipped:
            for name, table in _read(path).items():
                if name not in raw:
                    raw[name], origin[name] = table, path
        if override is not None and override.exists():
            for name, table in _read(override).items():
                base = dict(raw.get(name, {}))
                rows = {**base.get("rows", {}), **(table.get("rows") or {})}
                raw[name], origin[name] = {**base, **table, "rows": rows}, override
        return cls({name: _table(name, body, origin[name]) for name, body in raw.items()})

    def describe(self) -> dict[str, Any]:
        return {t.name: {"currency": t.currency, "as_of": t.as_of, "source": t.source, "rows": dict(t.rows)}
                for t in self.tables.values()}

    def quote(self, price: Price | None, inputs: Mapping[str, Any]) -> Quote:
        """The price of one call with ``inputs`` (constants; a missing one makes the
        quote unknown, naming it)."""
        if price is None:
            return Quote(None, None, None, "unknown: the node declares no price")
        missing = [n for n in price.inputs_used() if n not in inputs]
        if missing:
            return Quote(None, None, None, f"unknown: {', '.join(missing)} not known before the run")
        given = [n for n in price.unknown_if if inputs.get(n) is not None]
        if given:
            return Quote(None, None, None, f"unknown: no confirmed price with {', '.join(given)} given")
        if price.derive is not None:
            read = {n: inputs[n] for n in price.reads}
            try:
                derived = price.derive(read)
            except (ValueError, TypeError, KeyError, IndexError, AttributeError):
                derived = None
            if derived is None:
                shown = ", ".join(f"{n}={v!r}" for n, v in read.items())
                return Quote(None, None, None, f"unknown: no price for {shown}")
            inputs = {**inputs, **derived}
            lacking = [n for n in price.row_inputs() if n not in inputs]
            if lacking:
                return Quote(None, None, None, f"unknown: the price gives no {', '.join(lacking)}")
        try:
            name = string.Formatter().vformat(price.table, (), dict(inputs))
        except (KeyError, IndexError, ValueError):
            return Quote(None, None, None, f"unknown: bad table name {price.table!r}")
        table = self.tables.get(name)
        if table is None:
            return Quote(name, None, None, f"unknown: no price table {name!r}")
        key = "/".join(str(inputs[k]) for k in price.key)
        found = table.row(key)
        if found is None:
            return Quote(name, table.currency, None, f"unknown: no row for {key!r} in the {name} table")
        row_key, row = found
        return _priced(table, price, row_key, row, inputs)


def _priced(table: Table, price: Price, row_key: str, row: Any, inputs: Mapping[str, Any]) -> Quote:
    where = f"{table.name} {row_key or '(flat)'} as of {table.as_of}"
    if isinstance(row, Mapping):
        if not price.tokens and not price.max_tokens:
            return Quote(table.name, table.currency, None, f"unknown: {where} is per token; the node counts none")
        tokens_in = sum(len(str(inputs[n] or "")) for n in price.tokens)
        cap = inputs.get(price.max_tokens) if price.max_tokens else None
        tokens_out = int(cap) if isinstance(cap, (int, float)) and cap > 0 else price.max_tokens_default
        amount = (_dec(row.get("input_per_1m", 0)) * tokens_in
                  + _dec(row.get("output_per_1m", 0)) * tokens_out) / Decimal(1_000_000)
        basis = f"{where}: ≤{tokens_in} input + ≤{tokens_out} output tokens"
    else:
        amount, factors = _dec(row), []
        for name in price.times:
            value = _number(inputs[name])
            if value is None:
                return Quote(table.name, table.currency, None, f"unknown: {name}={inputs[name]!r} is not a number")
            amount *= value
            factors.append(f"{name}={inputs[name]}")
        basis = f"{where}: {row} {table.currency}" + (f" × {' × '.join(factors)}" if factors else "")
    return Quote(table.name, table.currency, amount, basis)


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _dec(value: Any) -> Decimal:
    return Decimal(str(value))


def _read(path: Path) -> dict[str, Any]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PriceTableError(f"{path}: cannot read the price tables ({exc})") from None
    tables = doc.get("tables") if isinstance(doc, dict) else None
    if not isinstance(tables, dict):
        raise PriceTableError(f"{path}: expected {{\"tables\": {{provider: table}}}}")
    return tables


def _table(name: str, body: Any, path: Path) -> Table:
    if not isinstance(body, dict):
        raise PriceTableError(f"{path}: table {name!r} must be an object")
    missing = [f for f in ("currency", "as_of", "source", "rows") if f not in body]
    if missing:
        raise PriceTableError(f"{path}: table {name!r} lacks {missing}")
    rows = body["rows"]
    if not isinstance(rows, dict):
        raise PriceTableError(f"{path}: table {name!r}: rows must be an object")
    for key, row in rows.items():
        values = row.values() if isinstance(row, dict) else [row]
        for value in values:
            number = _number(value)
            if number is None or number < 0 or math.isinf(float(number)):
                raise PriceTableError(f"{path}: table {name!r} row {key!r}: {value!r} is not a price ≥ 0")
    return Table(name=name, currency=str(body["currency"]), as_of=str(body["as_of"]),
                 source=str(body["source"]), rows=rows)
