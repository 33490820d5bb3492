"""RunningHub's nodes, one per file: workflow, AI app, account status."""
from . import running_hub_account_status, running_hub_ai_app, running_hub_workflow

__all__ = ["running_hub_account_status", "running_hub_ai_app", "running_hub_workflow"]
