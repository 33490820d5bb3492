"""ComfyUI's ``execution`` module: importable (some packs import it), but Keroro
Graph's engine is its own; nothing here can be patched into it, and every name
ComfyUI had is missing (an AttributeError names it)."""
