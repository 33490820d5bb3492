"""The stable surface for node authors: import from here and nowhere else in
keroro_graph. Types, the ``@node`` declaration and its options, the context a running
node receives, results, blockers and media helpers. (The provider SDK is re-exported
here once it lands.)"""
from . import media
from .engine.context import NodeContext
from .errors import ExecutionInterruptedError, NodeDeclarationError
from .registry.blocker import ExecutionBlocker
from .registry.env import NodeEnv, Paths
from .registry.native import Result, node
from .registry.options import Bool, Combo, Float, Input, Int, Output, Text
from .registry.types import (ANY, AUDIO, IMAGE, LATENT, MASK, VIDEO, AudioRef, Socket, VideoRef,
                             socket)

__all__ = [
    "ANY", "AUDIO", "IMAGE", "LATENT", "MASK", "VIDEO", "AudioRef", "Bool", "Combo",
    "ExecutionBlocker", "ExecutionInterruptedError", "Float", "Input", "Int", "NodeContext",
    "NodeDeclarationError", "NodeEnv", "Output", "Paths", "Result", "Socket", "Text", "VideoRef",
    "media", "node", "socket",
]
