#!/usr/bin/env bash
# tofu-state: an OpenTofu stack whose state lives on the stand's S3, for seed 000's
# state-authority proof (scenarios/s3/state-authority-tofu.yaml).
#
#   setup          write the stack into $FAULTLINE_RUN_DIR/tofu, create the state bucket,
#                  `tofu init` (S3 backend, path style, lock file) and apply generation 1
#   plan           `tofu plan -detailed-exitcode` of generation 1 (0: no changes, 2: changes)
#   record         remember the state object's ETag and Last-Modified, the state's serial and lineage
#   unchanged      {"changed": [...]}: what moved since `record` (exit 0 when nothing did, else 1)
#   guarded-apply  the protected apply (generation 2): first S3 health and state readability,
#                  refused with exit 3 while either is bad; FAULTLINE_PARAM_GUARD=false skips the checks
#   lose-state     delete the state object (for the test that proves `plan` catches a lost state)
#
# Environment (faultline sets it for actions and cmd probes): FAULTLINE_RUN_DIR,
# FAULTLINE_S3_ENDPOINT, AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
# FAULTLINE_HEALTH_URL and the params FAULTLINE_PARAM_{TOFU,STATE_BUCKET,STATE_KEY,GUARD}.
# Credentials reach tofu through the environment and curl through a file descriptor;
# they are never on a command line or in a file. Tofu never reaches beyond the stand:
# every proxy is a closed port except for the S3 endpoint's host, and the stack needs no
# provider (terraform_data is built in).
set -euo pipefail

: "${FAULTLINE_RUN_DIR:?run by faultline: it sets FAULTLINE_RUN_DIR}" "${FAULTLINE_S3_ENDPOINT:?the stand has no S3}"
tofu=${FAULTLINE_PARAM_TOFU:-tofu}
bucket=${FAULTLINE_PARAM_STATE_BUCKET:-tofu-state}
key=${FAULTLINE_PARAM_STATE_KEY:-faultline/state-authority.tfstate}
work=$FAULTLINE_RUN_DIR/tofu
object=${FAULTLINE_S3_ENDPOINT%/}/$bucket/$key

s3_host=${FAULTLINE_S3_ENDPOINT#*://}
s3_host=${s3_host%%[:/]*}
export HTTP_PROXY=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 NO_PROXY=$s3_host
export TF_CLI_CONFIG_FILE=$work/tofurc TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1
unset TF_PLUGIN_CACHE_DIR

# a signed S3 request (the credentials reach curl as a config on a file descriptor)
signed() {
  curl -sS -m 10 --aws-sigv4 "aws:amz:${AWS_REGION:-us-east-1}:s3" \
    -K <(printf 'user = "%s:%s"\n' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY") "$@"
}

# prints the HTTP status of a signed request (000: no answer)
s3() {
  signed -o /dev/null -w '%{http_code}' "$@" || true
}

# ETag and Last-Modified of the state object, one line ("missing" when it is not there)
object_version() {
  local headers
  headers=$(signed -I "$object") || { echo "unreadable"; return; }
  local status etag modified
  status=$(sed -n '1s/^HTTP\/[0-9.]* \([0-9]*\).*/\1/p' <<<"$headers")
  [[ $status == 200 ]] || { echo "missing (HTTP $status)"; return; }
  etag=$(sed -n 's/^[Ee][Tt][Aa][Gg]: *\([^\r]*\).*/\1/p' <<<"$headers")
  modified=$(sed -n 's/^[Ll]ast-[Mm]odified: *\([^\r]*\).*/\1/p' <<<"$headers")
  echo "etag $etag modified $modified"
}

# what identifies the state now, one "<key>\t<value>" line each: the object's ETag and
# Last-Modified (or why it cannot be read), the serial and lineage tofu reads
facts() {
  local version etag serial lineage
  version=$(object_version)
  if [[ $version == etag* ]]; then
    etag=${version#etag }
    etag=${etag%% modified *}
    printf 'etag\t%s\nmodified\t%s\n' "${etag//\"/}" "${version#* modified }"
  else
    printf 'object\t%s\n' "$version"
  fi
  read -r serial lineage <<<"$(serial)" || true
  printf 'serial\t%s\nlineage\t%s\n' "${serial:-}" "${lineage:-}"
}

# "<serial> <lineage>" of the state as tofu reads it (never its body: only these are printed)
serial() {
  local state
  state=$(cd "$work" && timeout "${1:-60}" "$tofu" state pull 2>/dev/null) || return 0
  local serial lineage
  serial=$(grep -o '"serial":[0-9]*' <<<"$state" | head -1 | cut -d: -f2)
  lineage=$(grep -o '"lineage":"[^"]*"' <<<"$state" | head -1 | cut -d'"' -f4)
  [[ -n $serial ]] && echo "$serial $lineage"
  return 0
}

write_stack() {
  mkdir -p "$work"
  : >"$work/tofurc"
  cat >"$work/main.tf" <<'EOF'
terraform {
  backend "s3" {}
}

variable "generation" {
  type    = number
  default = 1
}

# terraform_data is built into tofu: no provider to download
resource "terraform_data" "stack" {
  count = 3
  input = "generation-${var.generation}-member-${count.index}"
}
EOF
  cat >"$work/backend.hcl" <<EOF
bucket                      = "$bucket"
key                         = "$key"
region                      = "${AWS_REGION:-us-east-1}"
endpoints                   = { s3 = "$FAULTLINE_S3_ENDPOINT" }
use_path_style              = true
use_lockfile                = true
skip_credentials_validation = true
skip_region_validation      = true
skip_requesting_account_id  = true
skip_metadata_api_check     = true
max_retries                 = 2
EOF
}

case ${1:-} in
setup)
  write_stack
  code=$(s3 -X PUT "${FAULTLINE_S3_ENDPOINT%/}/$bucket")
  [[ $code == 200 || $code == 409 ]] || { echo "creating bucket $bucket: HTTP $code" >&2; exit 1; }
  cd "$work"
  "$tofu" init -input=false -no-color -backend-config=backend.hcl >init.log 2>&1 || { tail -20 init.log >&2; exit 1; }
  "$tofu" apply -input=false -no-color -auto-approve -var generation=1 >apply-1.log 2>&1 || { tail -20 apply-1.log >&2; exit 1; }
  grep -o 'Apply complete!.*' apply-1.log
  echo "state s3://$bucket/$key, serial and lineage: $(serial)"
  ;;
plan)
  cd "$work"
  set +e
  "$tofu" plan -input=false -no-color -detailed-exitcode -var generation=1 >plan.log 2>&1
  rc=$?
  set -e
  grep -E -o 'No changes\..*|Plan: .*|Error: .*' plan.log | head -3 || true
  exit $rc
  ;;
record)
  facts >"$work/state.recorded"
  grep -q $'^etag\t.' "$work/state.recorded" && grep -q $'^serial\t[0-9]' "$work/state.recorded" ||
    { echo "the state is not readable: $(tr '\t\n' ' ;' <"$work/state.recorded")" >&2; exit 1; }
  tr '\t\n' ' ;' <"$work/state.recorded"
  echo
  ;;
