#!/usr/bin/env bash
# The logic of the preflight GitHub Action (action.yml), kept out of the
# YAML so that tests/action.rs can run it in a simulated GitHub environment.
#
#   action.sh download    downloads the release binary of the action's own
#                         version (a `vX.Y.Z` ref, the `version` input, or
#                         a commit whose source the release was built from)
#                         and verifies its SHA-256; writes `bin=...` (empty
#                         when there is no release to use) and `key=...` (a
#                         cache key for a source build) to $GITHUB_OUTPUT
#   action.sh build       builds the binary from the action's own directory
#                         with the pinned toolchain (nothing of the workspace
#                         and no inherited Rust/C build variable is used)
#   action.sh cache-key   writes only `key=...`
#   action.sh source-hash prints the hash of the binary's sources (the
#                         release workflow publishes it as SOURCE_HASH)
#   action.sh run         scans the checkout: annotations on stdout, SARIF
#                         if asked, the Markdown report and checklist in
#                         $GITHUB_STEP_SUMMARY, outputs in $GITHUB_OUTPUT;
#                         with `verify`, also `preflight verify` (never on
#                         pull requests) into the summary; exits 1 when
#                         findings reach `fail-on` or verify fails
#
# Trust model: on pull_request events the checkout is the author's. So the
# binary never comes from it (no cargo run there: rustup would obey the
# PR's rust-toolchain.toml), and the configuration and baseline come from
# the base branch; what the PR adds that weakens the gate (preflight.toml
# changes, `preflight: ignore[...]` comments, baseline entries, .gitignore
# lines) is listed in the job summary and as warning annotations.
#
# Inputs arrive as environment variables (INPUT_PATH, INPUT_CONFIG,
# INPUT_CONFIG_FROM, INPUT_FAIL_ON, INPUT_SARIF_FILE, INPUT_UPLOAD_SARIF,
# INPUT_ARGS, INPUT_VERIFY, INPUT_VERIFY_ENV,
# INPUT_VERSION), never spliced into the script text, so an input cannot
# inject shell code. PREFLIGHT_BIN names the binary (default: `preflight`
# on PATH).
set -euo pipefail

# Workflow commands go to fd 3, the step's real stdout, even from inside
# $(...).
exec 3>&1

# The toolchain a source build uses, whatever the workspace pins.
readonly PINNED_TOOLCHAIN="1.95.0"

action_root() {
  printf '%s' "${GITHUB_ACTION_PATH:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
}

install_root() {
  printf '%s' "${PREFLIGHT_INSTALL_ROOT:-$HOME/.preflight-action}"
}

die() {
  echo "::error title=preflight::$*" >&3
  exit 2
}

# A hash of everything the binary is built from. The release workflow
# publishes it as SOURCE_HASH, so that an action pinned to a commit can
# tell whether a release was built from the same source.
source_hash() {
  cd "$(action_root)" &&
    find Cargo.toml Cargo.lock src rules -type f -print0 |
    LC_ALL=C sort -z |
      xargs -0 sha256sum |
      sha256sum |
      cut -d' ' -f1
}

cache_key() {
  local hash
  hash=$(source_hash | cut -c1-20)
  echo "key=preflight-${RUNNER_OS:-local}-${RUNNER_ARCH:-any}-${PINNED_TOOLCHAIN}-${hash}" >>"${GITHUB_OUTPUT:-/dev/stdout}"
}

# The release asset name for this runner, or nothing.
release_target() {
  case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
    Linux/X64) echo x86_64-unknown-linux-musl ;;
    Linux/ARM64) echo aarch64-unknown-linux-musl ;;
    macOS/X64) echo x86_64-apple-darwin ;;
    macOS/ARM64) echo aarch64-apple-darwin ;;
    Windows/X64) echo x86_64-pc-windows-msvc ;;
  esac
}

