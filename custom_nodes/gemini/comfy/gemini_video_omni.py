"""GeminiVideoOmni ("Gemini Omni Video"): ComfyUI calls it through its proxy's Gemini
Interactions endpoint, whose public form we could not confirm; the node is declared
so workflows using it load, and refused at validation, saying why."""
from __future__ import annotations

from keroro_graph.api import comfy_refused

from ..client import GeminiClient
from . import TABLE

WHY = ("GeminiVideoOmni needs Gemini's Interactions API for video generation, which Keroro Graph does not speak "
       "yet; use a Kling, Wan or HappyHorse video node instead")

gemini_video_omni = comfy_refused(TABLE["GeminiVideoOmni"], WHY, provider=GeminiClient)