unchanged)
  # JSON for the cmd probe: {"changed": []} when nothing moved, else what moved, from -> to
  declare -A was now
  while IFS=$'\t' read -r k v; do was[$k]=$v; done <"$work/state.recorded"
  while IFS=$'\t' read -r k v; do now[$k]=$v; done < <(facts)
  changed=()
  for k in serial lineage etag modified object; do
    [[ ${was[$k]-} == "${now[$k]-}" ]] || changed+=("\"$k ${was[$k]:-none} -> ${now[$k]:-none}\"")
  done
  (IFS=,; echo "{\"changed\": [${changed[*]}]}")
  [[ ${#changed[@]} == 0 ]]
  ;;
guarded-apply)
  if [[ ${FAULTLINE_PARAM_GUARD:-true} != false ]]; then
    health=$(curl -sS -m 5 -o /dev/null -w '%{http_code}' "${FAULTLINE_HEALTH_URL:?the stand has no health URL}" 2>/dev/null || true)
    [[ $health == 200 ]] || { echo "refused: S3 health ${FAULTLINE_HEALTH_URL} answers ${health:-nothing} (want 200); nothing applied"; exit 3; }
    version=$(object_version)
    [[ $version == etag* ]] || { echo "refused: state object s3://$bucket/$key is $version; nothing applied"; exit 3; }
    [[ -n $(serial 15) ]] || { echo "refused: tofu cannot read the state within 15 s; nothing applied"; exit 3; }
  fi
  cd "$work"
  set +e
  "$tofu" apply -input=false -no-color -auto-approve -lock-timeout=0s -var generation=2 >apply-2.log 2>&1
  rc=$?
  set -e
  grep -E -o 'Apply complete!.*|Error: .*' apply-2.log | head -3 || true
  exit $rc
  ;;
lose-state)
  code=$(s3 -X DELETE "$object")
  [[ $code == 204 || $code == 200 ]] || { echo "deleting the state object: HTTP $code" >&2; exit 1; }
  echo "state object s3://$bucket/$key deleted"
  ;;
*)
  echo "usage: tofu-state.sh setup|plan|record|unchanged|guarded-apply|lose-state" >&2
  exit 64
  ;;
esac
