"""Settings: every folder and limit one process uses, from defaults, environment
variables (``KERORO_*``) and command-line flags. Every path under ``user/`` is
configurable; nothing else in the code invents a path."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from urllib.parse import urlsplit

from pydantic import BaseModel, Field, field_validator

from .registry.env import Paths

REPO_ROOT = Path(__file__).resolve().parents[1]


class Settings(BaseModel):
    user_dir: Path = Field(default_factory=lambda: REPO_ROOT / "user")
    input_dir: Path | None = None
    output_dir: Path | None = None
    temp_dir: Path | None = None
    workflows_dir: Path | None = None
    #: The embedded job store; ":memory:" for a throwaway one.
    jobs_db: Path | str | None = None
    builtin_nodes_dir: Path | None = None
    custom_nodes_dirs: list[Path] = Field(default_factory=lambda: [REPO_ROOT / "custom_nodes"])
    #: Job slots: jobs doing CPU work (sync nodes) at once.
    max_jobs: int = 4
    #: Jobs that may run beyond ``max_jobs`` while they only wait on async nodes (provider
    #: I/O, named limits) and hold no slot; 0 makes every running job hold a slot.
    max_waiting_jobs: int = 256
    #: A job queue shared by several processes: ``redis://host:port/db`` with optional
    #: ``?prefix=…&claim_idle_s=…&max_deliveries=…``. None keeps the embedded store.
    #: Every process on one queue must see the same output folder (a shared mount).
    queue_url: str | None = Field(default=None, repr=False)  # the URL may hold a password
    #: Whether this process runs jobs; a server on a shared queue may leave it to workers.
    run_workers: bool = True
    cache_bytes: int = 2 * 1024**3
    max_concurrent_nodes: int = 128
    thread_workers: int | None = None
    limits: dict[str, int] = Field(default_factory=dict)
    # --- server ---
    host: str = "127.0.0.1"
    port: int = 8188
    #: Required on every request when set; the server refuses to listen beyond
    #: loopback without one.
    token: str | None = Field(default=None, repr=False)
    #: Without a token, requests must be addressed (``Host``) to a loopback name or one
    #: of these (``name`` for any port, ``name:port`` for one); see server/middlewares.
    allowed_hosts: list[str] = Field(default_factory=list)
    max_body_bytes: int = 100 * 1024 * 1024
    upload_max_pixels: int = 8192 * 8192
    preview_max_side: int = 512
    web_dist: Path = Field(default_factory=lambda: REPO_ROOT / "web" / "dist")
    #: The UI served at ``/``: our canvas, or ComfyUI's official frontend from the installed
    #: ``comfyui-frontend-package`` (``pip install 'keroro-graph[comfy-frontend]'``).
    front_end: Literal["keroro", "comfy"] = "keroro"
    #: With ``front_end="comfy"``: serve this folder (a ComfyUI frontend build with its
    #: index.html) instead of the installed package's, as ComfyUI's ``--front-end-root``.
    comfy_frontend_root: Path | None = None
    secrets_file: Path | None = None
    # --- costs (issue 13) ---
    #: The paid-result store; a folder shared by several workers on one host is fine.
    store_dir: Path | None = None
    #: Its byte budget (least recently used entries go first).
    store_bytes: int = 20 * 1024**3
    #: Price tables overriding the packs' (custom_nodes/<pack>/prices.json).
    prices_file: Path | None = None
    # --- public links to local files (providers that take inputs only as URLs) ---
    #: This server's address as the internet reaches it; provider nodes then hand out
    #: expiring read-only links under ``/api/media/`` (keroro_graph/providers/media_host.py).
    public_url: str | None = None
    #: The user's own S3-compatible bucket, ``https://<endpoint>/<bucket>`` (path-style);
    #: used before ``public_url`` when both are set. Keys: secret store ``media_bucket``.
    media_bucket: str | None = None
    media_bucket_region: str = "us-east-1"
    #: How long a public link lives.
    media_link_ttl_s: int = Field(default=3600, ge=60, le=7 * 24 * 3600)

    @field_validator("public_url", "media_bucket")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
            raise ValueError("must be an http:// or https:// URL with a host (and no query)")
        return value.strip().rstrip("/")

    @property
    def paths(self) -> Paths:
        return Paths(input=self.input_dir or self.user_dir / "input",
                     output=self.output_dir or self.user_dir / "output",
                     temp=self.temp_dir or self.user_dir / "temp")

    @property
    def workflows(self) -> Path:
        return self.workflows_dir or self.user_dir / "workflows"

    @property
    def secrets_path(self) -> Path:
        return self.secrets_file or self.user_dir / "secrets.json"

    @property
    def provider_settings_path(self) -> Path:
        """Non-secret provider settings (base URLs, regions, limits, model lists)."""
        return self.user_dir / "settings.json"

    @property
    def frontend_settings_dir(self) -> Path:
        """ComfyUI's per-user data folder (``user/default``: settings, userdata)."""
        return self.user_dir / "default"

    @property
    def store_path(self) -> Path:
        return self.store_dir or self.user_dir / "paid-store"

    @property
    def prices_path(self) -> Path:
        return self.prices_file or self.user_dir / "prices.json"

    @property
    def ledger_path(self) -> Path | str:
        """The spend ledger lives in the embedded job store's database, or beside it
        when jobs are in Redis."""
        store = self.jobs_store
        if self.queue_url:
            return self.user_dir / "spend.sqlite3"
        return store

    @property
    def jobs_store(self) -> Path | str:
        return self.jobs_db if self.jobs_db is not None else self.user_dir / "jobs.sqlite3"

    def ensure_dirs(self) -> None:
        paths = self.paths
        for folder in (self.user_dir, paths.input, paths.output, paths.temp, self.workflows,
                       self.frontend_settings_dir):
            folder.mkdir(parents=True, exist_ok=True)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> "Settings":
        """Defaults, then ``KERORO_*`` variables, then ``overrides`` (None values ignored)."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for name, var in _ENV.items():
            if env.get(var):
                values[name] = env[var]
        if env.get("KERORO_CUSTOM_NODES_DIRS"):
            values["custom_nodes_dirs"] = [Path(p) for p in env["KERORO_CUSTOM_NODES_DIRS"].split(os.pathsep) if p]
        if env.get("KERORO_ALLOWED_HOSTS"):
            values["allowed_hosts"] = [h.strip() for h in env["KERORO_ALLOWED_HOSTS"].split(",") if h.strip()]
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


_ENV = {
    "user_dir": "KERORO_USER_DIR",
    "input_dir": "KERORO_INPUT_DIR",
    "output_dir": "KERORO_OUTPUT_DIR",
    "temp_dir": "KERORO_TEMP_DIR",
    "workflows_dir": "KERORO_WORKFLOWS_DIR",
    "jobs_db": "KERORO_JOBS_DB",
    "max_jobs": "KERORO_MAX_JOBS",
    "max_waiting_jobs": "KERORO_MAX_WAITING_JOBS",
    "queue_url": "KERORO_QUEUE",
    "cache_bytes": "KERORO_CACHE_BYTES",
    "max_concurrent_nodes": "KERORO_MAX_CONCURRENT_NODES",
    "host": "KERORO_HOST",
    "port": "KERORO_PORT",
    "token": "KERORO_TOKEN",
    "max_body_bytes": "KERORO_MAX_BODY_BYTES",
    "front_end": "KERORO_FRONT_END",
    "comfy_frontend_root": "KERORO_FRONT_END_ROOT",
    "store_dir": "KERORO_STORE_DIR",
    "store_bytes": "KERORO_STORE_BYTES",
    "prices_file": "KERORO_PRICES_FILE",
    "public_url": "KERORO_PUBLIC_URL",
    "media_bucket": "KERORO_MEDIA_BUCKET",
    "media_bucket_region": "KERORO_MEDIA_BUCKET_REGION",
    "media_link_ttl_s": "KERORO_MEDIA_LINK_TTL_S",
}
