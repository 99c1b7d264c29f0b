#!/usr/bin/env bash
# The main job on the embedded local stand: bring it up (building MinIO once),
# run the scenario library, leave the results in results/<run-id>/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
node bin/faultline.js stand up local
exec node bin/faultline.js run scenarios/ --stand local "$@"
