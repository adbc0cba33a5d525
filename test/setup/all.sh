#!/bin/bash
# Everything the test suite needs that is too big for the repo, built from Debian's packages and the npm
# registry only, into $RAMPART_TESTDATA (default /tmp/rampart-testdata). Idempotent: finished steps are kept.
set -e
cd "$(dirname "$0")"
. ./lib.sh
step "install Debian packages" bash ./install.sh
step "root filesystems (debootstrap)" bash ./rootfs.sh bookworm bullseye
step "language layers" bash ./layers.sh
step "images (umoci + skopeo)" bash ./images.sh
step "registries (docker-registry on loopback)" bash ./registry.sh push
step "SCAP Security Guide, Debian 12 (trixie)" bash ./oscap.sh
echo "setup: test data ready in $RAMPART_TESTDATA" >&2
