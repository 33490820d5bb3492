"""Batches: nodes that fan one graph out over many items (the images in a folder,
the lines of a text, the rows of a CSV) as ComfyUI list outputs, so the nodes
downstream run once per item."""
