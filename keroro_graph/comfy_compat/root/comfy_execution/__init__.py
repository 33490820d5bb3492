"""ComfyUI's ``comfy_execution``: GraphBuilder and links for node expansion,
ExecutionBlocker (Keroro Graph's own), the executing context."""
