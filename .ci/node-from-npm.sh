#!/usr/bin/env bash
# Prints the folder of an official Node build of the given major version (bin/node and include/node, the headers
# node-gyp needs), taken from the npm registry's platform package (node-<platform>-<arch>, published by the Node
# project for the `node` package) and cached under ~/.cache/trailgraph. Usage: .ci/node-from-npm.sh 24
set -euo pipefail
major="$1"
platform="$(node -p 'process.platform + "-" + process.arch')"
dir="${XDG_CACHE_HOME:-$HOME/.cache}/trailgraph/node-${major}-${platform}"
if [ ! -x "$dir/bin/node" ]; then
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack "node-${platform}@${major}" --silent >/dev/null)
  mkdir -p "$dir"
  tar xzf "$tmp"/node-"${platform}"-*.tgz -C "$dir" --strip-components=1
  rm -rf "$tmp"
fi
echo "$dir"
