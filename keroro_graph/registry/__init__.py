"""The node system: how a node type is described (NodeSpec), declared (the native
``@node`` door and ComfyUI V1 classes), loaded from folders, and kept (Registry)."""
from .blocker import ExecutionBlocker
from .env import NodeEnv, Paths
from .comfy_v1 import spec_from_v1
from .declared import comfy_node
from .loader import default_builtin_dir, load_custom_folder, load_registry
from .native import Result, node
from .object_info import combo_choices, node_info, object_info
from .options import Bool, Combo, Float, Input, Int, Output, Text
from .pricing import Price
from .registry import PackRecord, Registry
from .spec import WIDGET_TYPES, Behaviour, InputSpec, NodeOutput, NodeSpec, OutputSpec
from .types import ANY, AUDIO, IMAGE, LATENT, MASK, VIDEO, Socket, VideoRef, socket, types_compatible

__all__ = [
    "ANY", "AUDIO", "IMAGE", "LATENT", "MASK", "VIDEO", "Behaviour", "Bool", "Combo",
    "ExecutionBlocker", "Float", "NodeEnv", "Paths", "Input", "InputSpec", "Int", "NodeOutput", "NodeSpec", "Output",
    "OutputSpec", "PackRecord", "Price", "Registry", "Result", "Socket", "Text", "VideoRef", "WIDGET_TYPES",
    "combo_choices", "comfy_node", "default_builtin_dir", "load_custom_folder", "load_registry", "node",
    "node_info", "object_info", "socket", "spec_from_v1", "types_compatible",
]
