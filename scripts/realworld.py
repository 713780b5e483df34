#!/usr/bin/env python3
"""Re-run preflight on the real-world review set and score it against the recorded verdicts.

The review set (tests/realworld/repos.json) lists public Cloudflare Workers
repositories at a pinned commit; tests/realworld/verdicts/<checkout>.json holds
a reviewer's verdict on each finding (tp / fp / unclear) and the true problems
the tool missed. This script runs a preflight binary on every checkout, matches
its findings to the verdicts by (code, path, line), and prints:

- per rule and severity: findings, tp, fp, unclear, unjudged, precision tp/(tp+fp),
  and how many of the tp are `dup:` (repeats of a root cause reported elsewhere);
- per repository: findings by severity and error precision;
- recall on the recorded misses (a miss counts as found when the binary now
  reports the same code on the same path within --tolerance lines);
- the diff against the verdicts: new findings (no verdict yet), vanished ones
  (a vanished tp is a true finding lost, flagged loudly, unless its `why`
  starts with `dup:`: a repeat of a root cause reported elsewhere, which
  issue 17 wants merged), severity changes.

CI cannot reach GitHub, so this is a local tool: checkouts live outside the
repository (default /work/realworld/checkouts, or --checkouts); a missing
checkout is cloned from --mirrors/<owner>+<name>/repo (the layout `fetch`
produces) or from --clone-from-github when that is reachable.

Python 3 standard library only. Limits: matching is by exact line, so a
finding that moves because its file changed shows as vanished + new (the
`moved?` hint lists same-code same-path pairs); a miss's `code` of "-" means no
rule covers it and it is counted apart from recall.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JUDGED = ("tp", "fp", "unclear")
SEVERITIES = ("error", "warning", "info")


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--binary", help="preflight binary to run on every checkout")
    src.add_argument("--validate", action="store_true", help="only check repos.json and the verdict files for consistency (no checkouts needed)")
    src.add_argument("--from-outputs", metavar="DIR", help="read saved <checkout>.json outputs instead of running a binary")
    p.add_argument("--repos", default=str(ROOT / "tests/realworld/repos.json"))
    p.add_argument("--verdicts", default=str(ROOT / "tests/realworld/verdicts"))
    p.add_argument("--checkouts", default=os.environ.get("REALWORLD_CHECKOUTS", "/work/realworld/checkouts"))
    p.add_argument("--mirrors", help="directory of bare mirrors <owner>+<name>/repo to clone missing checkouts from")
    p.add_argument("--clone-from-github", action="store_true", help="clone missing checkouts from https://github.com/<repo>")
    p.add_argument("--out", metavar="DIR", help="save each run's JSON output as DIR/<checkout>.json")
    p.add_argument("--only", help="comma-separated checkout names (or owner/name) to restrict the run to")
    p.add_argument("--set", dest="set_name", help="only repositories of this review set (e.g. rw1, rw2)")
    p.add_argument("--tolerance", type=int, default=3, help="line distance within which a recorded miss counts as found (default 3)")
    p.add_argument("--details", action="store_true", help="list every new, vanished and severity-changed finding")
    p.add_argument("--json", action="store_true", help="print the summary as JSON instead of tables")
    p.add_argument("--strict", action="store_true", help="exit 1 when a recorded true positive vanished or a run failed")
    return p.parse_args(argv)


def load_repos(args: argparse.Namespace) -> list[dict]:
    repos = json.loads(Path(args.repos).read_text())["repos"]
    if args.set_name:
        repos = [r for r in repos if r.get("set") == args.set_name]
    if args.only:
        wanted = {w.strip() for w in args.only.split(",") if w.strip()}
        repos = [r for r in repos if r["checkout"] in wanted or r["repo"] in wanted]
        unknown = wanted - {r["checkout"] for r in repos} - {r["repo"] for r in repos}
        if unknown:
            sys.exit(f"realworld: not in {args.repos}: {', '.join(sorted(unknown))}")
    return repos


def git(*a: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *a], cwd=cwd, capture_output=True, text=True)


def ensure_checkout(repo: dict, args: argparse.Namespace) -> tuple[Path | None, str | None]:
    """The checkout directory at the pinned commit, or (None, reason)."""
    path = Path(args.checkouts) / repo["checkout"]
    if not path.exists():
        owner_name = repo["repo"]
        source = None
        if args.mirrors:
            mirror = Path(args.mirrors) / owner_name.replace("/", "+", 1) / "repo"
            if mirror.exists():
                source = str(mirror)
        if source is None and args.clone_from_github:
            source = f"https://github.com/{owner_name}"
        if source is None:
            return None, "checkout missing (pass --mirrors or --clone-from-github)"
        path.parent.mkdir(parents=True, exist_ok=True)
        r = git("clone", "--quiet", "--no-checkout", source, str(path))
        if r.returncode != 0:
            return None, f"clone failed: {r.stderr.strip()[:200]}"
        r = git("checkout", "--quiet", repo["commit"], cwd=path)
        if r.returncode != 0:
            # Large files may be absent from a mirror; the rest of the tree is still worth scanning.
            return path, f"checkout incomplete: {r.stderr.strip().splitlines()[0][:200] if r.stderr.strip() else 'unknown'}"
        return path, None
    head = git("rev-parse", "HEAD", cwd=path)
    if head.returncode == 0 and head.stdout.strip() != repo["commit"]:
        return path, f"HEAD is {head.stdout.strip()[:12]}, verdicts are for {repo['commit'][:12]}"
    return path, None


def run_binary(binary: str, path: Path) -> tuple[dict | None, str | None]:
    cmd = [binary, "check", "--format", "json", "--fail-on", "never", str(path)]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode not in (0, 1):
        return None, f"exit {r.returncode}: {r.stderr.strip()[:300]}"
    try:
        return json.loads(r.stdout), None
    except json.JSONDecodeError as e:
        return None, f"output is not JSON ({e})"


def load_verdicts(args: argparse.Namespace, checkout: str) -> dict:
    f = Path(args.verdicts) / f"{checkout}.json"
    if not f.exists():
        return {"verdicts": [], "missed": [], "_absent": True}
    return json.loads(f.read_text())


def match(findings: list[dict], verdicts: list[dict]):
    """Pair findings with verdicts on (code, path, line).

    Several findings may share a key (one line, several names): a verdict's
    optional `match` substring picks the finding whose message contains it;
    the rest pair in order. Returns (pairs, new findings, vanished verdicts).
    """
    by_key: dict[tuple, list[dict]] = defaultdict(list)
    for v in verdicts:
        by_key[(v["code"], v["path"], v["line"])].append(v)
    pairs, new = [], []
    for f in findings:
        cands = by_key.get((f["code"], f["path"], f["line"]))
        if not cands:
            new.append(f)
            continue
        pick = next((v for v in cands if v.get("match") and v["match"] in f.get("message", "")), None)
        if pick is None:
            pick = next((v for v in cands if not v.get("match")), cands[0])
        cands.remove(pick)
        pairs.append((f, pick))
    vanished = [v for vs in by_key.values() for v in vs]
    return pairs, new, vanished


def verdict_of(v: dict | None) -> str:
    if v is None:
        return "unjudged"
    return v["verdict"] if v.get("verdict") in JUDGED else "unjudged"


def precision(tp: int, fp: int) -> float | None:
    return tp / (tp + fp) if tp + fp else None


def fmt_pct(x: float | None) -> str:
    return "   -" if x is None else f"{100 * x:3.0f}%"


def score(results: list[dict], tolerance: int) -> dict:
    rules: dict[tuple, Counter] = defaultdict(Counter)
    per_repo = []
    lost, merged, fixed, new_all, sev_changes, moved = [], [], [], [], [], []
    missed_total = missed_found = missed_norule = 0
    missed_found_list = []
    for res in results:
        if res.get("error") and res.get("findings") is None:
            per_repo.append({"checkout": res["checkout"], "error": res["error"]})
            continue
        pairs, new, vanished = match(res["findings"], res["verdicts"])
        sev = Counter(f["severity"] for f in res["findings"])
        rc = Counter()
        for f, v in pairs:
            rules[(f["code"], f["severity"])][verdict_of(v)] += 1
            if verdict_of(v) == "tp" and v.get("why", "").startswith("dup:"):
                rules[(f["code"], f["severity"])]["dup"] += 1
            rc[(f["severity"], verdict_of(v))] += 1
            if v.get("severity") and v["severity"] != f["severity"]:
                sev_changes.append((res["checkout"], f, v))
        for f in new:
            rules[(f["code"], f["severity"])]["unjudged"] += 1
            rc[(f["severity"], "unjudged")] += 1
            new_all.append((res["checkout"], f))
        for v in vanished:
            if v.get("verdict") != "tp":
                fixed.append((res["checkout"], v))
            elif v.get("why", "").startswith("dup:"):
                merged.append((res["checkout"], v))
            else:
                lost.append((res["checkout"], v))
            same = [f for f in new if f["code"] == v["code"] and f["path"] == v["path"]]
            if same:
                moved.append((res["checkout"], v, same[0]))
        for m in res.get("missed", []):
            if m.get("code", "-") == "-":
                missed_norule += 1
                continue
            missed_total += 1
            hit = any(f["code"] == m["code"] and f["path"] == m["path"] and abs(f["line"] - m["line"]) <= tolerance
                      for f in res["findings"])
            if hit:
                missed_found += 1
                missed_found_list.append((res["checkout"], m))
        per_repo.append({
            "checkout": res["checkout"], "warning_note": res.get("error"),
            "findings": len(res["findings"]), "by_severity": dict(sev),
            "error_tp": rc[("error", "tp")], "error_fp": rc[("error", "fp")],
            "error_unclear": rc[("error", "unclear")], "error_unjudged": rc[("error", "unjudged")],
            "warning_tp": rc[("warning", "tp")], "warning_fp": rc[("warning", "fp")],
            "unjudged": sum(n for (s, v), n in rc.items() if v == "unjudged"),
            "new": len(new), "vanished": len(vanished),
        })
    return {"rules": rules, "per_repo": per_repo, "lost": lost, "merged": merged, "fixed": fixed, "new": new_all,
            "sev_changes": sev_changes, "moved": moved, "missed_total": missed_total,
            "missed_found": missed_found, "missed_norule": missed_norule, "missed_found_list": missed_found_list}


def sev_totals(rules: dict) -> dict[str, Counter]:
    tot: dict[str, Counter] = defaultdict(Counter)
    for (code, sev), c in rules.items():
        tot[sev].update(c)
    return tot


def print_tables(s: dict, details: bool) -> None:
    print("per rule (severity as reported now)")
    print(f"  {'rule':8} {'severity':8} {'n':>4} {'tp':>4} {'fp':>4} {'uncl':>4} {'unj':>4} {'prec':>5} {'dup':>4}")
    order = {sv: i for i, sv in enumerate(SEVERITIES)}
    for (code, sev), c in sorted(s["rules"].items(), key=lambda kv: (order.get(kv[0][1], 9), kv[0][0])):
        n = sum(c[k] for k in (*JUDGED, "unjudged"))
        print(f"  {code:8} {sev:8} {n:4} {c['tp']:4} {c['fp']:4} {c['unclear']:4} {c['unjudged']:4} {fmt_pct(precision(c['tp'], c['fp'])):>5} {c['dup']:4}")
    print("\nby severity")
    for sev, c in sorted(sev_totals(s["rules"]).items(), key=lambda kv: order.get(kv[0], 9)):
        n = sum(c[k] for k in (*JUDGED, "unjudged"))
        print(f"  {sev:8} n={n:<4} tp={c['tp']:<4} fp={c['fp']:<4} unclear={c['unclear']:<3} unjudged={c['unjudged']:<4} precision={fmt_pct(precision(c['tp'], c['fp'])).strip()}")
    print("\nper repository")
    print(f"  {'checkout':48} {'n':>4} {'err':>4} {'warn':>4} {'info':>4} {'err tp/fp/?':>12} {'err prec':>8} {'new':>4} {'gone':>4}")
    for r in s["per_repo"]:
        if "error" in r:
            print(f"  {r['checkout']:48} RUN FAILED: {r['error']}")
            continue
        b = r["by_severity"]
        etp = f"{r['error_tp']}/{r['error_fp']}/{r['error_unclear'] + r['error_unjudged']}"
        print(f"  {r['checkout']:48} {r['findings']:4} {b.get('error', 0):4} {b.get('warning', 0):4} {b.get('info', 0):4} {etp:>12} {fmt_pct(precision(r['error_tp'], r['error_fp'])):>8} {r['new']:4} {r['vanished']:4}")
        if r.get("warning_note"):
            print(f"  {'':48} note: {r['warning_note']}")
    mt, mf = s["missed_total"], s["missed_found"]
    print(f"\nrecall on recorded misses: {mf}/{mt} found" + (f" ({100 * mf / mt:.0f}%)" if mt else "")
          + f"; {s['missed_norule']} more misses have no rule (code \"-\")")
    print(f"diff vs verdicts: {len(s['new'])} new (unjudged), {len(s['fixed'])} vanished fp/unclear, "
          f"{len(s['merged'])} vanished `dup:` tp (merged into their root cause), "
          f"{len(s['lost'])} vanished tp (TRUE FINDINGS LOST), {len(s['sev_changes'])} severity changes")
    if s["lost"]:
        print("\nTRUE FINDINGS LOST")
        for co, v in s["lost"]:
            print(f"  {co}: {v['code']} {v['path']}:{v['line']} — {v['why']}")
    if details:
        for title, rows in (("new findings (no verdict)", [(co, f"{f['severity']} {f['code']} {f['path']}:{f['line']} {f['message'][:100]}") for co, f in s["new"]]),
                            ("vanished fp/unclear", [(co, f"{v['verdict']} {v['code']} {v['path']}:{v['line']}") for co, v in s["fixed"]]),
                            ("vanished `dup:` tp", [(co, f"{v['code']} {v['path']}:{v['line']}") for co, v in s["merged"]]),
                            ("severity changes", [(co, f"{f['code']} {f['path']}:{f['line']} {v['severity']} -> {f['severity']} ({v['verdict']})") for co, f, v in s["sev_changes"]]),
                            ("moved? (vanished verdict with a new same-code finding on the same path)", [(co, f"{v['code']} {v['path']}:{v['line']} -> :{f['line']}") for co, v, f in s["moved"]]),
                            ("recorded misses now found", [(co, f"{m['code']} {m['path']}:{m['line']}") for co, m in s["missed_found_list"]])):
            if rows:
                print(f"\n{title}")
                for co, line in rows:
                    print(f"  {co}: {line}")


def to_json(s: dict) -> dict:
    rules = [{"code": code, "severity": sev, **{k: c[k] for k in (*JUDGED, "unjudged", "dup")},
              "precision": precision(c["tp"], c["fp"])} for (code, sev), c in sorted(s["rules"].items())]
    return {
        "rules": rules,
        "by_severity": {sev: {**dict(c), "precision": precision(c["tp"], c["fp"])} for sev, c in sev_totals(s["rules"]).items()},
        "repos": s["per_repo"],
        "recall": {"found": s["missed_found"], "total": s["missed_total"], "no_rule": s["missed_norule"]},
        "new": [{"checkout": co, "code": f["code"], "path": f["path"], "line": f["line"], "severity": f["severity"]} for co, f in s["new"]],
        "vanished_tp": [{"checkout": co, **{k: v[k] for k in ("code", "path", "line")}} for co, v in s["lost"]],
        "vanished_dup_tp": [{"checkout": co, **{k: v[k] for k in ("code", "path", "line")}} for co, v in s["merged"]],
        "vanished_other": [{"checkout": co, **{k: v[k] for k in ("code", "path", "line", "verdict")}} for co, v in s["fixed"]],
    }


MAX_WHY = 400  # a reason, not an excerpt: the repositories' code stays out of this repository


def validate(args: argparse.Namespace, repos: list[dict]) -> list[str]:
    """Problems in repos.json and the verdict files, as messages."""
    problems = []
    seen = Counter(r["checkout"] for r in repos)
    problems += [f"repos.json: checkout {c} listed {n} times" for c, n in seen.items() if n > 1]
    for r in repos:
        missing = [k for k in ("repo", "commit", "checkout") if not r.get(k)]
        if missing:
            problems.append(f"repos.json: {r} lacks {', '.join(missing)}")
    vdir = Path(args.verdicts)
    files = {f.stem: f for f in vdir.glob("*.json")} if vdir.exists() else {}
    for r in repos:
        f = files.get(r["checkout"])
        if f is None:
            # Listed before it is judged (or judged on another branch): a note, not a defect.
            print(f"note: {r['checkout']}: no verdict file yet in {vdir}")
            continue
        try:
            d = json.loads(f.read_text())
        except json.JSONDecodeError as e:
            problems.append(f"{f.name}: not JSON ({e})")
            continue
        if d.get("repo") != r["repo"]:
            problems.append(f"{f.name}: repo {d.get('repo')!r} but repos.json says {r['repo']!r}")
        if d.get("commit") != r["commit"]:
            problems.append(f"{f.name}: commit {str(d.get('commit'))[:12]} but repos.json pins {r['commit'][:12]}")
        keys: dict[tuple, set] = defaultdict(set)
        for i, v in enumerate(d.get("verdicts", [])):
            where = f"{f.name} verdicts[{i}]"
            for k in ("code", "path", "line", "severity", "verdict", "why"):
                if k not in v:
                    problems.append(f"{where}: lacks `{k}`")
            if v.get("verdict") not in JUDGED:
                problems.append(f"{where}: verdict {v.get('verdict')!r} is not one of {', '.join(JUDGED)}")
            if v.get("severity") not in SEVERITIES:
                problems.append(f"{where}: severity {v.get('severity')!r}")
            if len(v.get("why", "")) > MAX_WHY:
                problems.append(f"{where}: `why` longer than {MAX_WHY} characters (keep code out)")
            keys[(v.get("code"), v.get("path"), v.get("line"))].add(v.get("verdict"))
        for i, v in enumerate(d.get("verdicts", [])):
            # Findings sharing a line pair with verdicts in order; that is only ambiguous when they disagree.
            if len(keys[(v.get("code"), v.get("path"), v.get("line"))]) > 1 and not v.get("match"):
                problems.append(f"{f.name} verdicts[{i}]: shares code+path+line with a different verdict but has no `match`")
        for i, m in enumerate(d.get("missed", [])):
            for k in ("code", "path", "line", "why"):
                if k not in m:
                    problems.append(f"{f.name} missed[{i}]: lacks `{k}`")
            if len(m.get("why", "")) > MAX_WHY:
                problems.append(f"{f.name} missed[{i}]: `why` longer than {MAX_WHY} characters")
    listed = {r["checkout"] for r in repos}
    if not (args.only or args.set_name):
        problems += [f"{name}.json: verdict file for a checkout not in repos.json" for name in sorted(set(files) - listed)]
    return problems


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    repos = load_repos(args)
    if args.validate:
        problems = validate(args, repos)
        for msg in problems:
            print(msg)
        print(f"{len(repos)} repositories, {len(problems)} problems")
        return 1 if problems else 0
    if args.binary and not os.access(args.binary, os.X_OK):
        sys.exit(f"realworld: {args.binary} is not an executable file")
    if args.out:
        Path(args.out).mkdir(parents=True, exist_ok=True)
    results, failed = [], False
    for repo in repos:
        co = repo["checkout"]
        recorded = load_verdicts(args, co)
        res = {"checkout": co, "verdicts": recorded.get("verdicts", []), "missed": recorded.get("missed", [])}
        if recorded.get("commit") and recorded["commit"] != repo["commit"]:
            res["error"] = f"verdicts recorded at {recorded['commit'][:12]}, repos.json pins {repo['commit'][:12]}"
        if args.from_outputs:
            f = Path(args.from_outputs) / f"{co}.json"
            if not f.exists():
                res.update(error=f"no saved output {f}", findings=None)
                failed = True
                results.append(res)
                continue
            out = json.loads(f.read_text())
        else:
            path, note = ensure_checkout(repo, args)
            if path is None:
                res.update(error=note, findings=None)
                failed = True
                results.append(res)
                continue
            if note:
                res["error"] = note
            out, err = run_binary(args.binary, path)
            if out is None:
                res.update(error=err, findings=None)
                failed = True
                results.append(res)
                continue
            if args.out:
                (Path(args.out) / f"{co}.json").write_text(json.dumps(out, indent=1) + "\n")
        res["findings"] = out.get("findings", [])
        results.append(res)
    s = score(results, args.tolerance)
    if args.json:
        print(json.dumps(to_json(s), indent=1))
    else:
        print_tables(s, args.details)
    if args.strict and (s["lost"] or failed):
        return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except BrokenPipeError:  # `| head` closed stdout; nothing left to report
        sys.stderr.close()
        sys.exit(0)
