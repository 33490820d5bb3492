#!/usr/bin/env bash
# Run ComfyUI's own execution suite (tests/execution at 0.3.64, commit a125cd84)
# against Keroro Graph, changing only the server-launch line of its fixtures
# ('python','main.py' -> bench/comfy_main.py). Needs the torch extra
# (scripts/setup torch) and websocket-client.
#   bench/comfy_execution_suite.sh /path/to/ComfyUI/.git [pytest args...]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
gitdir="$1"; shift
work="$(mktemp -d)"
git --git-dir="$gitdir" archive a125cd84 tests/execution tests/conftest.py pytest.ini comfy_execution/graph_utils.py \
  | tar -x -C "$work"
touch "$work/comfy_execution/__init__.py"
for f in "$work"/tests/execution/test_*.py; do
  sed -i "s|'python', *'main.py',|'$here/.venv/bin/python', '$here/bench/comfy_main.py',|" "$f"
done
cd "$work"
"$here/.venv/bin/python" -m pytest tests/execution -p no:cacheprovider -q "$@"
