"""The built-in offline nodes: image I/O, transforms, filters, masks, generators,
primitives, text, logic, math and prompt presets. Each node lives in its own module
under a folder that names its menu category; nodes import only ``keroro_graph.api``,
numpy, Pillow and the stdlib.

``MAX_RESOLUTION`` is kept here because ComfyUI packs read ``nodes.MAX_RESOLUTION``.
"""

#: The largest width or height any built-in node accepts (ComfyUI packs import this).
MAX_RESOLUTION = 16384
