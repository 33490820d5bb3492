"""The WebSocket protocol as ComfyUI clients rely on it: the message order of
uncached, cached, failing and interrupted runs, routing to the submitting client,
feature flags and binary preview frames, reconnects."""
from __future__ import annotations

import json
import struct

from tests.conftest import until
from tests.server.conftest import Socket

TWO_NODES = {"1": {"class_type": "TestConst", "inputs": {"value": 4}},
             "2": {"class_type": "TestOutput", "inputs": {"source": ["1", 0]}}}


async def submit(client, graph, client_id="tester", **extra):
    response = await client.post("/prompt", json={"prompt": graph, "client_id": client_id, **extra})
    body = await response.json()
    assert response.status == 200, body
    return body["prompt_id"]


def summary(messages, prompt_id):
    """(type, node) pairs of one job's messages, with the status messages between."""
    out = []
    for m in messages:
        data = m["data"]
        if m["type"] == "status":
            out.append(("status", data["status"]["exec_info"]["queue_remaining"]))
        elif data.get("prompt_id") == prompt_id:
            if m["type"] == "progress_state":
                (node, state), = ((k, v["state"]) for k, v in data["nodes"].items())
                out.append(("progress_state", f"{node}:{state}"))
            elif m["type"] in ("executing", "executed"):
                out.append((m["type"], data["node"]))
            elif m["type"] == "execution_cached":
                out.append((m["type"], tuple(data["nodes"])))
            else:
                out.append((m["type"], None))
    return out


async def test_message_order_uncached_then_cached(client, socket):
    prompt_id = await submit(client, TWO_NODES)
    await socket.until_done(prompt_id)
    assert summary(socket.messages, prompt_id) == [
        ("status", 1), ("status", 1), ("execution_start", None), ("execution_cached", ()),
        ("progress_state", "1:running"), ("executing", "1"), ("progress_state", "1:finished"),
        ("progress_state", "2:running"), ("executing", "2"), ("executed", "2"), ("progress_state", "2:finished"),
        ("execution_success", None), ("status", 0), ("executing", None)]
    executed = next(m for m in socket.messages if m["type"] == "executed")
    assert executed["data"]["output"] == {"text": ["4"]}

    socket.messages.clear()
    again = await submit(client, TWO_NODES)
    await socket.until_done(again)
    assert summary(socket.messages, again) == [
        ("status", 1), ("status", 1), ("execution_start", None), ("execution_cached", ("1", "2")),
        ("executed", "2"), ("progress_state", "2:finished"), ("execution_success", None),
        ("status", 0), ("executing", None)]


