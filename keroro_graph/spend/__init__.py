"""Costs: what paid nodes cost (price tables, estimates), what may be spent (budgets),
what was spent (the ledger), and never paying twice (the paid-result store).
Sits beside the engine and the job store and above them: the engine sees the store
only through the hook it is handed; the server and CLI call in here."""
from .estimate import Estimate, NodeCost, estimate
from .prices import PriceBook, PriceTableError, Quote, Table

__all__ = ["Estimate", "NodeCost", "PriceBook", "PriceTableError", "Quote", "Table", "estimate"]
