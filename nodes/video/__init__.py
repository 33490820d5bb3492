"""Video nodes: load, save, create, split and trim VIDEO values."""
