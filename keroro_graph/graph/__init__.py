"""The graph model (API format), its validation and the conversion of UI workflows."""
from .model import Graph, GraphNode, Link, is_link, unwrap_constant
from .validate import ValidationResult, error_dict, validate_prompt

__all__ = ["Graph", "GraphNode", "Link", "ValidationResult", "error_dict", "is_link",
           "unwrap_constant", "validate_prompt"]
