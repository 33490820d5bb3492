"""Per-pixel tone and colour adjustments."""
