"""``folder_paths`` as packs use it: the configured folders, annotated names, model
folders packs list and register, and ComfyUI's save-path rule."""
from __future__ import annotations

import importlib

import pytest


@pytest.fixture
def folder_paths(registry):  # loading the registry configures the layer's folders
    return importlib.import_module("folder_paths")


def test_folders_are_ours_and_annotations_pick_them(folder_paths, settings):
    paths = settings.paths
    assert folder_paths.get_output_directory() == str(paths.output)
    assert folder_paths.get_input_directory() == str(paths.input)
    assert folder_paths.get_annotated_filepath("a.png [output]") == str(paths.output / "a.png")
    assert folder_paths.get_annotated_filepath("a.png") == str(paths.input / "a.png")
    assert folder_paths.get_directory_by_type("temp") == str(paths.temp)


def test_model_folders_list_and_resolve_files(folder_paths, tmp_path):
    extra = tmp_path / "more_loras"
    (extra / "sub").mkdir(parents=True)
    (extra / "sub" / "style.safetensors").write_bytes(b"x")
    (extra / "notes.txt").write_text("not a model")
    folder_paths.add_model_folder_path("loras", str(extra))
    assert "sub/style.safetensors" in folder_paths.get_filename_list("loras")
    assert "notes.txt" not in folder_paths.get_filename_list("loras")
    assert folder_paths.get_full_path("loras", "sub/style.safetensors") == str(extra / "sub" / "style.safetensors")
    assert folder_paths.get_full_path("loras", "../../etc/passwd") is None
    with pytest.raises(FileNotFoundError):
        folder_paths.get_full_path_or_raise("loras", "missing.safetensors")


def test_save_path_counts_up_and_refuses_leaving_the_output_folder(folder_paths, settings):
    out = settings.paths.output
    (out / "run").mkdir(parents=True, exist_ok=True)
    (out / "run" / "img_00007_.png").write_bytes(b"")
    folder, stem, counter, subfolder, _ = folder_paths.get_save_image_path("run/img", str(out), 64, 32)
    assert (folder, stem, counter, subfolder) == (str(out / "run"), "img", 8, "run")
    assert folder_paths.get_save_image_path("w%width%", str(out), 64, 32)[1] == "w64"
    with pytest.raises(Exception, match="outside the output folder"):
        folder_paths.get_save_image_path("../escape", str(out))
