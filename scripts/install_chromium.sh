#!/usr/bin/env bash
# Installs Debian's Chromium (and poppler-utils for PDF checks) for the browser tests, and jemalloc, which
# the data packages' typesetting workers preload when it is there (boernedata/datapakke/pdf.py).
set -euo pipefail
if command -v chromium >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 \
    && ls /usr/lib/*/libjemalloc.so.2 >/dev/null 2>&1; then exit 0; fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium poppler-utils fonts-dejavu-core libjemalloc2 >/dev/null
chromium --version
