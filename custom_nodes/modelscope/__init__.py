"""ModelScope API-Inference (魔搭): ModelScopeChat talks to its OpenAI-compatible chat
endpoint, ModelScopeImage draws and edits through its async image API. ``client.py``
holds the wire protocol (specs/providers.md §7), ``models.py`` its wire types,
``choices.py`` the models and ranges the nodes offer. Credentials: the "modelscope"
access token (``ms-...``)."""
from . import nodes

__all__ = ["nodes"]
