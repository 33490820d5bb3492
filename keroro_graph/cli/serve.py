"""``keroro-graph serve``: the server and canvas. Binds 127.0.0.1 by default; refuses
to listen beyond loopback without an access token."""
from __future__ import annotations

import logging
import sys
import webbrowser
from typing import Any

from aiohttp import web

from ..server.app import RedactingAccessLogger, create_app
from ..server.comfy_frontend import FrontendMissing, comfy_frontend_version
from ..server.keys import REGISTRY
from ..server.middlewares import is_loopback
from ..runtime import freeze_startup_heap
from ..settings import Settings

log = logging.getLogger("keroro_graph")


def serve_settings(args: Any) -> Settings:
    return Settings.from_env(user_dir=args.user_dir, host=args.host, port=args.port, token=args.token,
                             custom_nodes_dirs=args.custom_nodes_dir or None, max_jobs=args.max_jobs,
                             max_waiting_jobs=getattr(args, "max_waiting_jobs", None),
                             allowed_hosts=getattr(args, "allowed_host", None) or None,
                             public_url=getattr(args, "public_url", None),
                             queue_url=getattr(args, "queue", None), front_end=getattr(args, "front_end", None),
                             comfy_frontend_root=getattr(args, "front_end_root", None),
                             run_workers=False if getattr(args, "no_worker", False) else None)


def serve_command(args: Any) -> int:
    settings = serve_settings(args)
    if not settings.run_workers and not settings.queue_url:
        sys.stderr.write("error: --no-worker needs a shared queue (--queue redis://… or KERORO_QUEUE); "
                         "without one nothing would ever run the jobs\n")
        return 2
    if not is_loopback(settings.host) and not settings.token:
        sys.stderr.write(f"error: refusing to listen on {settings.host} without an access token; "
                         "pass --token or set KERORO_TOKEN (every request must then carry it)\n")
        return 2
    try:
        app = create_app(settings)
    except FrontendMissing as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    url = f"http://{'127.0.0.1' if settings.host in ('0.0.0.0', '::') else settings.host}:{settings.port}/"

    def announce(_running_on: str) -> None:
        """Called by run_app once the socket listens (so a client that connects as soon
        as it reads the line is never refused), in place of aiohttp's own line."""
        freeze_startup_heap()  # before the announcement: clients may connect right after it
        registry = app[REGISTRY]
        failed = registry.failed_packs
        custom = [p for p in registry.packs if not p.builtin]
        print(f"Keroro Graph at {url}  —  {len(registry)} nodes, {len(custom) - len(failed)} pack(s) loaded, "
              f"{len(failed)} failed{': ' + ', '.join(p.name for p in failed) if failed else ''}", flush=True)
        if settings.front_end == "comfy":
            where = settings.comfy_frontend_root or f"comfyui-frontend-package {comfy_frontend_version()}"
            print(f"UI: ComfyUI's official frontend ({where})", flush=True)
        if args.open:
            webbrowser.open(url)

    logging.getLogger("aiohttp.access").setLevel(logging.INFO if args.verbose else logging.WARNING)
    web.run_app(app, host=settings.host, port=settings.port, access_log_class=RedactingAccessLogger,
                print=announce, handle_signals=True)
    return 0
