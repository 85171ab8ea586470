/**
 * What the runner writes into the untrusted workspace's .vscode/settings.json (runE2e.ts): the
 * settings restricted mode must ignore, and harmless settings it must still honour (so the test
 * knows the workspace settings were read at all, and an answer goes through an endpoint URL). Kept free of `vscode` so the runner can
 * import it. The addresses are TEST-NET-3 (RFC 5737): nothing answers there.
 */
export const UNTRUSTED_WORKSPACE_SETTINGS = {
  'elical.badge.lowBelow': 35,
  // Not restricted, so it applies: questions are answered through elical.openaiUrl, whose
  // workspace value below must be ignored in favour of the user's.
  'elical.answerSource': 'openai',
  'elical.modelPath': '/nonexistent/untrusted-workspace-model',
  'elical.remoteUrl': 'http://203.0.113.7:8000',
  'elical.openaiUrl': 'http://203.0.113.7:8080/v1',
} as const;
