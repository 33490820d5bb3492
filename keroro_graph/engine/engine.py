"""Engine: the shared state of every run (state.py) plus ``execute``, which runs one
validated graph (execution.py)."""
from __future__ import annotations

from .context import CancelToken
from .execution import Execution
from .run import RunRequest, RunResult
from .state import EngineConfig, EngineState

__all__ = ["Engine", "EngineConfig"]


class Engine(EngineState):
    async def execute(self, request: RunRequest, token: CancelToken | None = None) -> RunResult:
        """Run a validated graph to the end; never raises for node failures (they are
        in the result and on the bus). The bus must be bound to the running loop (the
        runtime binds it when it starts)."""
        return await Execution(self, request, token or CancelToken()).run()
