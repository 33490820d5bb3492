"""Loading packs: built-ins first, sorted packs, failures isolated and reported,
built-in names protected, load times recorded."""
from __future__ import annotations

from pathlib import Path

from keroro_graph.registry import load_registry
from tests.conftest import FIXTURE_PACKS

NATIVE_PACK = '''
from keroro_graph.api import node

@node("{name}", category="x")
def fn(value: int) -> int:
    return value
'''


def write(folder: Path, rel: str, text: str) -> None:
    path = folder / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_fixture_packs_load_with_their_nodes(registry):
    packs = {p.name: p for p in registry.packs}
    assert packs["builtin"].loaded and packs["builtin"].builtin
    style = packs["comfy_style_pack"]
    assert style.loaded and not style.error
    assert {"StyleMultiply", "StyleSplit", "StyleJoin"} <= set(style.node_types)
    assert registry["StyleMultiply"].display_name == "Multiply (style pack)"
    assert registry["StyleMultiply"].python_module == style.module
    assert all(p.load_time_s >= 0 for p in registry.packs)


def test_broken_disabled_and_clashing_packs(tmp_path):
    folder = tmp_path / "custom_nodes"
    write(folder, "a_good/__init__.py", NATIVE_PACK.format(name="GoodNode"))
    write(folder, "b_syntax/__init__.py", "def broken(:\n")
    write(folder, "c_raises.py", "raise RuntimeError('pack refuses to load')\n")
    write(folder, "d_exits.py", "import sys\nsys.exit(3)\n")
    write(folder, "e_off.disabled/__init__.py", NATIVE_PACK.format(name="OffNode"))
    write(folder, "f_clash_builtin.py", NATIVE_PACK.format(name="PrimitiveInt"))
    write(folder, "g_clash_pack.py", NATIVE_PACK.format(name="GoodNode"))
    write(folder, "__pycache__/junk.py", "raise SystemExit")
    write(folder, "notes.txt", "not a pack")
    registry = load_registry(custom_dirs=[folder])
    packs = {p.name: p for p in registry.packs}
    assert set(packs) == {"builtin", "a_good", "b_syntax", "c_raises", "d_exits", "f_clash_builtin", "g_clash_pack"}
    assert "GoodNode" in registry and "OffNode" not in registry
    assert not packs["b_syntax"].loaded and "SyntaxError" in packs["b_syntax"].error
    assert "pack refuses to load" in packs["c_raises"].error
    assert "SystemExit" in packs["d_exits"].error
    assert registry.pack_of("PrimitiveInt").builtin, "packs cannot replace built-in class names"
    assert any("already provided by a built-in node" in w for w in packs["f_clash_builtin"].warnings)
    assert registry.pack_of("GoodNode").name == "a_good", "first pack in sorted order keeps the name"
    assert any("already provided by pack 'a_good'" in w for w in packs["g_clash_pack"].warnings)


def test_pack_with_relative_imports_and_subfolder_nodes(tmp_path):
    folder = tmp_path / "custom_nodes"
    write(folder, "mypack/__init__.py", "from .nodes import shout  # noqa\n")
    write(folder, "mypack/nodes/__init__.py", "from .shout import shout  # noqa\n")
    write(folder, "mypack/nodes/shout.py",
          "from keroro_graph.api import node\n\n@node('MyShout')\ndef shout(text: str) -> str:\n    return text.upper()\n")
    registry = load_registry(custom_dirs=[folder])
    assert registry["MyShout"].category == "mypack"


def test_extra_folders_and_v1_pack_in_a_temporary_folder(tmp_path):
    folder = tmp_path / "more_nodes"
    source = (FIXTURE_PACKS / "comfy_style_pack" / "__init__.py").read_text()
    write(folder, "copied_pack/__init__.py", source.replace("from .list_nodes import NODE_CLASS_MAPPINGS as LIST_NODES", "LIST_NODES = {}")
          .replace("StyleMultiply", "CopyMultiply"))
    registry = load_registry(custom_dirs=[tmp_path / "missing", folder])
    assert "CopyMultiply" in registry


def test_a_native_pack_is_walked_file_by_file_and_a_bad_file_is_only_a_warning(tmp_path):
    folder = tmp_path / "custom_nodes"
    write(folder, "walked/__init__.py", '"""A pack whose __init__ imports none of its node files."""\n')
    write(folder, "walked/nodes/first.py", NATIVE_PACK.format(name="WalkedFirst"))
    write(folder, "walked/nodes/__init__.py", "")
    write(folder, "walked/second.py", NATIVE_PACK.format(name="WalkedSecond"))
    write(folder, "walked/broken.py", "def broken(:\n")
    write(folder, "walked/_private.py", "raise RuntimeError('private helpers are not walked')\n")
    write(folder, "walked/tests/test_it.py", "raise RuntimeError('tests are not walked')\n")
    registry = load_registry(custom_dirs=[folder])
    pack = next(p for p in registry.packs if p.name == "walked")
    assert pack.loaded and not pack.error
    assert set(pack.node_types) == {"WalkedFirst", "WalkedSecond"}
    [warning] = pack.warnings
    assert "custom_nodes.walked.broken failed to import" in warning and "SyntaxError" in warning


