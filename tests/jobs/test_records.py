"""What a run's outputs become before they are stored: plain JSON (odd values made
text), scrubbed of secrets. A large document (100k outputs) takes the piecewise path in
a worker thread; it must store exactly what the one-call path stores."""
from __future__ import annotations

from pathlib import Path

from keroro_graph.jobs.records import clean, clean_large
from keroro_graph.secrets import SecretStore


def test_the_large_path_stores_what_the_small_path_stores(tmp_path: Path):
    store = SecretStore(tmp_path / "secrets.json", environ={})
    store.set("kling", "access_key", "sk-live-0042")
    scrub = store.redact_json
    outputs = {f"o{i}": {"text": [str(i)], "images": [{"filename": f"é{i}.png", "path": Path(f"/x/{i}")}]}
               for i in range(3000)}
    outputs["o7"]["text"] = ["key sk-live-0042 echoed"]
    small, large = clean(outputs, scrub), clean_large(outputs, scrub)
    assert large == small
    assert large["o7"]["text"] == ["key *** echoed"]
    assert large["o2999"]["images"][0] == {"filename": "é2999.png", "path": "/x/2999"}
    del outputs["o7"]
    assert clean_large(outputs, scrub) == clean(outputs, scrub)
