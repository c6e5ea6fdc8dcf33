#!/usr/bin/env bash
# Builds the web client into web/dist (npm ci only when the lockfile changed).
set -euo pipefail
cd "$(dirname "$0")/../web"
stamp=node_modules/.parlor-lock-stamp
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi
npm run build --silent
