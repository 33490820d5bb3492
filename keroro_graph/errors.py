"""Every exception Keroro Graph raises on purpose, in one hierarchy:

    KeroroError
    ├── NodeDeclarationError       a node is declared wrongly (raised at import)
    ├── RegistryError              a class type clashes or is unknown
    ├── GraphFormatError           a graph document is not a graph (bad JSON shape)
    │   └── WorkflowConversionError   a UI workflow cannot become an API graph
    ├── ExecutionError             a node failed while a job ran
    │   ├── NodeFailedError           the node raised; carries id, type, traceback
    │   ├── ExecutionInterruptedError   the job was cancelled or interrupted
    │   └── DependencyCycleError      expansion produced a cycle at run time
    ├── JobError                   the job store refused an operation
    │   └── JobNotFoundError
    ├── SecretsError               (keroro_graph.secrets) the secret store is unreadable
    └── ProviderError              (keroro_graph.providers) a provider call failed

Validation problems are not exceptions: the validator returns ComfyUI's error JSON.
"""
from __future__ import annotations

from typing import Any


class KeroroError(Exception):
    """Base of all deliberate errors."""


class NodeDeclarationError(KeroroError):
    """A node declaration is invalid; the message names the file and line."""


class RegistryError(KeroroError):
    """A class type is registered twice or looked up and missing."""


class GraphFormatError(KeroroError):
    """A document is not a well-formed graph; the message says where."""


class WorkflowConversionError(GraphFormatError):
    """A UI-format workflow could not be turned into an API graph."""


class ExecutionError(KeroroError):
    """A job did not finish successfully."""


class NodeFailedError(ExecutionError):
    """A node raised while running."""

    def __init__(self, node_id: str, class_type: str, exc: BaseException,
                 traceback_lines: list[str], inputs: dict[str, Any] | None = None) -> None:
        self.node_id = node_id
        self.class_type = class_type
        self.exception_type = _qualified(type(exc))
        self.exception_message = str(exc)
        self.traceback = traceback_lines
        self.current_inputs = inputs or {}
        super().__init__(f"node {node_id} ({class_type}) failed: {self.exception_type}: {exc}")


class ExecutionInterruptedError(ExecutionError):
    """The job was cancelled; raised inside nodes by ``ctx.check_cancelled()``."""


class DependencyCycleError(ExecutionError):
    """Nodes wait on each other; only node expansion can cause this at run time."""


class JobError(KeroroError):
    """The job store refused an operation."""


class JobNotFoundError(JobError):
    """No job has that id."""


def _qualified(cls: type) -> str:
    module = cls.__module__
    return cls.__qualname__ if module in ("builtins", "__main__") else f"{module}.{cls.__qualname__}"