# The version to download: the `version` input, else the action's own ref
# when it is a release tag, else (a branch or commit) the version in the
# action's Cargo.toml, used only if that release's SOURCE_HASH matches.
# Nothing means "build from source".
release_version() {
  local wanted="${INPUT_VERSION:-}" ref="${ACTION_REF:-${GITHUB_ACTION_REF:-}}"
  if [[ "$wanted" == source ]]; then
    return
  fi
  if [[ -z "$wanted" && "$ref" =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
    wanted="$ref"
  fi
  if [[ -z "$wanted" ]]; then
    wanted=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$(action_root)/Cargo.toml" | head -n1)
  fi
  wanted="${wanted#v}"
  if [[ -n "$wanted" && ! "$wanted" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.]+)?$ ]]; then
    die "version must be X.Y.Z (or \`source\`), not '${INPUT_VERSION:-}'"
  fi
  printf '%s' "$wanted"
}

# Whether the release must prove it was built from this action's source.
must_match_source() {
  local ref="${ACTION_REF:-${GITHUB_ACTION_REF:-}}"
  [[ -z "${INPUT_VERSION:-}" && ! "$ref" =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]]
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  else
    shasum -a 256 "$1" | cut -d' ' -f1
  fi
}

# Fetches one release asset; a missing release is status 1, not an error.
fetch() {
  local url="$1" to="$2"
  local -a proto=(--proto '=https')
  # Tests serve releases from file:// URLs.
  if [[ -n "${PREFLIGHT_RELEASES_URL:-}" ]]; then
    proto=()
  fi
  curl --fail --silent --show-error --location --retry 3 ${proto[@]+"${proto[@]}"} \
    --output "$to" "$url"
}

download() {
  cache_key
  local version target repo base tmp archive bin sums expected actual exe=""
  version=$(release_version)
  target=$(release_target)
  repo="${ACTION_REPOSITORY:-${GITHUB_ACTION_REPOSITORY:-}}"
  if [[ -z "$version" || -z "$target" ]]; then
    echo "preflight: no release binary for ${RUNNER_OS:-?}/${RUNNER_ARCH:-?}; building from source"
    echo "bin=" >>"${GITHUB_OUTPUT:-/dev/null}"
    return
  fi
  if [[ -z "${PREFLIGHT_RELEASES_URL:-}" && ! "$repo" =~ ^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$ ]]; then
    die "cannot tell which repository the action comes from ('$repo')"
  fi
  base="${PREFLIGHT_RELEASES_URL:-https://github.com/$repo/releases/download}/v$version"
  archive="preflight-$target.tar.gz"
  tmp=$(mktemp -d)
  if ! fetch "$base/$archive" "$tmp/$archive" || ! fetch "$base/SHA256SUMS" "$tmp/SHA256SUMS"; then
    if [[ -n "${INPUT_VERSION:-}" ]]; then
      die "no release v$version of preflight for $target at $base (set \`version: source\` to build from source)"
    fi
    echo "::notice title=preflight::no release v$version for $target yet; building from source"
    echo "bin=" >>"${GITHUB_OUTPUT:-/dev/null}"
    return
  fi
  if must_match_source; then
    local theirs="" ours
    ours=$(source_hash)
    if fetch "$base/SOURCE_HASH" "$tmp/SOURCE_HASH"; then
      theirs=$(tr -d ' \n\r' <"$tmp/SOURCE_HASH")
    fi
    if [[ "$theirs" != "$ours" ]]; then
      echo "preflight: release v$version was not built from this commit of the action; building from source"
      echo "bin=" >>"${GITHUB_OUTPUT:-/dev/null}"
      rm -rf "$tmp"
      return
    fi
  fi
  expected=$(awk -v name="$archive" '$2 == name || $2 == "*" name { print $1 }' "$tmp/SHA256SUMS")
  actual=$(sha256_of "$tmp/$archive")
  if [[ -z "$expected" || "$expected" != "$actual" ]]; then
    die "checksum mismatch for $archive (SHA256SUMS: '${expected:-none}', downloaded: $actual); not running it"
  fi
  if [[ "$target" == *windows* ]]; then
    exe=".exe"
  fi
  bin="$(install_root)/release-$version/preflight$exe"
  mkdir -p "$(dirname "$bin")"
  tar -xzf "$tmp/$archive" -C "$(dirname "$bin")" "preflight$exe"
  rm -rf "$tmp"
  if [[ "$("$bin" --version)" != "preflight $version" ]]; then
    die "$archive does not hold preflight $version (it says: $("$bin" --version))"
  fi
  echo "preflight: using release v$version ($target, sha256 $actual)"
  echo "bin=$bin" >>"${GITHUB_OUTPUT:-/dev/null}"
}

