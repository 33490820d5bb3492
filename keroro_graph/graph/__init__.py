"""The graph model (API format), its validation and the conversion of UI workflows."""
from .model import Graph, GraphNode, Link, is_link, unwrap_constant
from .validate import ValidationResult, error_dict, validate_prompt
from .workflow import extract_graph, is_api_prompt, is_ui_workflow, workflow_to_prompt

__all__ = ["Graph", "GraphNode", "Link", "ValidationResult", "error_dict", "extract_graph",
           "is_api_prompt", "is_link", "is_ui_workflow", "unwrap_constant", "validate_prompt",
           "workflow_to_prompt"]
