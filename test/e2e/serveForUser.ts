/**
 * `npm start` (scripts/start.sh builds first): the extension's VSIX installed into a code-server
 * on loopback, scoring with the bundled model package (or the committed tiny fixture while
 * models/ ships none), running until Ctrl-C. Its folders live in .cache/start and are kept, so
 * labels given in one session are there in the next.
 *
 * code-server has no signed-in chat model, and VS Code's chat sends nothing without one; the
 * extension offers its model package as one (elical.offerChatModel, on by default), so the chat
 * works with nothing else installed. `@confidence` answers with the model package itself
 * (elical.answerSource "model").
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CodeServer, REPO_ROOT } from './support/codeServer';
import { PLAYGROUND_README, startSettings } from './support/startSettings';

const root = join(REPO_ROOT, '.cache', 'start');
const workspace = join(root, 'workspace');
const vsix = join(REPO_ROOT, `elical-confidence-${process.platform}-${process.arch}.vsix`);
const fixture = join(REPO_ROOT, 'test/fixtures/tiny-llama/package');
const port = Number(process.env.PORT ?? 8080);

function bundledModels(): string[] {
  const models = join(REPO_ROOT, 'models');
  return existsSync(models) ? readdirSync(models).filter((name) => existsSync(join(models, name, 'manifest.json'))) : [];
}

async function main(): Promise<void> {
  if (!existsSync(vsix)) throw new Error(`${vsix} is missing: run npm start (scripts/start.sh builds it)`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`PORT must be a port number, got ${process.env.PORT}`);
  mkdirSync(workspace, { recursive: true });
  if (!existsSync(join(workspace, 'README.md'))) writeFileSync(join(workspace, 'README.md'), PLAYGROUND_README);
  const models = bundledModels();
  const modelPath = models.length > 0 ? '' : fixture;
  const server = await CodeServer.start({
    root,
    port,
    extensions: [vsix],
    smokeTestDriver: false,
    userSettings: startSettings(modelPath),
    // Settings changed in an earlier session are the user's: kept.
    keepUserSettings: true,
    // Earlier versions of npm start installed the test suites' stand-in chat model; the package's
    // own chat model replaces it.
    uninstallExtensions: ['elical-e2e.elical-e2e-test-model'],
    env: {},
  });
  const stop = (): void => {
    console.log('\nStopping code-server…');
    void server.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  console.log(`\nEliCal Confidence is running in VS Code (code-server, healthy after ${(server.startMs / 1000).toFixed(1)} s).`);
  console.log(`Model: ${modelPath === '' ? `models/${models.join(', models/')} (bundled)` : `${fixture} (the tiny test fixture: models/ ships no package yet, so its confidences mean nothing)`}`);
  console.log(`\n  Open ${server.workbenchUrl(workspace)}\n`);
  console.log('Then open the chat (the chat icon at the top, or Ctrl+Alt+I) and ask: @confidence In which continent is Canada located?');
  console.log('(a fact the demo model knows) and @confidence What is the capital of Peru? (one it does not).');
  console.log('Logs: .cache/start/code-server.log. Press Ctrl-C to stop.');
}

main().catch((error: unknown) => {
  console.error(`npm start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
