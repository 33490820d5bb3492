"""``keroro-graph store list|size|prune``: the paid-result store from the terminal."""
from __future__ import annotations

import sys
import time
from typing import Any, TextIO

from ..settings import Settings
from ..spend.store import PaidStore


def store_command(args: Any, out: TextIO = sys.stdout) -> int:
    settings = Settings.from_env(user_dir=args.user_dir, store_dir=args.store_dir)
    store = PaidStore(settings.store_path, max_bytes=settings.store_bytes,
                      restore_dir=settings.paths.temp / "paid-store")
    if args.action == "list":
        entries = store.entries()
        for e in entries:
            used = time.strftime("%Y-%m-%d %H:%M", time.localtime(e.used))
            out.write(f"{e.key[:16]}  {e.class_type:<28} {_size(e.size_bytes):>9}  last used {used}\n")
        out.write(f"{len(entries)} entries, {_size(store.size())} in {store.root}\n")
    elif args.action == "size":
        out.write(f"{_size(store.size())} of {_size(store.max_bytes)} in {store.root}\n")
    else:
        if not (args.all or args.older_than_days is not None or args.max_bytes is not None):
            out.write("prune needs --all, --older-than-days N or --max-bytes N\n")
            return 2
        result = store.prune(everything=args.all, max_bytes=args.max_bytes,
                             older_than_s=None if args.older_than_days is None else args.older_than_days * 86400)
        out.write(f"removed {result['entries_removed']} entries and {result['blobs_removed']} files; "
                  f"{_size(result['bytes'])} left\n")
    return 0


def _size(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"
