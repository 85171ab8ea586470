/**
 * User settings for a code-server that a script drives or measures: no start page, tips,
 * telemetry, update checks or trust prompt, and no toast about the repository around the
 * workspace (the workspaces live inside this repository) covering the chat input.
 */
export const QUIET_WORKBENCH_SETTINGS: Readonly<Record<string, unknown>> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
};
