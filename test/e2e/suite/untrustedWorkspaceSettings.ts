/**
 * What the runner writes into the untrusted workspace's .vscode/settings.json (runE2e.ts): the
 * settings restricted mode must ignore, and one harmless setting it must still honour (so the
 * test knows the workspace settings were read at all). Kept free of `vscode` so the runner can
 * import it. The addresses are TEST-NET-3 (RFC 5737): nothing answers there.
 */
export const UNTRUSTED_WORKSPACE_SETTINGS = {
  'elical.badge.lowBelow': 35,
  'elical.modelPath': '/nonexistent/untrusted-workspace-model',
  'elical.remoteUrl': 'http://203.0.113.7:8000',
  'elical.openaiUrl': 'http://203.0.113.7:8080/v1',
} as const;