# Builds from the action's own directory. rustup picks the toolchain from
# the current directory's rust-toolchain.toml, so cargo runs in the action
# directory with RUSTUP_TOOLCHAIN pinned; CARGO_HOME is private (cargo
# install reads only $CARGO_HOME/config.toml); and every variable that
# steers cargo, rustc, rustup or the C compiler (RUSTC_WRAPPER, RUSTFLAGS,
# CARGO_BUILD_*, CC, ...), which an earlier step may have put in
# $GITHUB_ENV, is dropped. On Linux and macOS PATH is reset too.
build() {
  local root dest cargo_bin rustup_home name
  root=$(action_root)
  dest=$(install_root)
  cargo_bin="$HOME/.cargo/bin"
  if [[ ! -x "$cargo_bin/rustup" && ! -x "$cargo_bin/rustup.exe" ]]; then
    cargo_bin=$(dirname "$(command -v rustup || die "rustup is needed to build preflight from source")")
  fi
  rustup_home="$HOME/.rustup"
  if [[ ! -d "$rustup_home" ]]; then
    rustup_home="${RUSTUP_HOME:-$rustup_home}"
  fi
  while IFS= read -r name; do
    if [[ "$name" =~ ^(CARGO|RUSTC|RUSTUP|RUSTFLAGS|RUSTDOCFLAGS|CC|CXX|AR|CFLAGS|CXXFLAGS|CPPFLAGS|LDFLAGS|TARGET_|HOST_|CRATE_CC|LD_|DYLD_) ]]; then
      unset "$name"
    fi
  done < <(compgen -e)
  if [[ "${RUNNER_OS:-}" != Windows ]]; then
    PATH="/usr/local/bin:/usr/bin:/bin"
  fi
  export PATH="$cargo_bin:$PATH"
  export RUSTUP_HOME="$rustup_home" RUSTUP_TOOLCHAIN="$PINNED_TOOLCHAIN" CARGO_HOME="$dest/cargo-home"
  mkdir -p "$CARGO_HOME"
  cd "$root"
  rustup toolchain install "$PINNED_TOOLCHAIN" --profile minimal --no-self-update
  cargo install --locked --path . --root "$dest"
}

# Runs preflight; exit 2 (usage, config or internal error) stops the action.
pf() {
  local status=0
  "$PREFLIGHT_BIN" "$@" || status=$?
  if [[ $status -ge 2 ]]; then
    echo "::error title=preflight::preflight $1 failed (exit $status); see the log above" >&3
    exit "$status"
  fi
  return "$status"
}

is_pull_request() {
  [[ "${GITHUB_EVENT_NAME:-}" == pull_request || "${GITHUB_EVENT_NAME:-}" == pull_request_target ]]
}

git_ws() {
  git -c core.quotePath=false "$@"
}

# Fetches the base branch of the pull request; prints the ref to read.
fetch_base() {
  local ref="${GITHUB_BASE_REF:-}"
  if [[ -z "$ref" ]] || ! git check-ref-format --branch "$ref" >/dev/null 2>&1; then
    die "a pull_request event without a valid base branch (GITHUB_BASE_REF='$ref')"
  fi
  if git_ws fetch --quiet --no-tags --depth=1 origin "+refs/heads/$ref:refs/remotes/preflight-base/$ref" >&2; then
    printf '%s' "refs/remotes/preflight-base/$ref"
  elif git_ws rev-parse --verify --quiet "refs/remotes/origin/$ref^{commit}" >/dev/null; then
    # No credentials to fetch with (persist-credentials: false on a
    # private repository), but `fetch-depth: 0` brought the branch.
    printf '%s' "refs/remotes/origin/$ref"
  else
    die "cannot fetch the base branch '$ref' to read its preflight.toml; check out with \`fetch-depth: 0\` or with credentials, or set \`config-from: workspace\`"
  fi
}

# `git show REV:PATH` into FILE; status 1 when the path is not there.
show_at() {
  git_ws cat-file -e "$1:$2" 2>/dev/null || return 1
  git_ws show "$1:$2" >"$3"
}

