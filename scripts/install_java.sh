#!/usr/bin/env bash
# Installs Debian's OpenJDK (headless) for Spark (`boernedata build --target spark`, make test-engines).
set -euo pipefail
if command -v java >/dev/null 2>&1; then exit 0; fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends default-jre-headless >/dev/null
java -version
