#!/usr/bin/env bash
# Copy front-end files from the npm packages in package.json into zhongshu/core/static/vendor,
# with their licences. The copies are committed: nothing is fetched when the site runs.
set -euo pipefail
cd "$(dirname "$0")/.."
npm install --no-audit --no-fund --silent
dest=zhongshu/core/static/vendor
rm -rf "$dest"
mkdir -p "$dest/bootstrap" "$dest/htmx" "$dest/bootstrap-icons/fonts"
cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map "$dest/bootstrap/"
cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map "$dest/bootstrap/"
cp node_modules/bootstrap/LICENSE "$dest/bootstrap/LICENSE"
cp node_modules/htmx.org/dist/htmx.min.js "$dest/htmx/"
cp node_modules/htmx.org/LICENSE "$dest/htmx/LICENSE"
cp node_modules/bootstrap-icons/font/bootstrap-icons.min.css "$dest/bootstrap-icons/"
cp node_modules/bootstrap-icons/font/fonts/bootstrap-icons.woff2 node_modules/bootstrap-icons/font/fonts/bootstrap-icons.woff "$dest/bootstrap-icons/fonts/"
cp node_modules/bootstrap-icons/LICENSE "$dest/bootstrap-icons/LICENSE"
node -e 'const p=require("./package.json");for(const [n] of Object.entries(p.dependencies)){const v=require("./node_modules/"+n+"/package.json").version;console.log(n+" "+v)}' > "$dest/VERSIONS"
echo "vendored into $dest:"; cat "$dest/VERSIONS"
