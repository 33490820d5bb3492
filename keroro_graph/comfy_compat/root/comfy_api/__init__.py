"""ComfyUI's ``comfy_api``: the V3 node API (``latest`` and the ``v0_0_2`` alias)."""
