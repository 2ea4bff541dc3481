#!/usr/bin/env bash
# Copies the built files of the pinned front-end packages into the static tree,
# so that running CommonBeat needs Python only. Run by `make assets`.
set -euo pipefail
cd "$(dirname "$0")/.."
npm install --no-audit --no-fund --silent
uswds=node_modules/@uswds/uswds/dist
out=src/commonbeat/core/static/vendor
rm -rf "$out" && mkdir -p "$out/uswds/css" "$out/uswds/js" "$out/uswds/img" "$out/uswds/fonts" "$out/leaflet" "$out/axe"
cp "$uswds/css/uswds.min.css" "$out/uswds/css/"
cp "$uswds/js/uswds.min.js" "$uswds/js/uswds-init.min.js" "$out/uswds/js/"
for family in merriweather roboto-mono source-sans-pro; do cp -r "$uswds/fonts/$family" "$out/uswds/fonts/"; done
# Only the images the stylesheet refers to, plus the banner flag and icons.
grep -o 'url(\.\./img/[^)]*)' "$uswds/css/uswds.min.css" | sed 's/url(\.\.\/img\///; s/)$//' | sort -u | while read -r file; do
  mkdir -p "$out/uswds/img/$(dirname "$file")"
  cp "$uswds/img/$file" "$out/uswds/img/$file"
done
cp "$uswds/img/us_flag_small.png" "$uswds/img/icon-dot-gov.svg" "$uswds/img/icon-https.svg" "$uswds/img/sprite.svg" "$out/uswds/img/"
cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css "$out/leaflet/"
cp -r node_modules/leaflet/dist/images "$out/leaflet/"
cp node_modules/axe-core/axe.min.js "$out/axe/"
for pkg in @uswds/uswds leaflet axe-core; do
  printf '%s %s\n' "$pkg" "$(node -p "require('./node_modules/$pkg/package.json').version")"
done > "$out/VERSIONS"
du -sh "$out"
