"""`keroro-graph run` and `keroro-graph nodes` as a user runs them: a real process,
real files, exit codes and messages."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from keroro_graph.settings import REPO_ROOT

EXAMPLES = REPO_ROOT / "user" / "examples"


def cli(*args: str, user_dir: Path, extra_packs: Path | None = None) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "keroro_graph.cli.main", *args, "--user-dir", str(user_dir)]
    if extra_packs is not None:
        cmd += ["--custom-nodes-dir", str(extra_packs)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=REPO_ROOT)


def test_run_api_example_writes_a_real_image(tmp_path):
    result = cli("run", str(EXAMPLES / "hello_poster.json"), user_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    written = tmp_path / "output" / "examples" / "hello_poster_00001_.png"
    assert f"node 5 images: {written}" in result.stdout
    image = Image.open(written)
    assert image.size == (768, 432)
    assert json.loads(image.text["prompt"])["4"]["inputs"]["text"] == "Keroro Graph"
    assert "[5/5] node 5 (SaveImage) done" in result.stderr, "plain progress lines when not a TTY"


def test_run_ui_workflow_embeds_the_workflow(tmp_path):
    result = cli("run", str(EXAMPLES / "contact_sheet.workflow.json"), user_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    image = Image.open(tmp_path / "output" / "examples" / "contact_sheet_00001_.png")
    assert image.size == (2 * 256 + 16, 256)  # ImageGrid: 2 columns of 256 px cells, 16 px apart
    assert json.loads(image.text["workflow"])["nodes"][0]["type"] == "ImageGradient"
    assert json.loads(image.text["prompt"])["4"]["class_type"] == "ImageGrid"


def test_set_overrides_inputs_by_id_and_title(tmp_path):
    result = cli("run", str(EXAMPLES / "product_prompt.json"), "--set", "1.product_description=a red canvas sneaker",
                 "--set", "Product shot.scene=\"flat lay\"", "-q", user_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "a red canvas sneaker" in result.stdout
    assert "node 3 text:" in result.stdout


def test_invalid_input_exits_2_naming_node_and_input(tmp_path):
    result = cli("run", str(EXAMPLES / "hello_poster.json"), "--set", "1.width=0", user_dir=tmp_path)
    assert result.returncode == 2
    assert "node 1 (ImageGradient) input 'width': Value 0 smaller than min of" in result.stderr


def test_failing_node_exits_1_with_its_error(tmp_path):
    graph = {"1": {"class_type": "PrimitiveInt", "inputs": {"value": 4}},
             "2": {"class_type": "IntMath", "inputs": {"a": ["1", 0], "b": 0, "op": "divide"}},
             "3": {"class_type": "PreviewAny", "inputs": {"source": ["2", 0]}}}
    path = tmp_path / "divide.json"
    path.write_text(json.dumps(graph))
    result = cli("run", str(path), user_dir=tmp_path)
    assert result.returncode == 1
    assert "error: node 2 (IntMath) failed: ValueError:" in result.stderr
    assert "divide by zero" in result.stderr


@pytest.mark.parametrize("content, message", [
    (None, "no such file"),
    ("{not json", "is not a JSON file"),
    ('{"nodes": "nope", "links": []}', "error:"),
    ('{"1": {"class_type": "NoSuchNode", "inputs": {}}}', "NoSuchNode"),
])
def test_bad_documents_exit_2(tmp_path, content, message):
    path = tmp_path / "graph.json"
    if content is not None:
        path.write_text(content)
    result = cli("run", str(path), user_dir=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_set_syntax_is_explained(tmp_path):
    result = cli("run", str(EXAMPLES / "hello_poster.json"), "--set", "width=3", user_dir=tmp_path)
    assert result.returncode == 2 and "expected NODE.INPUT=VALUE" in result.stderr
    result = cli("run", str(EXAMPLES / "hello_poster.json"), "--set", "99.width=3", user_dir=tmp_path)
    assert result.returncode == 2 and "no node with id or title '99'" in result.stderr


def test_json_output(tmp_path):
    result = cli("run", str(EXAMPLES / "product_prompt.json"), "--json", "-q", user_dir=tmp_path)
    record = json.loads(result.stdout)
    assert record["status"] == "success" and "3" in record["outputs"]


def test_nodes_catalogue_and_pack_report(tmp_path):
    broken = tmp_path / "packs"
    (broken / "bad_pack").mkdir(parents=True)
    (broken / "bad_pack" / "__init__.py").write_text("import does_not_exist\n")
    listing = cli("nodes", user_dir=tmp_path, extra_packs=broken)
    assert listing.returncode == 0
    assert "SaveImage" in listing.stdout and "1 pack(s) failed to load: bad_pack" in listing.stdout
    info = json.loads(cli("nodes", "--json", user_dir=tmp_path).stdout)
    assert info["SaveImage"]["output_node"] is True
    packs = cli("nodes", "--packs", user_dir=tmp_path, extra_packs=broken)
    assert packs.returncode == 1 and "ModuleNotFoundError" in packs.stdout
