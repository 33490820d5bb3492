"""Keroro Graph (Keroro 作战室): a node-graph visual programming app for AI image and
video work. Node authors import from ``keroro_graph.api`` only."""
__version__ = "0.1.0"
