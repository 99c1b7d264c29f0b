#!/usr/bin/env bash
# The release gate: bring up the embedded cluster stand (real kubelets, MinIO as a
# StatefulSet; building its tools once) and run the whole scenario library on it,
# leaving the results in results/<run-id>/. Every scenario must run: the cluster stand
# has every capability the library asks for. `npm run gate:local` runs on the local stand.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
node bin/faultline.js stand up cluster
exec node bin/faultline.js run scenarios/ --stand cluster "$@"
