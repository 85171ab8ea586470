/**
 * The user settings `npm start` gives its code-server (test/e2e/serveForUser.ts), shared with the
 * main-job suite (test/e2e/ui/runMainJobSuite.ts) so that the suite checks exactly what a new user
 * gets: no test extension, the extension's defaults, the README open as the start page.
 */
export function startSettings(modelPath: string): Record<string, unknown> {
  return {
    'elical.modelPath': modelPath,
    'workbench.startupEditor': 'readme',
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'git.openRepositoryInParentFolders': 'never',
  };
}

/** The README of the playground workspace: what to do first. */
export const PLAYGROUND_README = '# EliCal playground\n\nOpen the chat (the chat icon at the top, or Ctrl+Alt+I) and ask `@confidence What is the capital of Peru?`.\n';
