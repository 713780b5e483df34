#!/usr/bin/env node
// The `preflight` command of the workers-preflight npm package: runs the
// native binary that npm installed with the optional dependency for this
// platform (workers-preflight-<os>-<cpu>). No download at install time, so
// it works offline and from an npm cache.
"use strict";

const { spawnSync } = require("node:child_process");
const path = require("node:path");

const PLATFORMS = {
  "linux-x64": "workers-preflight-linux-x64",
  "linux-arm64": "workers-preflight-linux-arm64",
  "darwin-x64": "workers-preflight-darwin-x64",
  "darwin-arm64": "workers-preflight-darwin-arm64",
  "win32-x64": "workers-preflight-win32-x64",
};

function binary() {
  const key = `${process.platform}-${process.arch}`;
  const pkg = PLATFORMS[key];
  if (!pkg) {
    fail(
      `no prebuilt preflight for ${key}; supported: ${Object.keys(PLATFORMS).join(", ")}. ` +
        "Install it with `cargo install --locked --git <repository>` instead.",
    );
  }
  const exe = process.platform === "win32" ? "preflight.exe" : "preflight";
  try {
    return require.resolve(`${pkg}/bin/${exe}`);
  } catch {
    fail(
      `the package ${pkg} is not installed. It is an optional dependency of ` +
        "workers-preflight: reinstall without --no-optional / --omit=optional, " +
        "and make sure the lockfile was not made on another platform only.",
    );
  }
}

function fail(message) {
  process.stderr.write(`preflight: error: ${message}\n`);
  process.exit(2);
}

const result = spawnSync(binary(), process.argv.slice(2), { stdio: "inherit" });
if (result.error) {
  fail(`cannot run ${path.basename(process.argv[1])}: ${result.error.message}`);
}
if (result.signal) {
  process.kill(process.pid, result.signal);
}
process.exit(result.status ?? 2);
