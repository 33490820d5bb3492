"""ComfyUI's ``folder_paths`` on Keroro Graph's folders: input, output and temp are
the running node's (or the process's); model folders live under ``<user>/models``
and packs may register more. Model files are listed and resolved as in ComfyUI;
loading them needs ComfyUI's model stack, which this layer does not provide."""
from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import Iterable

from keroro_graph.comfy_compat import state

log = logging.getLogger(__name__)

supported_pt_extensions = {".ckpt", ".pt", ".pt2", ".bin", ".pth", ".safetensors", ".pkl", ".sft"}
SUPPORTED_PT_EXTENSIONS = supported_pt_extensions

_MODEL_FOLDERS = ("checkpoints", "configs", "loras", "vae", "text_encoders", "diffusion_models",
                  "clip_vision", "style_models", "embeddings", "diffusers", "vae_approx", "controlnet",
                  "gligen", "upscale_models", "hypernetworks", "photomaker", "classifiers",
                  "model_patches", "audio_encoders")
_LEGACY = {"unet": "diffusion_models", "clip": "text_encoders"}


def _base() -> Path:
    return state.paths().input.parent


base_path = str(_base())
models_dir = str(_base() / "models")
folder_names_and_paths: dict[str, tuple[list[str], set[str]]] = {
    name: ([os.path.join(models_dir, name)], set(supported_pt_extensions) if name != "configs" else {".yaml"})
    for name in _MODEL_FOLDERS}
folder_names_and_paths["custom_nodes"] = ([], set())
filename_list_cache: dict[str, tuple[list[str], dict[str, float], float]] = {}
# The process's folders as module attributes (ComfyUI's globals); the get_*_directory()
# functions answer with the running node's folders.
output_directory = str(state.paths().output)
temp_directory = str(state.paths().temp)
input_directory = str(state.paths().input)
user_directory = str(_base())


def map_legacy(folder_name: str) -> str:
    return _LEGACY.get(folder_name, folder_name)


def get_output_directory() -> str:
    return str(state.paths().output)


def get_temp_directory() -> str:
    return str(state.paths().temp)


def get_input_directory() -> str:
    return str(state.paths().input)


def get_user_directory() -> str:
    return str(_base())


def get_directory_by_type(type_name: str) -> str | None:
    return {"output": get_output_directory, "temp": get_temp_directory,
            "input": get_input_directory}.get(type_name, lambda: None)()


def annotated_filepath(name: str) -> tuple[str, str | None]:
    for suffix, getter in ((" [output]", get_output_directory), (" [input]", get_input_directory),
                           (" [temp]", get_temp_directory)):
        if name.endswith(suffix):
            return name[: -len(suffix)], getter()
    return name, None


def get_annotated_filepath(name: str, default_dir: str | None = None) -> str:
    name, base_dir = annotated_filepath(name)
    if base_dir is None:
        base_dir = default_dir if default_dir is not None else get_input_directory()
    return os.path.join(base_dir, name)


def exists_annotated_filepath(name: str) -> bool:
    return os.path.exists(get_annotated_filepath(name))


def add_model_folder_path(folder_name: str, full_folder_path: str, is_default: bool = False) -> None:
    folder_name = map_legacy(folder_name)
    paths, exts = folder_names_and_paths.setdefault(folder_name, ([], set()))
    if full_folder_path in paths:
        if is_default and paths[0] != full_folder_path:
            paths.remove(full_folder_path)
            paths.insert(0, full_folder_path)
    elif is_default:
        paths.insert(0, full_folder_path)
    else:
        paths.append(full_folder_path)
    filename_list_cache.pop(folder_name, None)


def get_folder_paths(folder_name: str) -> list[str]:
    return list(folder_names_and_paths[map_legacy(folder_name)][0])


def filter_files_extensions(files: Iterable[str], extensions: Iterable[str]) -> list[str]:
    exts = {e.lower() for e in extensions}
    return sorted(f for f in files if not exts or os.path.splitext(f)[-1].lower() in exts)


