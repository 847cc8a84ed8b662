// Every contributed command id, in one place (a test checks these against package.json).
export const Commands = {
  startRun: 'trackside.startRun',
  startRunWithParams: 'trackside.startRunWithParams',
  stopRun: 'trackside.stopRun',
  rerun: 'trackside.rerun',
  renameRun: 'trackside.renameRun',
  editTags: 'trackside.editTags',
  editNote: 'trackside.editNote',
  deleteRun: 'trackside.deleteRun',
  restoreRun: 'trackside.restoreRun',
  purgeDeleted: 'trackside.purgeDeleted',
  revealRunFolder: 'trackside.revealRunFolder',
  showOutput: 'trackside.showOutput',
  openCodeSnapshot: 'trackside.openCodeSnapshot',
  filterRuns: 'trackside.filterRuns',
  clearFilter: 'trackside.clearFilter',
  refresh: 'trackside.refresh',
  rebuildIndex: 'trackside.rebuildIndex',
  showRuns: 'trackside.showRuns',
  createCheckpoint: 'trackside.createCheckpoint',
  restoreCheckpoint: 'trackside.restoreCheckpoint',
  restoreCheckpointCell: 'trackside.restoreCheckpointCell',
  openCheckpoint: 'trackside.openCheckpoint',
  compareCheckpoint: 'trackside.compareCheckpoint',
  deleteCheckpoint: 'trackside.deleteCheckpoint',
} as const;

export type CommandId = (typeof Commands)[keyof typeof Commands];
