// `npm test`: type-check, lint, unit tests (Vitest), end-to-end tests in Debian's Chromium
// through the headless server, and the desktop test (skipped, with its reason, where no
// Electron binary is installed). Ends with one line: "N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const results = { passed: 0, failed: 0, skipped: 0 };
const skipReasons = [];
const problems = [];

function run(label, cmd, args, env = {}) {
  console.log(`\n▶ ${label}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) problems.push(`${label} exited with ${r.status ?? r.signal}`);
  return r.status === 0;
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

function countVitest(path) {
  const j = readJson(path);
  if (!j) return problems.push(`no unit-test report at ${path}`);
  results.passed += j.numPassedTests;
  results.failed += j.numFailedTests;
  results.skipped += j.numPendingTests + (j.numTodoTests ?? 0);
}

function countPlaywright(path, label) {
  const j = readJson(path);
  if (!j) return problems.push(`no ${label} report at ${path}`);
  results.passed += j.stats.expected + j.stats.flaky;
  results.failed += j.stats.unexpected;
  results.skipped += j.stats.skipped;
  const walk = (suite) => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests ?? []) {
        if (t.status !== 'skipped') continue;
        const why = (t.annotations ?? []).find((a) => a.type === 'skip')?.description ?? 'no reason given';
        skipReasons.push(`${label}: ${spec.title} — ${why}`);
      }
    }
    for (const s of suite.suites ?? []) walk(s);
  };
  for (const s of j.suites ?? []) walk(s);
  if ((j.errors ?? []).length) problems.push(`${label}: ${j.errors.map((e) => e.message).join('; ')}`);
}

rmSync('test-results', { recursive: true, force: true });
mkdirSync('test-results', { recursive: true });

// Static checks count as one test each: strict types on both sides, and the layering lint.
for (const [label, args] of [
  ['type-check', ['tsc', '-p', 'tsconfig.node.json', '--noEmit']],
  ['type-check (renderer)', ['tsc', '-p', 'tsconfig.web.json', '--noEmit']],
  ['layering lint', ['eslint', '.']],
]) {
  if (run(label, 'npx', args)) results.passed++;
  else results.failed++;
}
if (!run('build', 'node', ['scripts/build.mjs'])) {
  results.failed++;
} else {
  run('unit tests', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile=test-results/unit.json']);
  countVitest('test-results/unit.json');
  run('end-to-end tests', 'npx', ['playwright', 'test']);
  countPlaywright('test-results/e2e.json', 'e2e');
  // The desktop window needs a display: use xvfb-run where there is none and it is installed.
  const needsDisplay = process.platform === 'linux' && !process.env.DISPLAY && existsSync('/usr/bin/xvfb-run');
  const desktop = ['playwright', 'test', '-c', 'playwright.desktop.config.ts'];
  if (needsDisplay) run('desktop tests', 'xvfb-run', ['-a', 'npx', ...desktop]);
  else run('desktop tests', 'npx', desktop);
  countPlaywright('test-results/desktop.json', 'desktop');
}

for (const s of skipReasons) console.log(`skipped: ${s}`);
for (const p of problems) console.log(`problem: ${p}`);
console.log(`\n${results.passed} passed, ${results.failed} failed, ${results.skipped} skipped`);
process.exit(results.failed > 0 || problems.length > 0 ? 1 : 0);
