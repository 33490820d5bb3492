"""The command line with a paid node: ``keroro-graph run`` prints the estimate before
running (from a user price file), a second run in a new process pays nothing (the
store serves it), and ``keroro-graph store`` lists, sizes and prunes the store. The
paid node is a V1 class in a pack written here; each real call appends to a file."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

from keroro_graph.settings import REPO_ROOT

PACK = '''
from pathlib import Path

class PaidEcho:
    PAID = True
    PRICE = {"table": "echo", "key": ["model"], "times": ["n"]}
    RETURN_TYPES = ("STRING",)
    FUNCTION = "go"
    CATEGORY = "test"

    @classmethod
    def INPUT_TYPES(cls):
        return {"required": {"text": ("STRING", {"default": "hi"}), "model": (["small", "large"],),
                             "n": ("INT", {"default": 1, "min": 1, "max": 9})}}

    def go(self, text, model, n):
        with open(Path(__file__).with_name("calls.log"), "a") as log:
            log.write(text + "\\n")
        return (text.upper() * n,)

NODE_CLASS_MAPPINGS = {"PaidEcho": PaidEcho}
'''
GRAPH = {"1": {"class_type": "PaidEcho", "inputs": {"text": "mug", "model": "large", "n": 3}},
         "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}


def cli(*args: str, user: str, packs: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KERORO_PRICES_FILE": os.path.join(user, "prices.json")}
    return subprocess.run([sys.executable, "-m", "keroro_graph.cli.main", *args], capture_output=True,
                          text=True, timeout=120, cwd=REPO_ROOT, env=env)


def test_run_prints_the_estimate_and_a_second_process_pays_nothing(tmp_path):
    packs, user = tmp_path / "packs", tmp_path / "user"
    (packs / "echo").mkdir(parents=True)
    (packs / "echo" / "__init__.py").write_text(textwrap.dedent(PACK))
    user.mkdir()
    (user / "prices.json").write_text(json.dumps({"tables": {"echo": {
        "currency": "CNY", "as_of": "2026-12-04", "source": "https://example.invalid/echo",
        "rows": {"small": 0.1, "large": 0.25}}}}))
    graph = tmp_path / "graph.json"
    graph.write_text(json.dumps(GRAPH))
    args = ("run", str(graph), "--yes", "--user-dir", str(user), "--custom-nodes-dir", str(packs))
    first = cli(*args, user=str(user), packs=str(packs))
    assert first.returncode == 0, first.stderr
    assert "estimate: 0.75 CNY" in first.stderr and "0.25 CNY × n=3" in first.stderr
    second = cli(*args, user=str(user), packs=str(packs))
    assert second.returncode == 0, second.stderr
    assert "estimate: 0 CNY" in second.stderr and "served from the paid-result store" in second.stderr
    assert (packs / "echo" / "calls.log").read_text() == "mug\n", "the second process called the node"

    listed = cli("store", "list", "--user-dir", str(user), user=str(user), packs=str(packs))
    assert listed.returncode == 0 and "PaidEcho" in listed.stdout and "1 entries" in listed.stdout
    assert "of 20.0 GiB" in cli("store", "size", "--user-dir", str(user), user=str(user), packs=str(packs)).stdout
    pruned = cli("store", "prune", "--all", "--user-dir", str(user), user=str(user), packs=str(packs))
    assert "removed 1 entries" in pruned.stdout
    third = cli(*args, user=str(user), packs=str(packs))
    assert third.returncode == 0 and (packs / "echo" / "calls.log").read_text() == "mug\nmug\n"


def test_a_batch_draws_one_bar_per_item_on_a_terminal():
    import io

    from keroro_graph.cli.progress import ProgressDisplay
    from keroro_graph.engine import events as ev

    screen = io.StringIO()
    display = ProgressDisplay(job_id="j", total_nodes=4, stream=screen, live=True, item_steps=2)
    for node in ("a", "b"):
        for item in range(3):
            if node == "b" and item == 1:
                display.on_event(ev.ItemFailed(job_id="j", node_id=node, class_type="X", item=item, total=3,
                                               message="item 2 of 3 (blue mug): boom"))
                continue
            display.on_event(ev.PaidCallMade(job_id="j", node_id=node, class_type="X", item=item, total=3))
    display.on_event(ev.JobSucceeded(job_id="j"))
    last = screen.getvalue().rsplit("\x1b[J", 1)[-1]
    assert "item    1 " in last and "2/2" in last and "failed" in last and "item    3 " in last


def test_item_bars_advance_when_a_whole_step_comes_from_the_store():
    import io

    from keroro_graph.cli.progress import ProgressDisplay
    from keroro_graph.engine import events as ev

    screen = io.StringIO()
    display = ProgressDisplay(job_id="j", total_nodes=3, stream=screen, live=True, item_steps=2)
    display.on_event(ev.NodeStored(job_id="j", node_id="a", class_type="X", items=3, total=3))
    for item in range(3):
        display.on_event(ev.PaidCallMade(job_id="j", node_id="b", class_type="X", item=item, total=3))
    display.on_event(ev.JobSucceeded(job_id="j"))
    last = screen.getvalue().rsplit("\x1b[J", 1)[-1]
    assert last.count("2/2") == 3, last
