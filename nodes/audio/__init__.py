"""Audio nodes: load, save and record AUDIO values."""
