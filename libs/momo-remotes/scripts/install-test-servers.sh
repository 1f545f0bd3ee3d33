#!/usr/bin/env bash
# Installs the servers the remote-driver tests start on 127.0.0.1 (idempotent, cached per machine):
# - OpenSSH sshd (Debian openssh-server) for the ssh:// driver;
# - Versity Gateway (versitygw) for the s3:// driver, built from its Go module into
#   ~/.cache/momo-tools/versitygw-<version>/ (about 2.5 minutes on 2 cores the first time, then nothing).
# The HTTP test server is plain Node (libs/testing/src/servers/http.ts) and needs nothing.
set -euo pipefail

VERSITYGW_VERSION=v1.8.0
CACHE="${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/momo-tools/versitygw-${VERSITYGW_VERSION}"

if [ ! -x /usr/sbin/sshd ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq openssh-server >/dev/null
fi

if [ ! -x "$CACHE/versitygw" ]; then
  if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
    export PATH="$PATH:/usr/local/go/bin"
  fi
  if ! command -v go >/dev/null 2>&1; then
    echo "install-test-servers: Go is needed to build versitygw (the S3 test server)" >&2
    exit 1
  fi
  mkdir -p "$CACHE"
  start=$(date +%s)
  GOBIN="$CACHE" GOFLAGS=-buildvcs=false go install "github.com/versity/versitygw/cmd/versitygw@${VERSITYGW_VERSION}"
  echo "install-test-servers: built versitygw ${VERSITYGW_VERSION} in $(( $(date +%s) - start ))s"
fi
"$CACHE/versitygw" --version >/dev/null
