"""SafetyGuidelineWrap: wrap a prompt in content rules before it goes to a provider
(our own node). The request stays intact between a short preamble and a rule list
whose length follows ``strictness``.

``allowed_brands`` names brands, logos or trademarks the user has the right to show;
it may be separated by commas, semicolons, 、 or new lines and written in any
language. Every other brand stays excluded.
"""
from __future__ import annotations

from typing import Annotated

from keroro_graph.api import Combo, Text, node
from nodes.prompt.presets._compose import require, split_list

STRICTNESS = ("relaxed", "standard", "strict")

_CORE_RULES = (
    "No nudity, sexual content or sexualised poses; every person shown is an adult unless the "
    "request clearly needs a child, and children appear only fully clothed in everyday settings.",
    "Do not depict any real, identifiable person or the likeness of a celebrity; all people are fictional.",
)
_STANDARD_RULES = (
    "No violence, gore, injury or self-harm.",
    "No hateful, extremist or discriminatory symbols, gestures or text.",
    "No copyrighted characters or recognisable artwork by other creators.",
)
_STRICT_RULES = (
    "No weapons, alcohol, tobacco, vaping products or drugs.",
    "No political, religious or national symbols, flags or figures.",
    "Modest styling: no lingerie, swimwear or revealing clothing.",
    "No text in the image other than text the request spells out word for word.",
)


@node("SafetyGuidelineWrap")
def safety_guideline_wrap(
    prompt: Annotated[str, Text(multiline=True, default="")],
    strictness: Annotated[str, Combo(options=list(STRICTNESS), default="standard")],
    allowed_brands: Annotated[str, Text(default="", placeholder="optional: brands you may show")],
) -> str:
    """Add content-safety rules around a prompt."""
    request = require(prompt, "prompt")
    if strictness not in STRICTNESS:
        raise ValueError(f"strictness must be one of {list(STRICTNESS)}; got {strictness!r}")
    rules = [*_CORE_RULES, _brand_rule(split_list(allowed_brands))]
    if strictness in ("standard", "strict"):
        rules.extend(_STANDARD_RULES)
    if strictness == "strict":
        rules.extend(_STRICT_RULES)
    lines = ["Create the image described in the request below, following every content rule after it.",
             "", "Request:", request, "", f"Content rules ({strictness}):"]
    lines.extend(f"- {rule}" for rule in rules)
    lines += ["", "If the request conflicts with a rule, follow the rule and produce the closest "
                  "result that complies."]
    return "\n".join(lines)


def _brand_rule(brands: list[str]) -> str:
    if not brands:
        return "No logos, trademarks or brand names."
    return f"No logos, trademarks or brand names other than: {', '.join(brands)}."
