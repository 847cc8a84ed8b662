// @ts-check
// Test-only extension: when TRACKSIDE_HOST_TESTS names the host test bundle, runs it in this
// extension host and writes the results to TRACKSIDE_HOST_TEST_RESULTS. Plain JavaScript so
// it loads with no build step.
'use strict';
const { mkdirSync, renameSync, writeFileSync } = require('node:fs');
const { dirname } = require('node:path');

/** @param {string} file @param {unknown} value */
function writeJson(file, value) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify(value, null, 2));
  renameSync(`${file}.tmp`, file);
}

exports.activate = function activate() {
  const bundle = process.env.TRACKSIDE_HOST_TESTS;
  const out = process.env.TRACKSIDE_HOST_TEST_RESULTS;
  if (!bundle || !out) return;
  // Not awaited: activation returns at once, the suites run on.
  void (async () => {
    try {
      // The bundle writes `out` itself (TRACKSIDE_HOST_TEST_RESULTS is in its environment).
      await require(bundle).runAll();
    } catch (err) {
      // The suites could not even run (a bundle that fails to load, say): say so in the results.
      const error = err instanceof Error ? err.stack || err.message : String(err);
      writeJson(out, { ok: false, passed: 0, failed: 1, todo: 0, total: 1, durationMs: 0, error, tests: [{ suite: '', name: 'load the host test bundle', ok: false, durationMs: 0, error }] });
    }
  })();
};

exports.deactivate = function deactivate() {};
