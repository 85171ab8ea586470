// Copies the UI and main-job suites' screenshots of the last `npm run test:e2e` (test-results/screenshots/)
// to the names the README shows (docs/screenshots/e2e-*.png), so the README pictures are always
// the extension as the suite last saw it. Refuses, changing nothing, when any source is missing
// (a failed or partial run must not mix old and new pictures).
//   node scripts/refreshScreenshots.mjs
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Not import.meta.dirname: that needs Node 20.11, and package.json promises any Node 20.
const root = fileURLToPath(new URL('..', import.meta.url));
const from = join(root, 'test-results', 'screenshots');
const to = join(root, 'docs', 'screenshots');
/** UI-suite step screenshot -> README picture. */
const MAP = {
  '03a-badge-shown-answer-pending.png': 'e2e-badge-before-answer.png',
  '04-click-wrong.png': 'e2e-chat-labelled-wrong.png',
  '05-panel-shows-wrong-label.png': 'e2e-panel-wrong-label.png',
  '06-keyboard-only-labelling.png': 'e2e-keyboard-label.png',
  '09a-retrain-notification.png': 'e2e-retrain-notification.png',
  '10-comparison-and-diagram-show-new-checkpoints.png': 'e2e-comparison-after-retrain.png',
  // The main-job suite: what npm start gives a new user, with no test extension.
  '03-main-job-confidence-answers-with-the-demo-model.png': 'e2e-main-job-chat.png',
};

const missing = Object.keys(MAP).filter((name) => !existsSync(join(from, name)));
if (missing.length > 0) {
  console.error(`refreshScreenshots: ${missing.join(', ')} missing in ${from}; run npm run test:e2e (the UI suite) first. Nothing copied.`);
  process.exit(1);
}
for (const [source, target] of Object.entries(MAP)) {
  copyFileSync(join(from, source), join(to, target));
  console.log(`${source} -> docs/screenshots/${target}`);
}
