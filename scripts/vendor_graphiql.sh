#!/usr/bin/env bash
# Refresh the GraphiQL assets the app serves offline (schema/static/graphiql/) from npm packages at
# pinned versions. Run it by hand when upgrading; the vendored files and their licences are
# committed, so nothing is fetched at run time or at install time. Needs npm and network access.
set -euo pipefail
cd "$(dirname "$0")/.."
out=schema/static/graphiql

# The pinned versions (the ones strawberry-graphql's own GraphiQL page loads from a CDN).
GRAPHIQL=3.8.3
REACT=18.2.0
EXPLORER=1.0.2

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "graphiql@$GRAPHIQL" "react@$REACT" "react-dom@$REACT" \
  "@graphiql/plugin-explorer@$EXPLORER" >/dev/null)
for tgz in "$work"/*.tgz; do
  name=$(basename "$tgz" .tgz)
  mkdir -p "$work/$name" && tar xzf "$tgz" -C "$work/$name"
done

cp "$work/react-$REACT/package/umd/react.production.min.js" "$out/react.production.min.js"
cp "$work/react-dom-$REACT/package/umd/react-dom.production.min.js" "$out/react-dom.production.min.js"
cp "$work/graphiql-$GRAPHIQL/package/graphiql.min.js" "$out/graphiql.min.js"
cp "$work/graphiql-$GRAPHIQL/package/graphiql.min.css" "$out/graphiql.min.css"
cp "$work/graphiql-plugin-explorer-$EXPLORER/package/dist/index.umd.js" "$out/plugin-explorer.umd.js"
cp "$work/graphiql-plugin-explorer-$EXPLORER/package/dist/style.css" "$out/plugin-explorer.css"
# Source maps point at files we do not ship: drop the trailing references.
sed -i '/^\/[\/*]# sourceMappingURL=/d' "$out"/*.js "$out"/*.css

cp "$work/react-$REACT/package/LICENSE" "$out/LICENSE.react"
cp "$work/react-dom-$REACT/package/LICENSE" "$out/LICENSE.react-dom"
cp "$work/graphiql-$GRAPHIQL/package/LICENSE" "$out/LICENSE.graphiql"
# @graphiql/plugin-explorer ships no LICENSE file; its package.json says MIT and it is published
# from the graphiql repository, whose LICENSE is the one above.
license=$(node -p "require('$work/graphiql-plugin-explorer-$EXPLORER/package/package.json').license")
{ echo "@graphiql/plugin-explorer $EXPLORER: \"license\": \"$license\" (package.json); published from"
  echo "https://github.com/graphql/graphiql, whose licence follows."
  echo
  cat "$work/graphiql-$GRAPHIQL/package/LICENSE"; } > "$out/LICENSE.plugin-explorer"

cat > "$out/VERSIONS" <<VERSIONS
graphiql $GRAPHIQL
react $REACT
react-dom $REACT
@graphiql/plugin-explorer $EXPLORER
VERSIONS
(cd "$out" && sha256sum ./*.js ./*.css > SHA256SUMS)
echo "vendored into $out:"; cat "$out/VERSIONS"
