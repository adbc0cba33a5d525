#!/bin/bash
# Packs the root filesystems and layer trees into test images without a Docker daemon (umoci + skopeo):
#   OCI layout $TD/oci (tags debian-bookworm, debian-bullseye, vuln-app-1.0), docker-archives
#   $TD/images/*.docker.tar (docker save format) and OCI archives $TD/images/*.oci.tar.
# vuln-app-1.0 = bullseye + a real "RUN apt-get install python3-yaml python3-requests python3-jinja2 curl"
# layer + node, pyfake, java, go, ruby, rust, secrets, malware layers + a whiteout of /root/.aws.
# Needs: rootfs.sh and layers.sh run first (this script runs them; layers.sh builds only missing layers).
# An image already built is kept; vuln-app is built again when its inputs changed (this script, the bullseye
# root filesystem, the layer trees), under a scratch tag that replaces the old one only once complete.
. "$(dirname "$0")/lib.sh"


[ -f "$TD/rootfs-bookworm.tar" ] && [ -f "$TD/rootfs-bullseye.tar" ] || "$SETUP/rootfs.sh" bookworm bullseye
"$SETUP/layers.sh" || exit 1
O=$TD/oci IMG=$TD/images
VULN_LAYERS=(node pyfake java go ruby rust secrets malware)
TAGS=(debian-bookworm=rampart-test/debian:bookworm debian-bullseye=rampart-test/debian:bullseye vuln-app-1.0=rampart-test/vuln-app:1.0)

inputs_hash() { # what vuln-app is built from: paths, modes, link targets and contents of every layer file
  local n
  { sha256sum <"$SETUP/images.sh"; stat -c '%s %Y' "$TD/rootfs-bullseye.tar"
    for n in "${VULN_LAYERS[@]}"; do
      echo "layer $n"
      (cd "$TD/layers/$n" && find . -printf '%p %y %m %l\n' | LC_ALL=C sort &&
        find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
    done; } | sha256sum | cut -d' ' -f1
}
STAMP=$TD/vuln-app-1.0.inputs HASH=$(inputs_hash)
exported() { local p; for p in "${TAGS[@]}"; do [ -s "$IMG/${p%%=*}.docker.tar" ] && [ -s "$IMG/${p%%=*}.oci.tar" ] || return 1; done; }
[ -f "$O/index.json" ] && exported && [ "$(cat "$STAMP" 2>/dev/null)" = "$HASH" ] && exit 0
mkdir -p "$IMG"
[ -f "$O/index.json" ] || { rm -rf "$O"; umoci init --layout "$O"; }
has_tag() { umoci ls --layout "$O" | grep -qx "$1"; }

base_image() { # tag rootfs-tar comment
  umoci new --image "$O:$1" &&
  umoci raw add-layer --image "$O:$1" "$2" --history.created_by "debootstrap --variant=minbase $3" --history.author rampart-test &&
  umoci config --image "$O:$1" --config.cmd /bin/bash --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --config.label org.opencontainers.image.source=rampart-test --author rampart-test --no-history
}
has_tag debian-bookworm || step "oci: debian-bookworm (1 layer)" base_image debian-bookworm "$TD/rootfs-bookworm.tar" bookworm || exit 1
has_tag debian-bullseye || step "oci: debian-bullseye (1 layer)" base_image debian-bullseye "$TD/rootfs-bullseye.tar" bullseye || exit 1

# ---- vuln-app (built under a scratch tag) ----
V=$O:vuln-app-1.0.building

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
  chroot "$B/rootfs" dpkg-query -W -f '${Package}\t${Version}\t${source:Package}\t${source:Version}\t${Architecture}\n' >"$TD/vuln-app-1.0.dpkg-query.tsv.new"
  umoci repack --image "$V" --history.created_by "/bin/sh -c apt-get install -y $*" "$B" && rm -rf "$B"
}

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
  add_tree ruby "COPY app/ruby /app/ruby  # Gemfile.lock; gem specifications in /usr/local/lib/ruby/gems/3.1.0" &&
  add_tree rust "COPY app/rust /app/rust  # Cargo.lock" &&
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

REBUILT=()
if [ "$(cat "$STAMP" 2>/dev/null)" != "$HASH" ] || ! has_tag vuln-app-1.0; then
  rm -f "$STAMP"
  if has_tag vuln-app-1.0.building; then umoci rm --image "$V"; fi
  umoci new --image "$V" &&
  umoci raw add-layer --image "$V" "$TD/rootfs-bullseye.tar" --history.created_by "debootstrap --variant=minbase bullseye" &&
  step "oci: vuln-app RUN apt-get install layer" run_layer python3-yaml python3-requests python3-jinja2 curl ca-certificates &&
  step "oci: vuln-app add 9 layers + config" add_layers &&
  # the finished image takes the tag: readers of the layout never see a half-built vuln-app
  umoci tag --image "$V" vuln-app-1.0 && umoci rm --image "$V" &&
  mv "$TD/vuln-app-1.0.dpkg-query.tsv.new" "$TD/vuln-app-1.0.dpkg-query.tsv" ||
  { echo "setup: building vuln-app-1.0 failed" >&2; exit 1; }
  REBUILT+=(vuln-app-1.0)
fi
umoci gc --layout "$O"

# ---- export: docker-archive (docker save format) + oci-archive, each written aside and moved into place ----
export_all() {
  local pair tag ref
  for pair in "${TAGS[@]}"; do
    tag=${pair%%=*} ref=${pair#*=}
    if [[ " ${REBUILT[*]} " != *" $tag "* ]] && [ -s "$IMG/$tag.docker.tar" ] && [ -s "$IMG/$tag.oci.tar" ]; then continue; fi
    rm -f "$IMG/.$tag.docker.tar" "$IMG/.$tag.oci.tar"
    skopeo copy -q "oci:$O:$tag" "docker-archive:$IMG/.$tag.docker.tar:$ref" || return 1
    skopeo copy -q "oci:$O:$tag" "oci-archive:$IMG/.$tag.oci.tar:$tag" || return 1
    mv -f "$IMG/.$tag.docker.tar" "$IMG/$tag.docker.tar" && mv -f "$IMG/.$tag.oci.tar" "$IMG/$tag.oci.tar" || return 1
  done
}
step "skopeo export docker-archive + oci-archive" export_all || exit 1
echo "$HASH" >"$STAMP"
umoci ls --layout "$O"
skopeo inspect "docker-archive:$IMG/vuln-app-1.0.docker.tar" | python3 -c 'import json,sys; d=json.load(sys.stdin); print("vuln-app layers:", len(d["Layers"]), d["Architecture"], d["Os"])'
du -sh "$O" "$IMG"/* | tee "$TD/images-summary.txt"
