"""Budget limits and the admission rule.

Limits are per job and per day, per currency: ``{"per_job": {"CNY": 20}, "per_day":
{"CNY": 200, "USD": 5}}``. A prompt is refused (``budget_exceeded``) when its
estimate is above a per-job limit or has nodes of unknown price, unless its
``extra_data`` carries ``"confirm_spend": true``; it is always refused when today's
spend plus what running jobs have reserved plus its estimate would pass a daily limit.
"""
from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from .estimate import Estimate


class BudgetError(ValueError):
    """A budget document that cannot be used (named field)."""


def parse_budget(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise BudgetError("the budget must be a JSON object {\"per_job\": {...}, \"per_day\": {...}}")
    unknown = sorted(set(raw) - {"per_job", "per_day"})
    if unknown:
        raise BudgetError(f"unknown budget field(s) {unknown}; expected per_job and per_day")
    doc: dict[str, Any] = {}
    for scope in ("per_job", "per_day"):
        limits = raw.get(scope) or {}
        if not isinstance(limits, dict):
            raise BudgetError(f"{scope} must map a currency to a limit, e.g. {{\"CNY\": 20}}")
        clean = {}
        for currency, value in limits.items():
            if not isinstance(currency, str) or not currency.strip() or len(currency) > 16:
                raise BudgetError(f"{scope}: {currency!r} is not a currency code")
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise BudgetError(f"{scope}.{currency}: {value!r} is not a number")
            if value < 0:
                raise BudgetError(f"{scope}.{currency}: {value} is negative")
            clean[currency.strip().upper()] = value
        doc[scope] = clean
    return doc


def check_admission(est: Estimate, budget: dict[str, Any], *, spent: dict[str, Decimal],
                    reserved: dict[str, Decimal], confirmed: bool) -> dict[str, Any] | None:
    totals = est.total
    for currency, limit in budget.get("per_day", {}).items():
        used = spent.get(currency, Decimal(0)) + reserved.get(currency, Decimal(0))
        need = totals.get(currency, Decimal(0))
        if need and used + need > Decimal(str(limit)):
            left = max(Decimal(str(limit)) - used, Decimal(0))
            return _refusal(f"this run's estimate of {need} {currency} is more than the {left} {currency} "
                            f"left of today's limit of {limit} {currency}",
                            "spent today and reserved by running jobs count against the daily limit; "
                            "raise it with PUT /api/spend/budget",
                            currency=currency, left=left, estimate=need)
    if confirmed:
        return None
    if est.unknown and (budget.get("per_job") or budget.get("per_day")):
        return _refusal(f"the price of node(s) {', '.join(est.unknown)} is unknown; with a budget set, "
                        "running them needs confirmation (extra_data.confirm_spend = true)",
                        "add the missing rows to your price file to estimate them", unknown=est.unknown)
    for currency, limit in budget.get("per_job", {}).items():
        need = totals.get(currency, Decimal(0))
        if need > Decimal(str(limit)):
            return _refusal(f"this run's estimate of {need} {currency} is above the per-job limit of "
                            f"{limit} {currency}", "confirm with extra_data.confirm_spend = true to run it "
                            "anyway (the daily limit still holds)", currency=currency, estimate=need)
    return None


def _refusal(message: str, details: str, **extra: Any) -> dict[str, Any]:
    plain = {k: (float(v) if isinstance(v, Decimal) else v) for k, v in extra.items()}
    return {"message": message, "details": details, "extra": plain}
