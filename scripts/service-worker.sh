#!/bin/sh
# Trunk post_build hook (see Trunk.toml): writes the service worker into the build, from
# src/app/sw.js with FILES set to every file trunk staged (hashed names included) and VERSION
# to a digest of their contents, so each build gets its own cache and the old one is dropped.
set -eu
staging="${TRUNK_STAGING_DIR:?run by trunk as a post_build hook}"
template="${TRUNK_SOURCE_DIR:-.}/src/app/sw.js"
cd "$staging"
if command -v sha256sum >/dev/null 2>&1; then sum="sha256sum"; else sum="shasum -a 256"; fi
files=$(find . -type f ! -name sw.js | sed 's|^\./||' | LC_ALL=C sort)
version=$(for f in $files; do $sum "$f"; done | $sum | cut -c1-16)
list=$(printf '%s\n' $files | sed 's/.*/"&"/' | paste -sd, -)
sed -e "s|^const VERSION = .*|const VERSION = '$version';|" \
    -e "s|^const FILES = .*|const FILES = [$list];|" "$template" > sw.js
grep -q "^const VERSION = '$version';" sw.js
echo "service worker: version $version, $(printf '%s\n' $files | wc -l | tr -d ' ') files"
