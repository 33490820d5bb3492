"""Convolution filters: blur and sharpen."""
