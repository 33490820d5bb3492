"""Geometry: scale, crop, pad, flip and rotate."""
