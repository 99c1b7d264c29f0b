#!/usr/bin/env bash
# The main job on the embedded local stand: bring it up (building MinIO once),
# run the scenario library, leave the results in results/<run-id>/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
# state-authority-tofu runs the pinned OpenTofu (built once, like the stand's tools)
PATH="$(dirname "$(node scripts/tool-path.mjs tofu)"):$PATH"
export PATH
node bin/faultline.js stand up local
exec node bin/faultline.js run scenarios/ --stand local "$@"
