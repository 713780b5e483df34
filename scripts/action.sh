#!/usr/bin/env bash
# The logic of the preflight GitHub Action (action.yml), kept out of the
# YAML so that tests/action.rs can run it in a simulated GitHub environment.
#
#   action.sh cache-key   writes `key=...` (a hash of the action's sources)
#                         to $GITHUB_OUTPUT, for caching the built binary
#   action.sh run         scans the checkout: annotations on stdout, SARIF
#                         if asked, the Markdown report and checklist in
#                         $GITHUB_STEP_SUMMARY, outputs in $GITHUB_OUTPUT;
#                         exits 1 when findings reach `fail-on`
#
# Inputs arrive as environment variables (INPUT_PATH, INPUT_CONFIG,
# INPUT_FAIL_ON, INPUT_SARIF_FILE, INPUT_ARGS), never spliced into the
# script text, so an input cannot inject shell code. PREFLIGHT_BIN names
# the binary (default: `preflight` on PATH).
set -euo pipefail

cache_key() {
  local root="${GITHUB_ACTION_PATH:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
  local hash
  hash=$(
    cd "$root" &&
      find Cargo.toml Cargo.lock src rules -type f -print0 |
      LC_ALL=C sort -z |
      xargs -0 sha256sum |
      sha256sum |
      cut -c1-20
  )
  echo "key=preflight-${RUNNER_OS:-local}-${RUNNER_ARCH:-any}-${hash}" >>"${GITHUB_OUTPUT:-/dev/stdout}"
}

# Runs preflight; exit 2 (usage, config or internal error) stops the action.
# The error goes to fd 3, the step's real stdout, even from inside $(...).
pf() {
  local status=0
  "$PREFLIGHT_BIN" "$@" || status=$?
  if [[ $status -ge 2 ]]; then
    echo "::error title=preflight::preflight $1 failed (exit $status); see the log above" >&3
    exit "$status"
  fi
  return "$status"
}

run() {
  exec 3>&1
  PREFLIGHT_BIN="${PREFLIGHT_BIN:-preflight}"
  local path="${INPUT_PATH:-.}"
  local fail_on="${INPUT_FAIL_ON:-warning}"
  local sarif="${INPUT_SARIF_FILE:-}"
  case "$fail_on" in
    error | warning | info | never) ;;
    *)
      echo "::error title=preflight::fail-on must be error, warning, info or never, not '${fail_on}'"
      exit 2
      ;;
  esac
  cd "${GITHUB_WORKSPACE:-.}"

  local -a config=()
  if [[ -n "${INPUT_CONFIG:-}" ]]; then
    config=(--config "$INPUT_CONFIG")
  fi
  local -a extra=()
  if [[ -n "${INPUT_ARGS:-}" ]]; then
    read -r -a extra <<<"$INPUT_ARGS"
  fi
  # Paths relative to the workspace, as annotations and code scanning
  # expect, even when `path` is a subdirectory.
  local -a check=(check "$path" --relative-to . ${config[@]+"${config[@]}"} ${extra[@]+"${extra[@]}"})

  local annotations status=0
  annotations=$(pf "${check[@]}" --format github --fail-on "$fail_on") || status=$?
  if [[ $status -ge 2 ]]; then
    exit "$status"
  fi
  if [[ -n "$annotations" ]]; then
    printf '%s\n' "$annotations"
  fi

  if [[ -n "$sarif" ]]; then
    mkdir -p "$(dirname "$sarif")"
    pf "${check[@]}" --format sarif --output "$sarif" --fail-on never
  fi

  if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
    {
      pf "${check[@]}" --format markdown --fail-on never
      echo
      # Exit 1 only says that an item fails: the report above shows why.
      pf checklist "$path" ${config[@]+"${config[@]}"} --format markdown || true
    } >>"$GITHUB_STEP_SUMMARY"
  fi

  local errors warnings notices
  errors=$(grep -c '^::error ' <<<"$annotations" || true)
  warnings=$(grep -c '^::warning ' <<<"$annotations" || true)
  notices=$(grep -c '^::notice ' <<<"$annotations" || true)
  {
    echo "exit-code=$status"
    echo "errors=$errors"
    echo "warnings=$warnings"
    echo "notices=$notices"
    echo "sarif-file=$sarif"
  } >>"${GITHUB_OUTPUT:-/dev/null}"
  echo "preflight: $errors error(s), $warnings warning(s), $notices notice(s); fail-on $fail_on"
  exit "$status"
}

case "${1:-}" in
  cache-key) cache_key ;;
  run) run ;;
  *)
    echo "usage: $0 cache-key|run" >&2
    exit 2
    ;;
esac
