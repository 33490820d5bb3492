"""The prompt presets: the user's words arrive intact, choices change the text,
required fields and the safety rules are enforced."""
from __future__ import annotations

import pytest

from nodes.prompt.presets.ecommerce_product_prompt import CAMERA_ANGLES, LIGHTING, SCENES, ecommerce_product_prompt
from nodes.prompt.presets.fashion_model_prompt import fashion_model_prompt
from nodes.prompt.presets.safety_guideline_wrap import safety_guideline_wrap
from nodes.prompt.presets.textile_pattern_prompt import textile_pattern_prompt


def test_ecommerce_prompt_carries_the_product_and_each_choice():
    text = ecommerce_product_prompt("a matte black ceramic mug", "marble tabletop", "golden hour", "top-down",
                                    "steam rising from the cup")
    assert text.startswith("Professional e-commerce product photograph of a matte black ceramic mug.")
    for phrase in (SCENES["marble tabletop"], LIGHTING["golden hour"], CAMERA_ANGLES["top-down"]):
        assert phrase in text
    assert text.endswith("steam rising from the cup.")


def test_ecommerce_prompt_keeps_chinese_text_without_adding_a_full_stop():
    text = ecommerce_product_prompt("白色陶瓷茶杯", "pure white background", "soft studio", "front", "杯身有青花图案。")
    assert "白色陶瓷茶杯" in text and text.endswith("杯身有青花图案。")


def test_required_descriptions_are_named_when_empty():
    with pytest.raises(ValueError, match="product_description is empty"):
        ecommerce_product_prompt("  ", "pure white background", "soft studio", "front", "")
    with pytest.raises(ValueError, match="garment_description is empty"):
        fashion_model_prompt("", "female", "26-35", "", "walking", "cafe", "full body", "")
    with pytest.raises(ValueError, match="motif is empty"):
        textile_pattern_prompt("", "floral", "", "seamless", "apparel", "")


def test_unknown_choice_is_named():
    with pytest.raises(ValueError, match="lighting must be one of"):
        ecommerce_product_prompt("a mug", "pure white background", "disco", "front", "")


def test_fashion_prompt_describes_an_adult_model_and_the_garment():
    text = fashion_model_prompt("an oversized linen shirt", "male", "26-35", "East Asian", "walking",
                                "urban street", "half body", "")
    assert "an adult (26-35) East Asian male model wearing an oversized linen shirt" in text
    assert "walking naturally" in text and "half-body shot" in text
    assert "not a real or recognisable person" in text
    without = fashion_model_prompt("a dress", "female", "18-25", "", "seated", "cafe", "full body", "")
    assert "a young adult (18-25) female model wearing a dress" in without


def test_textile_palette_accepts_chinese_separators():
    text = textile_pattern_prompt("peonies and swallows", "paisley", "藏青、米白，terracotta; gold",
                                  "half-drop", "home textile", "")
    assert "palette of 藏青, 米白, terracotta, gold" in text
    assert "half-drop repeat" in text and "home textiles" in text and "paisley" in text


def test_safety_wrap_keeps_the_request_and_grows_with_strictness():
    request = "A model in a red coat on a rainy street"
    relaxed = safety_guideline_wrap(request, "relaxed", "")
    standard = safety_guideline_wrap(request, "standard", "")
    strict = safety_guideline_wrap(request, "strict", "")
    for text in (relaxed, standard, strict):
        assert f"Request:\n{request}\n" in text
        assert "No nudity" in text and "real, identifiable person" in text
        assert "No logos, trademarks or brand names." in text
    assert "violence" not in relaxed and "violence" in standard
    assert "alcohol" not in standard and "alcohol" in strict
    assert strict.count("\n- ") > standard.count("\n- ") > relaxed.count("\n- ")


def test_safety_wrap_allows_only_the_named_brands():
    text = safety_guideline_wrap("our tote bag", "standard", "Keroro、ACME")
    assert "No logos, trademarks or brand names other than: Keroro, ACME." in text
    with pytest.raises(ValueError, match="prompt is empty"):
        safety_guideline_wrap("", "standard", "")
