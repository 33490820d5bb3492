"""The one-node-per-file rule for the built-in nodes, checked on the real registry."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

import nodes
from keroro_graph.registry import load_registry

#: Files allowed to hold several nodes: a family generated from one definition.
FAMILY_FILES = {
    "primitives": {"PrimitiveInt", "PrimitiveFloat", "PrimitiveString", "PrimitiveStringMultiline",
                   "PrimitiveBoolean"},
}

EXPECTED = {
    "LoadImage", "SaveImage", "PreviewImage", "PreviewAny",
    "ImageScale", "ImageScaleBy", "ImageCrop", "ImagePadForOutpaint", "ImageFlip", "ImageRotate",
    "ImageInvert", "ImageBlur", "ImageSharpen", "ImageAdjust", "ImageBlend", "ImageCompositeMasked",
    "ImageToMask", "MaskToImage", "InvertMask", "ThresholdMask", "SolidMask",
    "JoinImageWithAlpha", "SplitImageWithAlpha",
    "EmptyImage", "ImageGradient", "ImageNoise", "ImageBatch", "ImageGrid", "ImageDrawText",
    "PrimitiveInt", "PrimitiveFloat", "PrimitiveString", "PrimitiveStringMultiline", "PrimitiveBoolean",
    "StringConcatenate", "StringReplace", "StringTemplate",
    "IntMath", "FloatMath", "Compare", "Switch",
    "EcommerceProductPrompt", "FashionModelPrompt", "TextilePatternPrompt", "SafetyGuidelineWrap",
}


def snake_case(class_type: str) -> str:
    """ComfyUI's names may hold spaces ("Video Slice"): they become underscores too."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", class_type)
    return re.sub(r"[\s_]+", "_", spaced).lower()


@pytest.fixture(scope="module")
def builtin():
    registry = load_registry()
    return registry, registry.packs[0]


def test_snake_case_examples():
    assert snake_case("ImageBlur") == "image_blur"
    assert snake_case("ImagePadForOutpaint") == "image_pad_for_outpaint"
    assert snake_case("PreviewAny") == "preview_any"
    assert snake_case("Video Slice") == "video_slice"


def test_every_builtin_module_imports(builtin):
    _, pack = builtin
    assert pack.builtin and pack.loaded and pack.error is None
    assert pack.warnings == []


def test_the_expected_nodes_are_all_there(builtin):
    _, pack = builtin
    assert set(pack.node_types) >= EXPECTED


def test_each_node_lives_in_a_file_named_for_it(builtin):
    registry, pack = builtin
    for class_type in pack.node_types:
        stem = registry[class_type].python_module.rsplit(".", 1)[-1]
        if stem in FAMILY_FILES:
            assert class_type in FAMILY_FILES[stem], f"{class_type} is not part of the {stem} family"
        else:
            assert stem == snake_case(class_type), f"{class_type} lives in {stem}.py"


def test_families_hold_only_their_members(builtin):
    registry, pack = builtin
    for stem, members in FAMILY_FILES.items():
        found = {t for t in pack.node_types if registry[t].python_module.endswith("." + stem)}
        assert found == members


def test_every_folder_is_a_package():
    root = Path(nodes.__file__).parent
    for folder in [root, *[p for p in root.rglob("*") if p.is_dir() and p.name != "__pycache__"]]:
        assert (folder / "__init__.py").is_file(), f"{folder} has no __init__.py"


def test_max_resolution_is_exported():
    assert nodes.MAX_RESOLUTION == 16384
