// Where things are: the repo (the extension folder by default) and the test output.
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
export const resultsDir = join(repoRoot, 'test-results');
export const screenshotsDir = join(resultsDir, 'screenshots');
export const logsDir = join(resultsDir, 'logs');
