// A run's status as a codicon and theme color, wherever a tree shows one.
export const STATUS_ICONS: Record<string, [string, string?]> = {
  running: ['sync~spin', 'charts.blue'],
  finished: ['pass', 'testing.iconPassed'],
  failed: ['error', 'testing.iconFailed'],
  stopped: ['debug-stop', 'charts.yellow'],
  crashed: ['warning', 'testing.iconErrored'],
  pruned: ['debug-step-out', 'charts.yellow'],
};
