#!/usr/bin/env bash
# Rebuilds the Go binaries the golang cataloger tests read (bin/fixture-<arch>). Needs a Go ≥ 1.18 toolchain and
# no network: the dependencies are tiny stand-in modules vendored under src/vendor, including a module replaced
# by another (=> example.com/newname) and one replaced by a directory (=> ./localmod).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/src"
export GOFLAGS=-mod=vendor GOPROXY=off GOTOOLCHAIN=local CGO_ENABLED=0 GOOS=linux
mkdir -p "$here/bin"
# amd64: 64-bit little endian; 386: 32-bit little endian; mips: 32-bit big endian.
for arch in amd64 386 mips; do
  GOARCH=$arch go build -buildvcs=false -trimpath -ldflags="-s -w" -o "$here/bin/fixture-$arch" .
done
# What the toolchain itself reads from them, for reference.
(cd "$here/bin" && go version -m fixture-amd64 >fixture-amd64.version-m.txt)
