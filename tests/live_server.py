"""`keroro-graph serve` started as a user starts it — its own process, a free loopback
port, a temporary user folder — for tests that drive it with real outside clients."""
from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parents[1]
FIXTURE_PACKS = ROOT / "tests" / "fixtures" / "custom_nodes"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    def __init__(self, proc: subprocess.Popen[bytes], port: int, user_dir: Path) -> None:
        self.proc, self.port, self.user_dir = proc, port, user_dir
        self.url = f"http://127.0.0.1:{port}"
        self.address = f"127.0.0.1:{port}"

    def get(self, path: str) -> Any:
        with urllib.request.urlopen(self.url + path, timeout=10) as r:
            return json.loads(r.read() or b"null")

    def post(self, path: str, body: Any) -> Any:
        req = urllib.request.Request(self.url + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            data = r.read()
            return json.loads(data) if data else None

    def log(self) -> str:
        return (self.user_dir / "server.log").read_text(errors="replace")


@contextlib.contextmanager
def live_server(user_dir: Path, *extra: str, packs: tuple[Path, ...] = (FIXTURE_PACKS,),
                env: dict[str, str] | None = None, verbose: bool = False) -> Iterator[LiveServer]:
    """Serve until the block ends (then SIGTERM, as a service manager stops it);
    ``env`` adds variables to the server's environment; ``verbose`` is ``-v``."""
    user_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    pack_args = [arg for folder in packs for arg in ("--custom-nodes-dir", str(folder))]
    with open(user_dir / "server.log", "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "keroro_graph.cli.main", *(["-v"] if verbose else []), "serve", "--port", str(port),
             "--user-dir", str(user_dir), *pack_args, *extra], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})})
    server = LiveServer(proc, port, user_dir)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(server.url + "/api/health", timeout=1).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("server did not start:\n" + server.log())
                time.sleep(0.1)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
