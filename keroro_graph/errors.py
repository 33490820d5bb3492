"""Every exception Keroro Graph raises on purpose, in one hierarchy:

    KeroroError
    ├── NodeDeclarationError       a node is declared wrongly (raised at import)
    ├── RegistryError              a class type clashes or is unknown
    ├── GraphFormatError           a graph document is not a graph (bad JSON shape)
    │   └── WorkflowConversionError   a UI workflow cannot become an API graph
    ├── ExecutionError             a job did not finish successfully
    │   ├── ExecutionInterruptedError   the job was cancelled or interrupted
    │   └── DependencyCycleError      expansion produced a cycle at run time
    ├── JobError                   the job store refused an operation
    │   └── JobNotFoundError
    ├── SecretsError               (keroro_graph.secrets) the secret store is unreadable
    └── ProviderError              (keroro_graph.providers) a provider call failed

Validation problems are not exceptions: the validator returns ComfyUI's error JSON. A node
that raises does not raise out of the engine either: its failure becomes a value,
``engine.run.JobFailure`` (node, type, message, traceback, inputs), in the run's result.
"""
from __future__ import annotations


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
