#!/bin/bash
# Packs the root filesystems and layer trees into test images without a Docker daemon (umoci + skopeo):
#   OCI layout $TD/oci (tags debian-bookworm, debian-bullseye, vuln-app-1.0), docker-archives
#   $TD/images/*.docker.tar (docker save format) and OCI archives $TD/images/*.oci.tar.
# vuln-app-1.0 = bullseye + a real "RUN apt-get install python3-yaml python3-requests python3-jinja2 curl"
# layer + node, pyfake, java, go, secrets, malware layers + a whiteout of /root/.aws.
# Needs: rootfs.sh and make-layers.sh run first (this script runs them if their outputs are missing).
. "$(dirname "$0")/lib.sh"


[ -f "$TD/rootfs-bookworm.tar" ] && [ -f "$TD/rootfs-bullseye.tar" ] || "$SETUP/rootfs.sh" bookworm bullseye
[ -d "$TD/layers/node" ] || "$SETUP/layers.sh"
O=$TD/oci IMG=$TD/images
[ -f "$IMG/vuln-app-1.0.oci.tar" ] && [ -d "$O" ] && exit 0
rm -rf "$O" "$TD/bundle"; mkdir -p "$IMG"
umoci init --layout "$O"

base_image() { # tag rootfs-tar comment
  umoci new --image "$O:$1" &&
  umoci raw add-layer --image "$O:$1" "$2" --history.created_by "debootstrap --variant=minbase $3" --history.author rampart-test &&
  umoci config --image "$O:$1" --config.cmd /bin/bash --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --config.label org.opencontainers.image.source=rampart-test --author rampart-test --no-history
}
step "oci: debian-bookworm (1 layer)" base_image debian-bookworm "$TD/rootfs-bookworm.tar" bookworm
step "oci: debian-bullseye (1 layer)" base_image debian-bullseye "$TD/rootfs-bullseye.tar" bullseye

# ---- vuln-app ----
V=$O:vuln-app-1.0
umoci new --image "$V"
umoci raw add-layer --image "$V" "$TD/rootfs-bullseye.tar" --history.created_by "debootstrap --variant=minbase bullseye"

run_layer() { # like a Dockerfile RUN: unpack, chroot, repack (umoci computes the diff layer)
  local B=$TD/bundle; rm -rf "$B"
  umoci unpack --image "$V" "$B" >/dev/null || return 1
  cp /etc/resolv.conf "$B/rootfs/etc/resolv.conf"
  mount -t proc proc "$B/rootfs/proc"
  printf '#!/bin/sh\nexit 101\n' >"$B/rootfs/usr/sbin/policy-rc.d"; chmod +x "$B/rootfs/usr/sbin/policy-rc.d"
  chroot "$B/rootfs" /bin/sh -c "export DEBIAN_FRONTEND=noninteractive; apt-get update -q && apt-get install -y -q --no-install-recommends $* && apt-get clean && rm -rf /var/lib/apt/lists/*" >"$TD/run-layer.log" 2>&1
  local rc=$?
  umount "$B/rootfs/proc"; rm -f "$B/rootfs/usr/sbin/policy-rc.d"
  [ $rc = 0 ] || { tail "$TD/run-layer.log"; return $rc; }
  # what dpkg itself says the finished image holds: the reference the SBOM tests compare against
  chroot "$B/rootfs" dpkg-query -W -f '${Package}\t${Version}\t${source:Package}\t${source:Version}\t${Architecture}\n' >"$TD/vuln-app-1.0.dpkg-query.tsv"
  umoci repack --image "$V" --history.created_by "/bin/sh -c apt-get install -y $*" "$B" && rm -rf "$B"
}
step "oci: vuln-app RUN apt-get install layer" run_layer python3-yaml python3-requests python3-jinja2 curl ca-certificates

add_tree() { # name created_by
  local t=$TD/layer-$1.tar
  tar --numeric-owner --owner=0 --group=0 -C "$TD/layers/$1" -cf "$t" . &&
  umoci raw add-layer --image "$V" "$t" --history.created_by "$2" && rm -f "$t"
}
add_layers() {
  add_tree node "COPY app/node /app/node  # npm install lodash@4.17.15 minimist@1.2.0 express@4.16.0 jquery@3.4.0 handlebars@4.0.11" &&
  add_tree pyfake "COPY site-packages /usr/local/lib/python3.9/site-packages  # fake dist-info" &&
  add_tree java "COPY app/java /app/java" &&
  add_tree go "COPY rampart-goapp direnv /usr/local/bin/" &&
  add_tree secrets "COPY secrets /" &&
  add_tree malware "COPY uploads /app/uploads" &&
  umoci insert --image "$V" --history.created_by "RUN rm -rf /root/.aws" --whiteout /root/.aws &&
  umoci config --image "$V" --config.entrypoint /usr/local/bin/rampart-goapp --config.cmd serve --config.workingdir /app \
    --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --config.env "DB_PASSWORD=Sup3rS3cretPassw0rd" --config.env "AWS_ACCESS_KEY_ID=AKIA""IOSFODNN7EXAMPLE" \
    --config.exposedports 8089/tcp --config.exposedports 3000/tcp \
    --config.label org.opencontainers.image.title=rampart-vuln-app --config.label org.opencontainers.image.version=1.0 \
    --author rampart-test --history.created_by 'ENTRYPOINT ["/usr/local/bin/rampart-goapp"] CMD ["serve"]'
}
step "oci: vuln-app add 7 layers + config" add_layers
umoci gc --layout "$O"

# ---- export: docker-archive (docker save format) + oci-archive ----
export_all() {
  local pair tag ref
  for pair in debian-bookworm=rampart-test/debian:bookworm debian-bullseye=rampart-test/debian:bullseye vuln-app-1.0=rampart-test/vuln-app:1.0; do
    tag=${pair%%=*} ref=${pair#*=}
    rm -f "$IMG/$tag.docker.tar" "$IMG/$tag.oci.tar"
    skopeo copy -q "oci:$O:$tag" "docker-archive:$IMG/$tag.docker.tar:$ref" || return 1
    skopeo copy -q "oci:$O:$tag" "oci-archive:$IMG/$tag.oci.tar:$tag" || return 1
  done
}
step "skopeo export docker-archive + oci-archive" export_all
umoci ls --layout "$O"
skopeo inspect "docker-archive:$IMG/vuln-app-1.0.docker.tar" | python3 -c 'import json,sys; d=json.load(sys.stdin); print("vuln-app layers:", len(d["Layers"]), d["Architecture"], d["Os"])'
du -sh "$O" "$IMG"/* | tee "$TD/images-summary.txt"
