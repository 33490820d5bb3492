"""The ``keroro-graph`` command: ``serve`` the app, ``run`` a graph, work jobs from a
shared queue (``worker``), list ``nodes``, and speak ``mcp`` to AI assistants."""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from .. import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="keroro-graph", description="Keroro Graph: node graphs for AI image and video work")
    parser.add_argument("--version", action="version", version=f"keroro-graph {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run a graph (API format or a ComfyUI workflow file) in this process")
    run.add_argument("graph", help="path to the graph JSON")
    run.add_argument("--set", action="append", metavar="NODE.INPUT=VALUE",
                     help="override an input (NODE is a node id or title; VALUE is JSON or text); repeatable")
    run.add_argument("--output", "-o", type=Path, help="folder for output files (default: user/output)")
    _common(run)
    run.add_argument("--json", action="store_true", help="print the job record as JSON")
    run.add_argument("--quiet", "-q", action="store_true", help="no progress display")
    run.add_argument("--yes", "-y", action="store_true", help="run without asking when the estimate costs money")

    serve = sub.add_parser("serve", help="start the server and canvas")
    serve.add_argument("--host", "--listen", dest="host", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default 8188)")
    serve.add_argument("--token", help="access token required on every request (or KERORO_TOKEN); "
                                       "mandatory when listening beyond loopback")
    serve.add_argument("--allowed-host", action="append", metavar="HOST",
                       help="another name (or name:port) requests may be addressed to without a token "
                            "(DNS-rebinding protection; or KERORO_ALLOWED_HOSTS=a,b); repeatable")
    serve.add_argument("--public-url", dest="public_url", metavar="URL",
                       help="this server's address as the internet reaches it: provider nodes that need a public "
                            "link to a local file (Kling's video inputs) get an expiring one under /api/media/ "
                            "(or KERORO_PUBLIC_URL; KERORO_MEDIA_BUCKET uses your own S3-compatible bucket instead)")
    serve.add_argument("--max-jobs", type=int, help="job slots: jobs doing CPU work at once (default 4)")
    serve.add_argument("--max-waiting-jobs", type=int,
                       help="jobs that may run beyond --max-jobs while only waiting on providers (default 256)")
    serve.add_argument("--open", action="store_true", help="open the canvas in a browser")
    serve.add_argument("--front-end", dest="front_end", choices=("keroro", "comfy"),
                       help="UI at /: our canvas (default) or ComfyUI's official frontend "
                            "(needs keroro-graph[comfy-frontend]; or KERORO_FRONT_END)")
    serve.add_argument("--front-end-root", dest="front_end_root", type=Path,
                       help="with --front-end comfy: a ComfyUI frontend build folder to serve instead of the "
                            "installed package's (or KERORO_FRONT_END_ROOT)")
    serve.add_argument("--queue", metavar="redis://HOST:PORT/DB",
                       help="share a job queue with other processes (or KERORO_QUEUE); default: this process's own")
    serve.add_argument("--no-worker", action="store_true",
                       help="with --queue: serve only, leaving the jobs to `keroro-graph worker` processes")
    _common(serve)

    worker = sub.add_parser("worker", help="run jobs from a shared queue (no HTTP)")
    worker.add_argument("--queue", metavar="redis://HOST:PORT/DB", help="the shared queue (or KERORO_QUEUE)")
    worker.add_argument("--max-jobs", type=int, help="job slots: jobs doing CPU work at once here (default 4)")
    worker.add_argument("--max-waiting-jobs", type=int,
                        help="jobs that may run beyond --max-jobs while only waiting on providers (default 256)")
    worker.add_argument("--output-dir", type=Path,
                        help="output folder: the same shared folder every server and worker mounts")
    _common(worker)

    store = sub.add_parser("store", help="list, size or prune the paid-result store")
    store.add_argument("action", choices=["list", "size", "prune"])
    store.add_argument("--all", action="store_true", help="prune: remove every entry")
    store.add_argument("--older-than-days", type=float, help="prune: entries unused for this many days")
    store.add_argument("--max-bytes", type=int, help="prune: least recently used first, down to this size")
    store.add_argument("--store-dir", type=Path, help="the store's folder (default: user/paid-store)")
    store.add_argument("--user-dir", type=Path, help="runtime data folder (default: ./user beside the app)")

    nodes = sub.add_parser("nodes", help="print the node catalogue")
    nodes.add_argument("filter", nargs="?", help="only nodes whose name or category contains this")
    nodes.add_argument("--json", action="store_true", help="print /object_info JSON")
    nodes.add_argument("--packs", action="store_true", help="print each pack's load status and errors")
    _common(nodes)

    mcp = sub.add_parser("mcp", help="serve the MCP tools to AI assistants (stdio or streamable HTTP)")
    mcp.add_argument("--server", help="the Keroro Graph server to drive (default http://127.0.0.1:8188)")
    mcp.add_argument("--token", help="that server's access token (or KERORO_TOKEN)")
    mcp.add_argument("--embedded", action="store_true",
                     help="start a server in this process on a free loopback port instead of using --server")
    mcp.add_argument("--transport", choices=("stdio", "http"), default="stdio",
                     help="stdio for desktop assistants (default) or streamable HTTP at /mcp")
    mcp.add_argument("--host", default="127.0.0.1", help="http: address to bind (default 127.0.0.1)")
    mcp.add_argument("--port", type=int, help="http: port (default 8189)")
    mcp.add_argument("--http-token", help="http: bearer token every MCP request must carry (or KERORO_MCP_TOKEN); "
                                          "mandatory when binding beyond loopback")
    mcp.add_argument("--allowed-host", action="append", metavar="HOST",
                     help="http: another Host/Origin name clients may use (DNS-rebinding protection); repeatable")
    mcp.add_argument("--preview-budget-kib", type=int, metavar="KIB",
                     help="inline previews of one tool result together stay under this (default 512)")
    mcp.add_argument("--resource-max-mib", type=int, metavar="MIB",
                     help="largest output file a resources/read returns (default 32)")
    _common(mcp)
    return parser


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--user-dir", type=Path, help="runtime data folder (default: ./user beside the app)")
    p.add_argument("--custom-nodes-dir", type=Path, action="append",
                   help="a folder of node packs (repeatable; default: custom_nodes/)")


def main(argv: list[str] | None = None) -> int:
    try:
        return _dispatch(argv)
    except BrokenPipeError:  # e.g. `keroro-graph nodes | head`
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        return 130


def _dispatch(argv: list[str] | None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if args.command == "run":
        from .run import run_command
        return run_command(args)
    if args.command == "serve":
        from .serve import serve_command
        return serve_command(args)
    if args.command == "worker":
        from .worker import worker_command
        return worker_command(args)
    if args.command == "store":
        from .store_cmd import store_command
        return store_command(args)
    if args.command == "nodes":
        from .nodes_cmd import nodes_command
        return nodes_command(args)
    if args.command == "mcp":
        from ..mcp.command import mcp_command
        return mcp_command(args)
    return 2


if __name__ == "__main__":
    sys.exit(main())
