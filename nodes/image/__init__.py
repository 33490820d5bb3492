"""Image nodes: IMAGE is float32 [batch, height, width, channels] in 0..1."""