def recursive_search(directory: str, excluded_dir_names: list[str] | None = None) -> tuple[list[str], dict[str, float]]:
    if not os.path.isdir(directory):
        return [], {}
    excluded = set(excluded_dir_names or []) | {".git"}
    found, dirs = [], {directory: os.path.getmtime(directory)}
    for root, subdirs, names in os.walk(directory, followlinks=True):
        subdirs[:] = [d for d in subdirs if d not in excluded]
        for name in names:
            found.append(os.path.relpath(os.path.join(root, name), directory).replace(os.sep, "/"))
        for d in subdirs:
            path = os.path.join(root, d)
            try:
                dirs[path] = os.path.getmtime(path)
            except OSError:
                pass
    return found, dirs


def get_filename_list(folder_name: str) -> list[str]:
    folder_name = map_legacy(folder_name)
    if folder_name not in folder_names_and_paths:
        return []
    paths, exts = folder_names_and_paths[folder_name]
    files: set[str] = set()
    for path in paths:
        files.update(recursive_search(path, excluded_dir_names=[".git"])[0])
    return filter_files_extensions(files, exts)


def get_full_path(folder_name: str, filename: str) -> str | None:
    folder_name = map_legacy(folder_name)
    if folder_name not in folder_names_and_paths:
        return None
    relative = os.path.relpath(os.path.join("/", filename), "/")
    for path in folder_names_and_paths[folder_name][0]:
        full = os.path.join(path, relative)
        if os.path.isfile(full):
            return full
    return None


def get_full_path_or_raise(folder_name: str, filename: str) -> str:
    full = get_full_path(folder_name, filename)
    if full is None:
        raise FileNotFoundError(f"Model in folder '{folder_name}' with filename '{filename}' not found.")
    return full


def get_save_image_path(filename_prefix: str, output_dir: str, image_width: int = 0,
                        image_height: int = 0) -> tuple[str, str, int, str, str]:
    """ComfyUI's rule: (folder, file stem, next counter, subfolder, prefix); refuses
    prefixes that leave ``output_dir``."""
    if "%" in filename_prefix:
        now = time.localtime()
        for key, value in (("%width%", image_width), ("%height%", image_height), ("%year%", now.tm_year),
                           ("%month%", f"{now.tm_mon:02d}"), ("%day%", f"{now.tm_mday:02d}"),
                           ("%hour%", f"{now.tm_hour:02d}"), ("%minute%", f"{now.tm_min:02d}"),
                           ("%second%", f"{now.tm_sec:02d}")):
            filename_prefix = filename_prefix.replace(key, str(value))
    subfolder = os.path.dirname(os.path.normpath(filename_prefix))
    filename = os.path.basename(os.path.normpath(filename_prefix))
    output_dir = os.path.abspath(output_dir)
    full_output_folder = os.path.join(output_dir, subfolder)
    if os.path.commonpath((output_dir, os.path.abspath(full_output_folder))) != output_dir:
        raise Exception("Saving image outside the output folder is not allowed: "
                        f"{os.path.abspath(full_output_folder)} is not under {output_dir}")
    counter = 1
    try:
        stem = os.path.normcase(filename)
        for name in os.listdir(full_output_folder):
            head, sep, rest = name[: len(filename) + 1], "", name[len(filename) + 1:]
            if os.path.normcase(head[:-1]) == stem and head[-1:] == "_":
                try:
                    counter = max(counter, int(rest.split("_")[0]) + 1)
                except ValueError:
                    pass
    except FileNotFoundError:
        os.makedirs(full_output_folder, exist_ok=True)
    return full_output_folder, filename, counter, subfolder, filename_prefix


def filter_files_content_types(files: list[str], content_types: list[str]) -> list[str]:
    import mimetypes
    kept = []
    for name in files:
        kind = (mimetypes.guess_type(name)[0] or "").split("/")[0]
        if kind in content_types or ("model" in content_types and
                                     os.path.splitext(name)[1].lower() in supported_pt_extensions):
            kept.append(name)
    return kept


def get_input_subfolders() -> list[str]:
    base = get_input_directory()
    return sorted(os.path.relpath(root, base).replace(os.sep, "/")
                  for root, _dirs, _files in os.walk(base) if root != base)


def set_output_directory(output_dir: str) -> None:
    log.warning("folder_paths.set_output_directory(%r) ignored: Keroro Graph's folders come from its settings",
                output_dir)


set_temp_directory = set_input_directory = set_user_directory = set_output_directory