# Normalizes a workspace-relative path (`./a//b/` -> `a/b`).
normalize() {
  local p="$1"
  p="${p#./}"
  while [[ "$p" == *//* ]]; do p="${p//\/\//\/}"; done
  p="${p%/}"
  [[ "$p" == . ]] && p=""
  printf '%s' "$p"
}

# A Markdown code fence longer than any backtick run in the file.
fence_for() {
  local longest
  longest=$(grep -o '`*' "$1" | awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }')
  printf '%*s' $((longest < 3 ? 3 : longest + 1)) '' | tr ' ' '`'
}

# Escapes text for a workflow command (the runner's rules, as in
# src/report/github.rs).
escape_data() {
  local s="$1"
  s="${s//%/%25}"
  s="${s//$'\r'/%0D}"
  s="${s//$'\n'/%0A}"
  printf '%s' "$s"
}

escape_property() {
  local s
  s=$(escape_data "$1")
  s="${s//:/%3A}"
  s="${s//,/%2C}"
  printf '%s' "$s"
}

# Lists what the pull request adds that can hide findings, as warning
# annotations and a Markdown section in $1. Scanned paths only.
pr_additions() {
  local base="$1" scope="$2" config_path="$3" baseline_path="$4"
  local -a spec=()
  [[ -n "$scope" ]] && spec=(-- "$scope")
  local diff
  diff=$(mktemp)
  git_ws diff --no-color --no-ext-diff --no-textconv -U0 "$base" HEAD ${spec[@]+"${spec[@]}"} >"$diff"

  # Added lines: file<TAB>line<TAB>text, from the zero-context diff.
  local added
  added=$(mktemp)
  # Header lines count only between `diff --git` and the first hunk, so
  # an added line that reads `++ ...` is content, not a file name.
  awk '
    /^diff --git / { header = 1; next }
    header && /^\+\+\+ / { file = substr($0, 5); sub(/^b\//, "", file); next }
    header && !/^@@ / { next }
    /^@@ / { header = 0; split($3, a, ","); line = substr(a[1], 2) + 0; next }
    /^\+/ { print file "\t" line "\t" substr($0, 2); line++ }
  ' "$diff" >"$added"

  local suppressions ignores
  suppressions=$(grep -E $'^[^\t]*\t[0-9]+\t.*preflight:[[:space:]]*ignore\\[' "$added" || true)
  ignores=$(grep -E $'^([^\t]*/)?\\.gitignore\t' "$added" | grep -vE $'\t[[:space:]]*(#.*)?$' || true)

  local config_changed=""
  if [[ -n "$config_path" ]] && ! git_ws diff --quiet --no-ext-diff --no-textconv "$base" HEAD -- "$config_path"; then
    config_changed=1
  fi
  local baseline_added=0
  if [[ -n "$baseline_path" ]]; then
    baseline_added=$(awk -F'\t' -v p="$baseline_path" '$1 == p && /"fingerprint"/' "$added" | wc -l | tr -d ' ')
  fi

  if [[ -z "$suppressions$ignores$config_changed" && "$baseline_added" == 0 ]]; then
    printf '\n### Changes to the gate in this pull request\n\nNone: no new suppression, ignore, baseline entry or configuration change.\n'
    rm -f "$diff" "$added"
    return
  fi

  {
    printf '\n### Changes to the gate in this pull request\n\n'
    printf 'This run used the base branch'\''s configuration and baseline. The pull request adds:\n\n'
  }
  local file line text
  if [[ -n "$suppressions" ]]; then
    printf -- '- %s `preflight: ignore[...]` comment(s) (they hide findings in this run too):\n' "$(wc -l <<<"$suppressions")"
    while IFS=$'\t' read -r file line text; do
      printf '  - `%s` line %s\n' "${file//\`/\'}" "$line"
      echo "::warning file=$(escape_property "$file"),line=$line,title=preflight suppression added::$(escape_data "This pull request adds a preflight suppression: ${text}")" >&3
    done <<<"$suppressions"
  fi
  if [[ -n "$ignores" ]]; then
    printf -- '- %s .gitignore line(s) (ignored files are not scanned):\n' "$(wc -l <<<"$ignores")"
    while IFS=$'\t' read -r file line text; do
      printf '  - `%s` line %s\n' "${file//\`/\'}" "$line"
      echo "::warning file=$(escape_property "$file"),line=$line,title=preflight scan scope changed::$(escape_data "This pull request adds a .gitignore line; preflight does not scan ignored files: ${text}")" >&3
    done <<<"$ignores"
  fi
  if [[ "$baseline_added" != 0 ]]; then
    printf -- '- %s new entr(y/ies) in the baseline `%s` (not used in this run)\n' "$baseline_added" "${baseline_path//\`/\'}"
    echo "::warning file=$(escape_property "$baseline_path"),title=preflight baseline grows::$(escape_data "This pull request adds $baseline_added baseline entr(y/ies); they hide findings once merged")" >&3
  fi
  if [[ -n "$config_changed" ]]; then
    local cdiff fence
    cdiff=$(mktemp)
    git_ws diff --no-color --no-ext-diff --no-textconv "$base" HEAD -- "$config_path" >"$cdiff"
    fence=$(fence_for "$cdiff")
    {
      printf -- '- changes to `%s` (not used in this run; they apply once merged):\n\n' "${config_path//\`/\'}"
      printf '%sdiff\n' "$fence"
      cat "$cdiff"
      printf '%s\n' "$fence"
    }
    echo "::warning file=$(escape_property "$config_path"),title=preflight configuration changed::$(escape_data "This pull request changes $config_path; this run used the base branch's version")" >&3
    rm -f "$cdiff"
  fi
  rm -f "$diff" "$added"
}

run() {
  PREFLIGHT_BIN="${PREFLIGHT_BIN:-preflight}"
  local path="${INPUT_PATH:-.}"
  local fail_on="${INPUT_FAIL_ON:-error}"
  local sarif="${INPUT_SARIF_FILE:-}"
  case "${INPUT_UPLOAD_SARIF:-false}" in
    true) [[ -n "$sarif" ]] || sarif="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/preflight.sarif" ;;
    false) ;;
    *) die "upload-sarif must be true or false, not '${INPUT_UPLOAD_SARIF}'" ;;
  esac
  local config_from="${INPUT_CONFIG_FROM:-auto}"
  case "$fail_on" in
    error | warning | info | never) ;;
    *) die "fail-on must be error, warning, info or never, not '${fail_on}'" ;;
  esac
  case "$config_from" in
    auto | base | workspace) ;;
    *) die "config-from must be auto, base or workspace, not '${config_from}'" ;;
  esac
  local verify="${INPUT_VERIFY:-false}"
  case "$verify" in
    true | false) ;;
    *) die "verify must be true or false, not '${verify}'" ;;
  esac
  cd "${GITHUB_WORKSPACE:-.}"

  local -a extra=()
  if [[ -n "${INPUT_ARGS:-}" ]]; then
    read -r -a extra <<<"$INPUT_ARGS"
  fi
  # Flags the action sets itself: a second one would be a clap error (or
  # worse, silently win), so say which input to use instead.
  local arg
  for arg in ${extra[@]+"${extra[@]}"}; do
    case "${arg%%=*}" in
      --fail-on) die "\`args\` must not set --fail-on: use the \`fail-on\` input" ;;
      --config) die "\`args\` must not set --config: use the \`config\` input" ;;
      --format | --output | --report | --statistics | --relative-to | --write-baseline)
        die "\`args\` must not set ${arg%%=*}: the action chooses the outputs (see the \`sarif-file\` input)"
        ;;
    esac
  done

  # On pull requests the configuration and baseline come from the base
  # branch unless the workflow says otherwise.
  local base="" scratch
  scratch=$(mktemp -d)
  if [[ "$config_from" == base ]] || { [[ "$config_from" == auto ]] && is_pull_request; }; then
    base=$(fetch_base)
  fi

  local -a config=()
  local config_path="" baseline_path=""
  if [[ -n "$base" ]]; then
    local scope
    scope=$(normalize "$path")
    config_path=$(normalize "${INPUT_CONFIG:-${scope:+$scope/}preflight.toml}")
    if show_at "$base" "$config_path" "$scratch/preflight.toml"; then
      echo "preflight: using $config_path from the base branch"
    elif [[ -n "${INPUT_CONFIG:-}" ]]; then
      die "the base branch has no $config_path (the \`config\` input)"
    else
      # No configuration on the base: the defaults, whatever the PR adds.
      : >"$scratch/preflight.toml"
      echo "preflight: the base branch has no $config_path; using the defaults"
    fi
    config=(--config "$scratch/preflight.toml")
    # A baseline in `args` is read from the base branch too.
    local i
    for i in "${!extra[@]}"; do
      local value=""
      if [[ "${extra[$i]}" == --baseline ]]; then
        value="${extra[$((i + 1))]:-}"
        [[ -n "$value" ]] && extra[i+1]="$scratch/baseline.json"
      elif [[ "${extra[$i]}" == --baseline=* ]]; then
        value="${extra[$i]#--baseline=}"
        extra[i]="--baseline=$scratch/baseline.json"
      fi
      if [[ -n "$value" ]]; then
        baseline_path=$(normalize "$value")
        if ! show_at "$base" "$baseline_path" "$scratch/baseline.json"; then
          printf '{"version": 1, "tool": "preflight", "findings": []}\n' >"$scratch/baseline.json"
          echo "preflight: the base branch has no baseline $baseline_path; hiding nothing"
        fi
      fi
    done
  elif [[ -n "${INPUT_CONFIG:-}" ]]; then
    config=(--config "$INPUT_CONFIG")
  fi

  # Paths relative to the workspace, as annotations and code scanning
  # expect, even when `path` is a subdirectory.
  local -a check=(check "$path" --relative-to . ${config[@]+"${config[@]}"} ${extra[@]+"${extra[@]}"})

  # One scan writes every report: annotations, the Markdown report, SARIF.
  local -a reports=(--report "markdown:$scratch/report.md")
  if [[ -n "$sarif" ]]; then
    mkdir -p "$(dirname "$sarif")"
    reports+=(--report "sarif:$sarif")
  fi
  local annotations status=0
  annotations=$(pf "${check[@]}" --format github --fail-on "$fail_on" "${reports[@]}") || status=$?
  if [[ $status -ge 2 ]]; then
    exit "$status"
  fi
  if [[ -n "$annotations" ]]; then
    printf '%s\n' "$annotations"
  fi

  local summary="$scratch/summary.md"
  : >"$summary"
  {
    cat "$scratch/report.md"
    if [[ -n "$base" ]]; then
      pr_additions "$base" "$(normalize "$path")" "$config_path" "$baseline_path"
    fi
    echo
    # Exit 1 only says that an item fails: the report above shows why.
    pf checklist "$path" ${config[@]+"${config[@]}"} --format markdown || true
  } >>"$summary"
  # Live checks need tokens: never with a pull request's code checked out.
  local verify_status=""
  if [[ "$verify" == true ]] && is_pull_request; then
    echo "::notice title=preflight verify::skipped on pull requests: the live checks need tokens that pull request code must not see" >&3
  elif [[ "$verify" == true ]]; then
    local -a verify_env=()
    if [[ -n "${INPUT_VERIFY_ENV:-}" ]]; then
      verify_env=(--env "$INPUT_VERIFY_ENV")
    fi
    verify_status=0
    pf verify "$path" ${config[@]+"${config[@]}"} ${verify_env[@]+"${verify_env[@]}"} \
      --format markdown --output "$scratch/verify.md" || verify_status=$?
    {
      echo
      cat "$scratch/verify.md"
    } >>"$summary"
    echo "preflight: verify exited $verify_status"
  fi
  if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
    cat "$summary" >>"$GITHUB_STEP_SUMMARY"
  fi
  rm -rf "$scratch"

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
    echo "verify-exit-code=$verify_status"
  } >>"${GITHUB_OUTPUT:-/dev/null}"
  echo "preflight: $errors error(s), $warnings warning(s), $notices notice(s); fail-on $fail_on"
  if [[ "$status" -eq 0 && -n "$verify_status" && "$verify_status" -ne 0 ]]; then
    status="$verify_status"
  fi
  exit "$status"
}

case "${1:-}" in
  cache-key) cache_key ;;
  source-hash) source_hash ;;
  download) download ;;
  build) build ;;
  run) run ;;
  *)
    echo "usage: $0 cache-key|source-hash|download|build|run" >&2
    exit 2
    ;;
esac
