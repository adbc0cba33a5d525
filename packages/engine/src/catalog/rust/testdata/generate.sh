#!/usr/bin/env bash
# Regenerates the Rust cataloger fixtures, offline:
#   Cargo.lock        written by cargo itself for a small workspace whose dependencies are a vendored
#                     registry source (stand-in crates), a path crate and a git crate (a local repository)
#   auditable-app     that workspace's binary, with the ".dep-v0" section cargo-auditable would embed
#                     (zlib-compressed JSON), added with objcopy since cargo-auditable is not installed here
#   dep-v0.json       the JSON put in that section
# Needs cargo, git, python3 and objcopy.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work=/tmp/rampart-cargo-fixture
rm -rf "$work" && mkdir -p "$work"
export GIT_AUTHOR_DATE="2024-01-01T00:00:00Z" GIT_COMMITTER_DATE="2024-01-01T00:00:00Z"
export GIT_AUTHOR_NAME=fixture GIT_AUTHOR_EMAIL=fixture@example.com
export GIT_COMMITTER_NAME=fixture GIT_COMMITTER_EMAIL=fixture@example.com
export CARGO_HOME="$work/cargo-home" CARGO_NET_GIT_FETCH_WITH_CLI=true

# A stand-in crate: just enough to be a dependency.
crate() { # dir name version
  mkdir -p "$1/src"
  printf '[package]\nname = "%s"\nversion = "%s"\nedition = "2021"\n' "$2" "$3" >"$1/Cargo.toml"
  echo "pub fn id() -> &'static str { \"$2 $3\" }" >"$1/src/lib.rs"
}
vendored() { # name version
  crate "$work/vendor/$1" "$1" "$2"
  sum=$(printf '%s-%s' "$1" "$2" | sha256sum | cut -d' ' -f1)
  printf '{"files":{},"package":"%s"}' "$sum" >"$work/vendor/$1/.cargo-checksum.json"
}
vendored itoa 1.0.9
vendored memchr 2.6.4
vendored cc 1.0.83

crate "$work/gitdep" gitdep 0.2.0
git -C "$work/gitdep" init -q && git -C "$work/gitdep" add -A && git -C "$work/gitdep" commit -qm fixture

crate "$work/app/smallbit" smallbit 0.1.0
mkdir -p "$work/app/src" "$work/app/.cargo"
cat >"$work/app/Cargo.toml" <<TOML
[package]
name = "auditable-app"
version = "0.3.1"
edition = "2021"

[dependencies]
itoa = "1.0"
memchr = "2"
smallbit = { path = "smallbit" }
gitdep = { git = "file://$work/gitdep" }

[build-dependencies]
cc = "1"

[profile.release]
opt-level = "z"
strip = true
panic = "abort"
TOML
cat >"$work/app/src/main.rs" <<'RS'
fn main() {
    println!("{} {} {} {}", itoa::id(), memchr::id(), smallbit::id(), gitdep::id());
}
RS
echo 'fn main() {}' >"$work/app/build.rs"
cat >"$work/app/.cargo/config.toml" <<TOML
[source.crates-io]
replace-with = "vendored"
[source.vendored]
directory = "$work/vendor"
TOML

cd "$work/app"
cargo generate-lockfile -q  # not --offline: the git crate is fetched from a local repository
cargo build --release -q
cp Cargo.lock "$here/Cargo.lock"

# What cargo-auditable records (auditable-serde's format): every package of the build, sorted, with the root
# crate marked, "kind" only for build-time dependencies, and "source" one of crates.io, git, local, registry.
cat >"$here/dep-v0.json" <<'JSON'
{"packages":[{"name":"auditable-app","version":"0.3.1","source":"local","dependencies":[1,2,3,4,5],"root":true},{"name":"cc","version":"1.0.83","source":"crates.io","kind":"build"},{"name":"gitdep","version":"0.2.0","source":"git"},{"name":"itoa","version":"1.0.9","source":"crates.io"},{"name":"memchr","version":"2.6.4","source":"crates.io"},{"name":"smallbit","version":"0.1.0","source":"local"}]}
JSON
python3 -c 'import sys, zlib; sys.stdout.buffer.write(zlib.compress(open(sys.argv[1], "rb").read().strip(), 9))' \
  "$here/dep-v0.json" >"$work/dep-v0.zlib"
objcopy --add-section .dep-v0="$work/dep-v0.zlib" --set-section-flags .dep-v0=noload,readonly \
  target/release/auditable-app "$here/auditable-app"
rm -rf "$work"