def test_a_comfy_pack_is_read_from_its_init_alone(tmp_path):
    folder = tmp_path / "custom_nodes"
    marker = tmp_path / "installed"
    write(folder, "comfyish/__init__.py", '''
class Echo:
    RETURN_TYPES = ("INT",)
    FUNCTION = "run"
    CATEGORY = "x"

    @classmethod
    def INPUT_TYPES(cls):
        return {"required": {"value": ("INT", {"default": 1})}}

    def run(self, value):
        return (value,)

NODE_CLASS_MAPPINGS = {"ComfyishEcho": Echo}
''')
    write(folder, "comfyish/install.py", f"open({str(marker)!r}, 'w').write('ran')\n")
    registry = load_registry(custom_dirs=[folder])
    pack = next(p for p in registry.packs if p.name == "comfyish")
    assert pack.loaded and pack.node_types == ["ComfyishEcho"] and pack.warnings == []
    assert not marker.exists()  # ComfyUI never imports a pack's other files; neither do we


def test_the_readmes_pack_test_example_runs(tmp_path, monkeypatch):
    """README's "how to test a pack node" example, run as written on a pack it describes."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    start = readme.index("# test_my_pack.py")
    example = readme[start:readme.index("```", start)]
    folder = tmp_path / "custom_nodes"
    write(folder, "my_pack/__init__.py", "")
    write(folder, "my_pack/nodes/__init__.py", "")
    write(folder, "my_pack/nodes/my_node.py", '''
from keroro_graph.api import node

@node("MyNode", category="my_pack")
def my_node(value: int) -> int:
    return value * 2
''')
    monkeypatch.chdir(tmp_path)  # the example names the folder relative to the project
    scope: dict = {}
    exec(compile(example, "README.md example", "exec"), scope)
    (tmp_path / "user").mkdir()
    scope["test_my_node"](tmp_path / "user")


def test_a_pack_folder_without_init_is_named_in_a_warning(tmp_path):
    folder = tmp_path / "custom_nodes"
    write(folder, "halfway/__init__.py", "")
    write(folder, "halfway/first.py", NATIVE_PACK.format(name="HalfwayFirst"))
    write(folder, "halfway/nodes/second.py", NATIVE_PACK.format(name="HalfwaySecond"))  # no nodes/__init__.py
    write(folder, "halfway/nodes/deeper/third.py", NATIVE_PACK.format(name="HalfwayThird"))
    write(folder, "halfway/_private/helper.py", "")
    write(folder, "halfway/tests/test_x.py", "")
    registry = load_registry(custom_dirs=[folder])
    pack = next(p for p in registry.packs if p.name == "halfway")
    assert pack.loaded and pack.node_types == ["HalfwayFirst"]
    [warning] = pack.warnings  # one warning for the folder the walk cannot enter, none for what lies below it
    assert warning.startswith("halfway/nodes holds Python files but no __init__.py")


PROVIDER_PACK = '''
from keroro_graph.api import ProviderInfo, api_key

PROVIDER = ProviderInfo("acme", "{label}", api_key("ACME_KEY"), "https://{host}/v1", limit=3)
'''


def test_providers_are_declared_by_packs_and_the_first_declaration_keeps_a_name(tmp_path):
    folder = tmp_path / "custom_nodes"
    write(folder, "a_acme/__init__.py", PROVIDER_PACK.format(label="Acme", host="api.acme.invalid"))
    write(folder, "b_acme_again.py", PROVIDER_PACK.format(label="Acme clone", host="evil.invalid"))
    write(folder, "c_reuses/__init__.py", "from custom_nodes.a_acme import PROVIDER  # the same declaration, imported\n")
    registry = load_registry(custom_dirs=[folder])
    packs = {p.name: p for p in registry.packs}
    assert registry.providers["acme"].display_name == "Acme" and registry.providers["acme"].limit == 3
    assert packs["a_acme"].providers == ["acme"] and packs["a_acme"].loaded and not packs["a_acme"].warnings
    assert any("provider 'acme' skipped" in w for w in packs["b_acme_again"].warnings)
    assert packs["c_reuses"].providers == [] and packs["c_reuses"].loaded
    assert registry.providers["acme"].env_vars("api_key") == ("KERORO_ACME_API_KEY", "ACME_KEY")
