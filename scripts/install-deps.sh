#!/bin/bash
# install-deps.sh — install what building, running and testing nimbus needs on
# Debian 12, only what is missing (idempotent; a no-op check takes ~0.1 s).
#   Debian packages: compiler toolchain, libraries, test clients (awscli, boto3).
#   npm: the AWS SDK for JavaScript (v3, and v2 for the seed's code) for the
#        end-to-end tests, and the v3 SDK that functions find as on Lambda.
# Set NIMBUS_SKIP_DEPS=1 to skip entirely.
set -euo pipefail
[ "${NIMBUS_SKIP_DEPS:-0}" = 1 ] && exit 0
cd "$(dirname "$0")/.."

PKGS=(build-essential pkg-config clang llvm libuv1-dev liblmdb-dev libjansson-dev libssl-dev
      libseccomp-dev libarchive-dev libyaml-dev libpcre2-dev zlib1g-dev libzstd-dev node-llhttp libisal-dev
      awscli python3-boto3 python3-botocore curl zip unzip procps iproute2)
command -v node >/dev/null 2>&1 || PKGS+=(nodejs)
command -v npm >/dev/null 2>&1 || PKGS+=(npm)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  echo "install-deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm packages: tests' clients, and the SDK v3 offered to functions
npm_install() {  # DIR: install DIR/package.json's dependencies when missing or stale
  local dir=$1
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package.json" -nt "$dir/node_modules/.installed" ]; then
    echo "install-deps: npm install in $dir"
    (cd "$dir" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
    touch "$dir/node_modules/.installed"
  fi
}
npm_install tests/e2e
FN_SDK=/usr/local/lib/nimbus
if [ ! -f "$FN_SDK/node_modules/.installed" ] || [ scripts/function-sdk.json -nt "$FN_SDK/node_modules/.installed" ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO mkdir -p "$FN_SDK"
  $SUDO cp scripts/function-sdk.json "$FN_SDK/package.json"
  npm_install "$FN_SDK"
fi
