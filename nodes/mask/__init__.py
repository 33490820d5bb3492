"""MASK nodes: float32 [batch, height, width] in 0..1, and conversions to and from IMAGE."""
