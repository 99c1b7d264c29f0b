#!/usr/bin/env bash
# Installs what faultline needs on a fresh Debian machine, idempotently:
# system packages (nftables, iproute2, openssh, openssl, kmod, iptables, prometheus, chromium
# for the report's browser test, and for the cluster stand containerd, runc, umoci,
# busybox-static, containernetworking-plugins, and protobuf-compiler for the RustFS build),
# npm dependencies, and the TypeScript build. The pinned servers are built on first `stand up`.
set -euo pipefail
cd "$(dirname "$0")/.."

need_pkgs=()
command -v nft >/dev/null || need_pkgs+=(nftables)
command -v ip >/dev/null || need_pkgs+=(iproute2)
[ -x /usr/sbin/sshd ] || need_pkgs+=(openssh-server)
command -v ssh >/dev/null || need_pkgs+=(openssh-client)
command -v openssl >/dev/null || need_pkgs+=(openssl)
command -v modinfo >/dev/null || need_pkgs+=(kmod)
command -v iptables >/dev/null || need_pkgs+=(iptables)
command -v prometheus >/dev/null || need_pkgs+=(prometheus)
[ -x /usr/bin/chromium ] || need_pkgs+=(chromium)
# the cluster stand: a container runtime per node, CNI plugins, and what its images are built from
command -v containerd >/dev/null || need_pkgs+=(containerd)
[ -x /usr/sbin/runc ] || need_pkgs+=(runc)
command -v umoci >/dev/null || need_pkgs+=(umoci)
[ -x /usr/bin/busybox ] || need_pkgs+=(busybox-static)
[ -x /usr/lib/cni/bridge ] || need_pkgs+=(containernetworking-plugins)
# the local stand's RustFS server: a dependency's build script runs protoc
command -v protoc >/dev/null || need_pkgs+=(protobuf-compiler)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "bootstrap: missing Debian packages: ${need_pkgs[*]} (run as root, or install them)" >&2
    exit 1
  fi
  echo "bootstrap: installing ${need_pkgs[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
fi

command -v go >/dev/null || { echo "bootstrap: Go >= 1.24 is needed to build the pinned MinIO/etcd/Kubernetes/kwok servers" >&2; exit 1; }

# npm ci only when the lock file changed since the last install
stamp=node_modules/.faultline-lock
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi
npx tsc -p tsconfig.json
