#!/usr/bin/env bash
# Builds the npm tarballs: one package per platform carrying its binary
# (workers-preflight-<os>-<cpu>, with `os` and `cpu` set so that npm
# installs only the matching one) and the launcher, workers-preflight,
# which lists them all as optionalDependencies (the esbuild/biome pattern:
# no postinstall download).
#
#   npm/pack.sh OUT_DIR PLATFORM=BINARY [PLATFORM=BINARY ...]
#
# PLATFORM is linux-x64, linux-arm64, darwin-x64, darwin-arm64 or
# win32-x64. The version is Cargo.toml's; the launcher's package.json must
# already say it (the release workflow and tests/npm.rs check this).
# Used by .github/workflows/release.yml and tests/npm.rs.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=$1
shift
mkdir -p "$out"
out=$(cd "$out" && pwd)
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$here/../Cargo.toml" | head -n1)

launcher="$here/workers-preflight/package.json"
node -e '
  const [file, version] = process.argv.slice(1);
  const pkg = require(file);
  const wrong = [pkg.version, ...Object.values(pkg.optionalDependencies)].filter((v) => v !== version);
  if (wrong.length) {
    console.error(`npm/pack.sh: ${file} says ${wrong.join(", ")}, Cargo.toml says ${version}`);
    process.exit(1);
  }
' "$launcher" "$version"

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

for pair in "$@"; do
  platform=${pair%%=*}
  binary=${pair#*=}
  os=${platform%-*}
  cpu=${platform#*-}
  case "$platform" in
    linux-x64 | linux-arm64 | darwin-x64 | darwin-arm64 | win32-x64) ;;
    *)
      echo "npm/pack.sh: unknown platform '$platform'" >&2
      exit 2
      ;;
  esac
  exe=preflight
  [[ "$os" == win32 ]] && exe=preflight.exe
  dir="$stage/$platform"
  mkdir -p "$dir/bin"
  cp "$binary" "$dir/bin/$exe"
  chmod 755 "$dir/bin/$exe"
  cp "$here/../LICENSE-MIT" "$here/../LICENSE-APACHE" "$dir/"
  cat >"$dir/package.json" <<JSON
{
  "name": "workers-preflight-$platform",
  "version": "$version",
  "description": "The $platform binary of workers-preflight",
  "license": "MIT OR Apache-2.0",
  "repository": {"type": "git", "url": "git+https://github.com/preflight-dev/preflight.git"},
  "os": ["$os"],
  "cpu": ["$cpu"],
  "files": ["bin/$exe", "LICENSE-MIT", "LICENSE-APACHE"],
  "preferUnplugged": true
}
JSON
  printf '# workers-preflight-%s\n\nThe %s binary of [workers-preflight](https://www.npmjs.com/package/workers-preflight). Install `workers-preflight` instead.\n' \
    "$platform" "$platform" >"$dir/README.md"
  (cd "$dir" && npm pack --silent --pack-destination "$out" >/dev/null)
done

cp -R "$here/workers-preflight" "$stage/launcher"
cp "$here/README.md" "$here/../LICENSE-MIT" "$here/../LICENSE-APACHE" "$stage/launcher/"
(cd "$stage/launcher" && npm pack --silent --pack-destination "$out" >/dev/null)
ls "$out"
