"""Image upscaling without a model: resizing to a pixel budget."""
