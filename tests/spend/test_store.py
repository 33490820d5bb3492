"""The paid-result store on real files: values come back equal (arrays, text, video
files), a corrupt entry or blob is detected and never served, the byte budget evicts
the least recently used entries, and pruning removes blobs no entry names."""
from __future__ import annotations

import os
import time

import numpy as np

from keroro_graph.registry import NodeOutput
from keroro_graph.video import Video
from keroro_graph.spend.store import PaidStore


def make(tmp_path, max_bytes=10**9) -> PaidStore:
    return PaidStore(tmp_path / "store", max_bytes=max_bytes, restore_dir=tmp_path / "restored")


def test_values_round_trip_and_files_are_kept_once(tmp_path):
    store = make(tmp_path)
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"\x00\x00\x00\x18ftypmp42" + os.urandom(4096))
    image = np.random.default_rng(1).random((1, 8, 8, 3), dtype=np.float32)
    out = NodeOutput(values=(image, "task-1", Video(path=clip, width=640, fps=24.0), {"n": [1, (2, 3)]}),
                     ui={"text": ["hi"]})
    key, other = store.key(b"sig", 0), store.key(b"sig", 1)
    assert store.save(key, out, class_type="X") and store.save(other, out, class_type="X")
    back = store.load(key)
    assert np.array_equal(back.values[0], image) and back.values[0].dtype == np.float32
    assert back.values[1] == "task-1" and back.values[3] == {"n": [1, (2, 3)]} and back.ui == {"text": ["hi"]}
    video = back.values[2]
    assert video.width == 640 and video.fps == 24.0 and video.path.read_bytes() == clip.read_bytes()
    assert len(list((tmp_path / "store" / "blobs").glob("*/*"))) == 2, "each file stored once"


def test_a_corrupt_blob_or_entry_is_never_served(tmp_path):
    store = make(tmp_path)
    key = store.key(b"sig", 0)
    store.save(key, NodeOutput(values=(np.ones((2, 2), np.float32),)), class_type="X")
    blob = next((tmp_path / "store" / "blobs").glob("*/*"))
    blob.write_bytes(b"\x00" * blob.stat().st_size)
    assert store.load(key) is None and not store.has(key) and store.corrupt == 1
    key2 = store.key(b"sig2", 0)
    store.save(key2, NodeOutput(values=("text",)), class_type="X")
    entry = next(p for p in (tmp_path / "store" / "entries").glob("*/*.json") if p.stem == key2)
    entry.write_text(entry.read_text().replace('"text"', '"txet"'))
    assert store.load(key2) is None and not store.has(key2)


def test_the_byte_budget_evicts_least_recently_used(tmp_path):
    store = make(tmp_path, max_bytes=60_000)
    keys = [store.key(b"s", i) for i in range(4)]
    for i, key in enumerate(keys):
        store.save(key, NodeOutput(values=(np.full((4000,), i, np.float32),)), class_type="X")  # 16 KB each
        time.sleep(0.01)
        if i == 1:
            store.load(keys[0])  # used again: now newer than keys[1]
    assert store.size() <= 60_000
    assert store.has(keys[0]) and store.has(keys[3]) and not store.has(keys[1])


def test_prune_everything_and_older_than(tmp_path):
    store = make(tmp_path)
    store.save(store.key(b"a", 0), NodeOutput(values=(np.zeros(10, np.float32),)), class_type="X")
    assert store.prune(older_than_s=3600)["entries_removed"] == 0
    result = store.prune(everything=True)
    assert result == {"entries_removed": 1, "blobs_removed": 1, "bytes": 0}


def test_many_threads_restoring_the_same_video_never_corrupt_it(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    store = make(tmp_path)
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(os.urandom(1 << 16))
    keys = [store.key(b"v", i) for i in range(16)]
    for key in keys:  # sixteen calls that returned the same file
        store.save(key, NodeOutput(values=(Video(path=clip),)), class_type="X")
    for _ in range(5):
        for path in (tmp_path / "restored").glob("*"):
            path.unlink()
        with ThreadPoolExecutor(8) as pool:
            loaded = list(pool.map(store.load, keys))
        assert all(out is not None for out in loaded) and store.corrupt == 0
        assert all(out.values[0].path.read_bytes() == clip.read_bytes() for out in loaded)
