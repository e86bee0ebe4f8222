#!/usr/bin/env bash
# Sets up everything the lab needs on a fresh Debian/Ubuntu machine, and is fast when
# nothing changed: Debian packages (installed when run as root, otherwise the exact
# apt-get line is printed), the .venv with pinned Python packages, the pinned npm viewers
# (tools/viewers), the native helper.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(
  make gcc python3-venv                                   # host build, Python venv
  gcc-arm-none-eabi libnewlib-arm-none-eabi               # firmware toolchain
  libstdc++-arm-none-eabi-newlib
  qemu-system-arm                                         # the QEMU engine, benchmarks
  clang                                                   # libFuzzer for the runtime fuzzer
  espeak-ng flite festival festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts sox
  chromium                                                # report.html checked headless
  openssl                                                 # lab serve's certificate for a room
  gdb-multiarch                                           # a GDB client for `lab run --gdb`
)

missing_packages() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$package")
  done
  echo "${missing[@]:-}"
}

install_packages() {
  local missing
  missing=$(missing_packages "$@")
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" -eq 0 ]; then
    echo "setup: installing Debian packages: $missing"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
  else
    echo "setup: missing Debian packages. Run this, then run make again:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends $missing" >&2
    exit 1
  fi
}

install_packages "${DEBIAN_PACKAGES[@]}"
# libFuzzer's runtime comes with the clang version Debian installed
clang_major=$(clang --version | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -1)
install_packages "libclang-rt-${clang_major}-dev"

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PYTHON" -m venv .venv
fi

# Reinstall the Python packages only when their pins changed.
stamp=.venv/.lab-packages
wanted=$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  echo "setup: installing Python packages (pinned by constraints.txt)"
  .venv/bin/python -m pip install -q --upgrade "pip==25.3"
  .venv/bin/python -m pip install -q -c constraints.txt -e '.[ml,test,workshop,cluster,tools]'
  echo "$wanted" > "$stamp"
fi

# The viewers the trace tests load the lab's files into (speedscope's release build),
# pinned by tools/viewers/package-lock.json; nothing is fetched while the tests run.
command -v npm >/dev/null || install_packages nodejs npm
viewers=tools/viewers
stamp=$viewers/node_modules/.lab-packages
wanted=$(sha256sum "$viewers/package-lock.json" | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  echo "setup: installing the trace viewers (npm ci in $viewers)"
  (cd "$viewers" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  echo "$wanted" > "$stamp"
fi

# The embedded engine's native helper, compiled against the unicorn wheel's headers.
.venv/bin/python -c "from lab.engines.embedded import native; native.build()"
echo "setup: ready"
