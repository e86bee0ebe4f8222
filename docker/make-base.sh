#!/usr/bin/env bash
# Makes the Debian 12 base image docker/Dockerfile starts from, without any image
# registry: debootstrap a minimal root file system, then `docker import` it.
#   docker/make-base.sh [TAG] [MIRROR]
# Needs root, debootstrap (Debian package) and a running Docker engine. MIRROR is the
# Debian mirror to bootstrap from (debootstrap's default when not given).
set -euo pipefail
tag=${1:-virtual-mcu-lab-base:bookworm}
mirror=${2:-}
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
# mktemp's folder is 0700 and becomes the image's /: a container running as any user
# but root (`lab build --builder docker` runs as yours) could then reach no file
chmod 755 "$root"
debootstrap --variant=minbase bookworm "$root" $mirror
# the apt sources debootstrap wrote are what the Dockerfile's apt-get uses
tar -C "$root" -c . | docker import - "$tag"
docker image ls "$tag"