async def test_comfyui_client_flow_prompt_ws_history_view(client, socket):
    graph = {"1": {"class_type": "EmptyImage", "inputs": {"width": 32, "height": 16, "batch_size": 1, "color": 255}},
             "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "flow"}}}
    prompt_id = await submit(client, graph)
    await socket.until_done(prompt_id)
    history = await (await client.get(f"/history/{prompt_id}")).json()
    entry = history[prompt_id]
    assert entry["status"]["status_str"] == "success" and entry["status"]["completed"] is True
    image = entry["outputs"]["2"]["images"][0]
    assert image["type"] == "output" and image["filename"].startswith("flow_")
    view = await client.get("/view", params={"filename": image["filename"], "subfolder": image["subfolder"],
                                             "type": image["type"]})
    assert view.status == 200 and (await view.read()).startswith(b"\x89PNG")


async def test_failure_messages(client, socket):
    graph = {"1": {"class_type": "TestConst", "inputs": {"value": 1}},
             "2": {"class_type": "TestFail", "inputs": {"value": ["1", 0], "message": "no luck"}},
             "3": {"class_type": "TestOutput", "inputs": {"source": ["2", 0]}}}
    prompt_id = await submit(client, graph)
    await socket.until_done(prompt_id)
    types = [t for t, _ in summary(socket.messages, prompt_id)]
    assert types[-3:] == ["execution_error", "status", "executing"]
    assert "execution_success" not in types
    error = next(m["data"] for m in socket.messages if m["type"] == "execution_error")
    assert error["node_id"] == "2" and error["node_type"] == "TestFail"
    assert error["exception_message"] == "no luck" and error["exception_type"] == "RuntimeError"
    assert error["current_inputs"]["message"] == ["no luck"] and isinstance(error["traceback"], list)
    history = (await (await client.get(f"/history/{prompt_id}")).json())[prompt_id]
    assert history["status"]["status_str"] == "error" and history["outputs"] == {}


async def test_interrupt_by_prompt_id(client, socket):
    graph = {"1": {"class_type": "TestConst", "inputs": {"value": 1}},
             "2": {"class_type": "TestSleep", "inputs": {"value": ["1", 0], "seconds": 60}},
             "3": {"class_type": "TestOutput", "inputs": {"source": ["2", 0]}}}
    prompt_id = await submit(client, graph)
    await socket.until(lambda m: m["type"] == "executing" and m["data"]["node"] == "2")
    assert (await client.post("/interrupt", json={"prompt_id": "someone-else"})).status == 200
    response = await client.post("/interrupt", json={"prompt_id": prompt_id})
    assert (await response.json())["interrupted"] == [prompt_id]
    await socket.until_done(prompt_id, timeout_s=5)
    interrupted = next(m["data"] for m in socket.messages if m["type"] == "execution_interrupted")
    assert interrupted["node_id"] == "2"
    history = (await (await client.get(f"/history/{prompt_id}")).json())[prompt_id]
    assert history["status"] == {**history["status"], "status_str": "error", "completed": False}


async def test_events_go_to_the_submitting_client_only(client, socket):
    other = Socket(await client.ws_connect("/ws?clientId=other"))
    await other.next()
    prompt_id = await submit(client, TWO_NODES, client_id="tester")
    await socket.until_done(prompt_id)
    remaining = []
    while True:
        try:
            remaining.append(await other.next(timeout_s=0.3))
        except Exception:
            break
    types = {m["type"] for m in remaining if isinstance(m, dict)}
    assert types == {"status"}, "the other client sees queue status and nothing of the job"
    await other.ws.close()


async def test_feature_flags_and_binary_previews(client):
    plain = Socket(await client.ws_connect("/ws?clientId=plain"))
    await plain.next()
    rich = Socket(await client.ws_connect("/ws?clientId=rich"))
    await rich.next()
    await rich.ws.send_str(json.dumps({"type": "feature_flags", "data": {"supports_preview_metadata": True}}))
    flags = await rich.next()
    assert flags["type"] == "feature_flags" and flags["data"]["supports_preview_metadata"] is True
    graph = {"1": {"class_type": "EmptyImage", "inputs": {"width": 64, "height": 64, "batch_size": 1, "color": 0}},
             "2": {"class_type": "TestPreviewSteps", "inputs": {"image": ["1", 0], "steps": 2}},
             "3": {"class_type": "PreviewImage", "inputs": {"images": ["2", 0]}}}
    for sock, name in ((plain, "plain"), (rich, "rich")):
        prompt_id = await submit(client, graph, client_id=name)
        await sock.until_done(prompt_id)
        graph["1"]["inputs"]["color"] += 1  # a fresh run for the second client
    kind, image_type = struct.unpack(">II", plain.frames[0][:8])
    assert kind == 1 and image_type == 1 and plain.frames[0][8:10] == b"\xff\xd8", "type 1: JPEG after 8 bytes"
    kind, meta_len = struct.unpack(">II", rich.frames[0][:8])
    meta = json.loads(rich.frames[0][8:8 + meta_len])
    assert kind == 4 and meta["node_id"] == "2" and meta["image_type"] == "image/jpeg"
    assert rich.frames[0][8 + meta_len:8 + meta_len + 2] == b"\xff\xd8"
    order = [kind for kind in plain.sequence if kind in ("binary", "progress")]
    assert order[:2] == ["binary", "progress"], "the preview frame comes before its progress message"
    await plain.ws.close()
    await rich.ws.close()


async def test_prompt_without_client_id_is_broadcast(client, socket):
    response = await client.post("/prompt", json={"prompt": TWO_NODES})
    prompt_id = (await response.json())["prompt_id"]
    await socket.until_done(prompt_id)
    assert "execution_success" in socket.types(prompt_id)


async def test_reconnect_during_a_run_gets_the_running_node(client, socket):
    graph = {"1": {"class_type": "TestConst", "inputs": {"value": 1}},
             "2": {"class_type": "TestSleep", "inputs": {"value": ["1", 0], "seconds": 60}},
             "3": {"class_type": "TestOutput", "inputs": {"source": ["2", 0]}}}
    prompt_id = await submit(client, graph)
    await socket.until(lambda m: m["type"] == "executing" and m["data"]["node"] == "2")
    await socket.ws.close()
    again = Socket(await client.ws_connect("/ws?clientId=tester"))
    assert (await again.next())["type"] == "status"
    resumed = await again.next()
    assert resumed == {"type": "executing", "data": {"node": "2", "display_node": "2", "prompt_id": prompt_id}}
    await client.post("/interrupt")
    await again.until_done(prompt_id)
    await again.ws.close()


async def test_queue_status_reaches_everyone(client, socket):
    other = Socket(await client.ws_connect("/ws?clientId=watcher"))
    await other.next()
    prompt_id = await submit(client, TWO_NODES, client_id="tester")
    await socket.until_done(prompt_id)
    status = await other.until(lambda m: m["type"] == "status")
    assert "sid" not in status["data"]
    await other.ws.close()


async def test_non_json_and_garbage_client_messages_are_ignored(client, socket):
    await socket.ws.send_str("not json")
    await socket.ws.send_bytes(b"\x00\x01")
    await socket.ws.send_str(json.dumps({"type": "feature_flags", "data": "nope"}))
    prompt_id = await submit(client, TWO_NODES)
    await socket.until_done(prompt_id)
    await until(lambda: True)


async def test_batched_frames_reach_a_client_that_agreed_on_compression(client):
    """Messages written several to one socket write arrive whole and in order, also on
    a socket with permessage-deflate (as browsers open it)."""
    ws = await client.ws_connect("/ws?clientId=deflate", compress=15)
    assert ws.compress == 15  # the extension was agreed
    sock = Socket(ws)
    await sock.next()
    graph = {str(i): {"class_type": "TestAdd", "inputs": {"a": [str(i - 1), 0], "b": 1}} for i in range(1, 60)}
    graph["0"] = {"class_type": "TestConst", "inputs": {"value": 0}}
    graph["out"] = {"class_type": "TestOutput", "inputs": {"source": ["59", 0]}}
    prompt_id = await submit(client, graph, client_id="deflate")
    await sock.until_done(prompt_id)
    executing = [m["data"]["node"] for m in sock.messages if m["type"] == "executing"]
    assert executing == [*map(str, range(60)), "out", None]
    assert next(m for m in sock.messages if m["type"] == "executed")["data"]["output"] == {"text": ["59"]}
    await ws.close()


async def test_history_keeps_the_messages_the_socket_carried(client, socket):
    """ComfyUI records what it broadcast: a job's status.messages are the socket's
    execution_start, execution_cached and outcome, field for field (only the moment a
    timestamp was read may differ by a few ms)."""
    def same(data):
        return {k: v for k, v in data.items() if k != "timestamp"}, list(data)

    failing = {"1": {"class_type": "TestConst", "inputs": {"value": 1}},
               "2": {"class_type": "TestFail", "inputs": {"value": ["1", 0], "message": "no luck"}},
               "3": {"class_type": "TestOutput", "inputs": {"source": ["2", 0]}}}
    sleeping = {"1": {"class_type": "TestConst", "inputs": {"value": 1}},
                "2": {"class_type": "TestSleep", "inputs": {"value": ["1", 0], "seconds": 60}},
                "3": {"class_type": "TestOutput", "inputs": {"source": ["2", 0]}}}
    for graph, outcome in ((TWO_NODES, "execution_success"), (failing, "execution_error"),
                           (sleeping, "execution_interrupted")):
        socket.messages.clear()
        prompt_id = await submit(client, graph)
        if outcome == "execution_interrupted":
            await socket.until(lambda m: m["type"] == "executing" and m["data"]["node"] == "2")
            await client.post("/interrupt", json={"prompt_id": prompt_id})
        await socket.until_done(prompt_id)
        kept = (await (await client.get(f"/history/{prompt_id}")).json())[prompt_id]["status"]["messages"]
        carried = [m for m in socket.messages if isinstance(m, dict) and m["data"].get("prompt_id") == prompt_id
                   and m["type"] in ("execution_start", "execution_cached", outcome)]
        assert [name for name, _ in kept] == ["execution_start", "execution_cached", outcome]
        assert [same(data) for _, data in kept] == [same(m["data"]) for m in carried]
    interrupted = kept[-1][1]
    assert interrupted["node_id"] == "2" and interrupted["node_type"] == "TestSleep"
