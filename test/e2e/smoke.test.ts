// The extension loads in a real VS Code: it activates on the workspace's `.trackside` folder,
// and its activity-bar container opens on the Runs view.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { e2eTest } from './harness.ts';

e2eTest('Trackside container opens on the Runs view', async (vs) => {
  await vs.waitForActivation();
  await vs.openView('Trackside');
  const runs = await vs.view('Runs');
  assert.ok(await runs.isVisible());
  assert.doesNotMatch(vs.extensionHostLog(), /Activating extension '?trackside\.trackside'? failed/);
  assert.ok(existsSync(await vs.screenshot('smoke-runs-view')));
});
