#!/usr/bin/env bash
# Builds the RustFS server binary with cargo (the toolchain's cargo recipe runs this).
#   VERSION  release tag, e.g. 1.0.0-beta.7
#   OUT      where the finished binary goes (written via OUT.partial, renamed when complete)
#   WORK     a folder cached by version: unpacked sources and cargo's target folder
# Sources: the vendored archives in FAULTLINE_VENDOR (default /work/shared/vendor), checked
# against its SHA256SUMS, when the RustFS one is there; otherwise a clone of the upstream tag.
# RustFS takes s3s from git; from the archives it is pointed at the unpacked s3s instead.
set -euo pipefail
: "${VERSION:?}" "${OUT:?}" "${WORK:?}"
vendor=${FAULTLINE_VENDOR:-/work/shared/vendor}
src=$WORK/src/rustfs-$VERSION
mkdir -p "$WORK"

if [ ! -f "$src/.faultline-prepared" ]; then
  rm -rf "$WORK/src" && mkdir -p "$WORK/src"
  archive=$vendor/rustfs-$VERSION.tar.gz
  if [ -f "$archive" ]; then
    rev=$(tar xzf "$archive" -O "rustfs-$VERSION/Cargo.toml" | sed -n 's/^s3s = { git = "[^"]*", rev = "\([0-9a-f]*\)".*/\1/p')
    [ -n "$rev" ] || { echo "rustfs-$VERSION/Cargo.toml: no s3s git rev found" >&2; exit 2; }
    (cd "$vendor" && sha256sum --strict -c <(grep -E " (rustfs-$VERSION|s3s-$rev)\.tar\.gz$" SHA256SUMS)) \
      || { echo "$vendor: checksum mismatch or archive missing (rustfs-$VERSION, s3s-$rev)" >&2; exit 2; }
    tar xzf "$archive" -C "$WORK/src"
    tar xzf "$vendor/s3s-$rev.tar.gz" -C "$WORK/src"
    sed -i "s|^s3s = { git = \"[^\"]*\", rev = \"$rev\",|s3s = { path = \"../s3s-$rev/crates/s3s\",|" "$src/Cargo.toml"
    grep -q "^s3s = { path = " "$src/Cargo.toml" || { echo "could not point s3s at the vendored copy" >&2; exit 2; }
  else
    git clone --depth 1 --branch "$VERSION" https://github.com/rustfs/rustfs "$src"
  fi
  touch "$src/.faultline-prepared"
fi

cd "$src"
# the installed toolchain, not rust-toolchain.toml's extra components (rustup would fetch them)
export RUSTUP_TOOLCHAIN=${RUSTUP_TOOLCHAIN:-stable}
export CARGO_TARGET_DIR=$WORK/target
# S3 only: no FTPS/WebDAV front ends. Optimisation 1 and no debug info keep the first build
# within a few hours on two cores; the S3 data path is what faultline exercises.
export CARGO_PROFILE_RELEASE_OPT_LEVEL=${CARGO_PROFILE_RELEASE_OPT_LEVEL:-1}
export CARGO_PROFILE_RELEASE_DEBUG=0
export CARGO_INCREMENTAL=0
cargo build --release -p rustfs --bin rustfs --no-default-features -j "${CARGO_JOBS:-2}"
cp "$CARGO_TARGET_DIR/release/rustfs" "$OUT.partial"
mv "$OUT.partial" "$OUT"
echo "built $OUT"
