/**
 * The extension in a real VS Code (code-server, headless Chromium via playwright-core), with the
 * VSIX and its bundled demo model (models/demo-facts; elical.modelPath is left unset so the
 * extension picks the bundled package itself). Measures:
 *
 *  1. Request to badge: N distinct questions of models/demo-facts/data/test_in.jsonl asked as
 *     `@confidence /score QUESTION` (badge only, no answer generated), in one chat session. The
 *     wall time is taken inside the page, from the Enter keydown to the DOM mutation that puts
 *     the badge text into the new response (and to the next animation frame after it), so
 *     Playwright's round trips are not in it. The extension's own `latencyMs` (request reaching
 *     the participant to scores, model load excluded) comes from the journal's question-scored
 *     events, which must name the model "demo-facts"; their wall-clock time splits the round
 *     trip into Enter → participant, scoring, and scores → badge on screen. As a peer for the UI round trip, M more
 *     questions run the default flow (badge, then the bundled model's own answer), and M more
 *     with elical.answerSource "vscode-lm" (the e2e stand-in chat model answers, word by word
 *     with a 250 ms pause by design); the badge time is reported as a ratio to their
 *     Enter-to-full-answer times.
 *  2. Extension host memory: VmRSS of the code-server extension host process (the descendant of
 *     the server whose command line has `--type=extensionHost`) after the 30 scored questions,
 *     against a peer code-server started the same way without the EliCal VSIX (only the stand-in
 *     chat model), with the chat opened and one plain question sent (no participant answers it
 *     there: see peerRun).
 *
 * Every server it starts is stopped (try/finally, and on SIGINT/SIGTERM); its folders live in
 * .cache/bench/extensionHost and are removed after a successful run (kept after a failure).
 * Prints a markdown table; raw per-question numbers go to .cache/bench/extensionHost/results.json.
 *
 *   npm run build && node scripts/packageVsix.mjs --host && node scripts/buildE2e.mjs
 *   node --import tsx bench/extensionHost.bench.ts [--questions 30] [--answered 5]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { AnswerShownEvent, JournalEvent, QuestionScoredEvent } from '../extension/core/journal/journalEvent';
import { JournalFile } from '../extension/node/journalFile';
import { testModelAnswer, TEST_MODEL_NAME } from '../test/e2e/testModelExtension/testModelAnswer';
import { CODE_SERVER_ENTRY, CodeServer, NODE24, REPO_ROOT } from '../test/e2e/support/codeServer';
import { launchChromium } from '../test/e2e/support/launchChromium';
import { chatInput, chatView, runCommand, waitForWorkbench, WORKBENCH_TIMEOUT_MS } from '../test/e2e/ui/workbench';
import { QUIET_WORKBENCH_SETTINGS } from '../test/e2e/support/quietWorkbenchSettings';

const WORK = join(REPO_ROOT, '.cache', 'bench', 'extensionHost');
const EXTENSION_VSIX = join(REPO_ROOT, `elical-confidence-${process.platform}-${process.arch}.vsix`);
const TEST_MODEL_VSIX = join(REPO_ROOT, '.cache/e2e/elical-e2e-test-model.vsix');
const QUESTIONS_FILE = join(REPO_ROOT, 'models/demo-facts/data/test_in.jsonl');
const BUNDLED_MODEL = 'demo-facts';
/** Publisher.name of the extension: its globalStorage folder and installed folder prefix. */
const EXTENSION_ID = 'elical.elical-confidence';
/** Written by the participant after everything else in a response (chatFlow.ts: the buttons step). */
const RESPONSE_DONE_MARKER = 'Open panel';
/** The badge line as rendered: "41% confidence (medium) · checkpoint …" (the UI suite's pattern). */
const BADGE_SOURCE = String.raw`\d{1,3}% confidence \((low|medium|high)\)`;
/** Quiet time between questions, so each request starts from an idle workbench. */
const IDLE_BETWEEN_MS = 500;
/** Time for RSS to settle (GC, lazy frees) before it is sampled. */
const SETTLE_MS = 3_000;
const RESPONSE_TIMEOUT_MS = 120_000;
/** How long the peer waits for its plain question's response before sampling anyway. */
const PEER_RESPONSE_WAIT_MS = 20_000;

/** The user settings of both servers: a quiet workbench; elical.modelPath deliberately unset. */
// The stand-in is the chat's model (its answers are known and timed), not the package's own.
const QUIET_SETTINGS: Record<string, unknown> = { ...QUIET_WORKBENCH_SETTINGS, 'elical.offerChatModel': false };

/** One chat request as the page saw it; times are ms after the Enter keydown, null when never seen. */
export interface ChatTiming {
  question: string;
  badgeDomMs: number | null;
  badgeFrameMs: number | null;
  /** First moment the response showed `expectedAnswer` after the badge (or anywhere, without a badge). */
  answerMs: number | null;
  doneMs: number | null;
  /** The response's text when the probe stopped looking. */
  finalText: string;
}

export interface ScoredTiming extends ChatTiming {
  /** The extension's latencyMs from the journal: request reaching the participant to scores. */
  extensionMs: number;
  /**
   * Enter to the request reaching the participant: the journal event's wall-clock time (taken
   * when the scores were ready) less latencyMs, against the page's clock at Enter. Browser and
   * extension host run on this one machine, so they share the clock; the event time has 1 ms
   * resolution.
   */
  toParticipantMs: number | null;
  /** Scores ready to badge in the DOM: the journal append, the stream back to the workbench and chat rendering. */
  scoresToBadgeMs: number | null;
}

export interface ProcessInfo {
  pid: number;
  ppid: number;
  args: string[];
}

export interface MemorySample {
  pid: number;
  /** Median of the VmRSS samples, bytes. */
  rssBytes: number;
  /** VmHWM (peak RSS of the process so far), bytes. */
  peakBytes: number;
  /** The server's process tree when sampled, for the report: "type pid rss". */
  tree: string[];
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))];
}

/** The first `count` distinct questions of a HonestyBench file, skipping any the chat input would read as a variable, agent or command. */
export function distinctQuestions(jsonl: string, count: number): string[] {
  const seen = new Set<string>();
  for (const line of jsonl.split('\n')) {
    if (line.trim() === '') continue;
    const question = (JSON.parse(line) as { question: string }).question.trim();
    if (/[#@/\n]/.test(question) || seen.has(question)) continue;
    seen.add(question);
    if (seen.size === count) break;
  }
  if (seen.size < count) throw new Error(`${QUESTIONS_FILE} has only ${seen.size} usable distinct questions, ${count} asked for`);
  return [...seen];
}

/** Every process on the machine, from /proc (Linux only, like code-server's extension host here). */
export function listProcesses(): ProcessInfo[] {
  const processes: ProcessInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name (field 2) may hold spaces and parentheses: fields resume after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter((arg) => arg !== '');
      processes.push({ pid: Number(entry), ppid, args });
    } catch {
      // exited while we looked
    }
  }
  return processes;
}

/**
 * The processes of one code-server: its launcher (the only one whose command line names this
 * server's --user-data-dir) and all its descendants (the server, the extension host, file
 * watcher, agent host, language servers).
 */
export function serverProcesses(userDataDir: string, processes: readonly ProcessInfo[]): ProcessInfo[] {
  const roots = processes.filter((info) => info.args.some((arg, index) => arg === userDataDir && info.args[index - 1] === '--user-data-dir'));
  if (roots.length === 0) throw new Error(`no process has --user-data-dir ${userDataDir}`);
  const tree = new Map(roots.map((info) => [info.pid, info]));
  for (let grew = true; grew; ) {
    grew = false;
    for (const info of processes) {
      if (!tree.has(info.pid) && tree.has(info.ppid)) {
        tree.set(info.pid, info);
        grew = true;
      }
    }
  }
  return [...tree.values()];
}

/** VS Code's `--type=…` of a forked process ("extensionHost", "fileWatcher"), else the script Node runs, else the executable. */
function processKind(info: ProcessInfo): string {
  const type = info.args.find((arg) => arg.startsWith('--type='));
  if (type !== undefined) return type.slice('--type='.length);
  const script = info.args[0].endsWith('/node') ? info.args.find((arg, index) => index > 0 && !arg.startsWith('-')) : undefined;
  return (script ?? info.args[0]).split('/').slice(-3).join('/');
}

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (match === null) throw new Error(`/proc/${pid}/status has no ${field}`);
  return Number(match[1]);
}

/** Five VmRSS samples of the server's one extension host, 250 ms apart, after SETTLE_MS. */
async function sampleExtensionHost(server: CodeServer): Promise<MemorySample> {
  await sleep(SETTLE_MS);
  const tree = serverProcesses(server.userDataDir, listProcesses());
  const hosts = tree.filter((info) => info.args.includes('--type=extensionHost'));
  if (hosts.length !== 1) throw new Error(`expected one extension host under ${server.url}, found ${hosts.length}: ${hosts.map((info) => info.pid).join(', ')}`);
  const { pid } = hosts[0];
  const samples: number[] = [];
  for (let index = 0; index < 5; index += 1) {
    samples.push(statusKb(pid, 'VmRSS') * 1024);
    await sleep(250);
  }
  samples.sort((a, b) => a - b);
  const lines = tree.map((info) => {
    let rss = '?';
    try {
      rss = `${(statusKb(info.pid, 'VmRSS') / 1024).toFixed(0)} MiB`;
    } catch {
      // exited
    }
    return `${processKind(info)} pid ${info.pid} (parent ${info.ppid}) ${rss}`;
  });
  return { pid, rssBytes: percentile(samples, 0.5), peakBytes: statusKb(pid, 'VmHWM') * 1024, tree: lines };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Installed once per page. A plain string rather than a function: tsx compiles functions with
 * esbuild's keepNames, whose `__name` helper does not exist in the page. The probe stamps the
 * Enter keydown, then on every DOM change of the chat view keeps the text of the newest response
 * row created after arm() (rows are virtualised and recycled, so rows are told apart by their
 * data-index, which only grows), with the time it first appeared.
 */
const PAGE_PROBE = `(() => {
  if (window.__elicalBench !== undefined) return;
  const badge = new RegExp(${JSON.stringify(BADGE_SOURCE)});
  const view = document.querySelector('.part.auxiliarybar');
  if (view === null) throw new Error('the chat view is not open');
  let run = null;
  const rowIndex = (row) => Number(row.getAttribute('data-index'));
  window.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && run !== null && run.enterAt === null) run.enterAt = performance.now();
  }, true);
  const look = () => {
    if (run === null || run.enterAt === null || run.doneAt !== null) return;
    let newest = null;
    for (const row of view.querySelectorAll('.monaco-list-row.response')) {
      if (rowIndex(row) > run.maxIndex && (newest === null || rowIndex(row) > rowIndex(newest))) newest = row;
    }
    if (newest === null) return;
    const now = performance.now();
    const text = newest.textContent ?? '';
    if (text === run.lastText) return;
    run.lastText = text;
    run.snapshots.push([now, text]);
    if (run.badgeAt === null && badge.test(text)) {
      const current = run;
      current.badgeAt = now;
      // The frame after the mutation: rAF runs before that frame is drawn, the task after it once it is.
      requestAnimationFrame(() => setTimeout(() => { current.badgeFrameAt = performance.now(); }, 0));
    }
    if (text.includes(run.doneMarker)) run.doneAt = now;
  };
  new MutationObserver(look).observe(view, { childList: true, subtree: true, characterData: true });
  window.__elicalBench = {
    arm(doneMarker) {
      let maxIndex = -1;
      for (const row of view.querySelectorAll('.monaco-list-row')) maxIndex = Math.max(maxIndex, rowIndex(row));
      run = { maxIndex, doneMarker, timeOrigin: performance.timeOrigin, enterAt: null, badgeAt: null, badgeFrameAt: null, doneAt: null, lastText: null, snapshots: [] };
    },
    state() { return run; },
  };
})()`;

interface ProbeRun {
  /** performance.timeOrigin of the page: enterAt + timeOrigin is the wall-clock time of Enter. */
  timeOrigin: number;
  enterAt: number | null;
  badgeAt: number | null;
  badgeFrameAt: number | null;
  doneAt: number | null;
  lastText: string | null;
  snapshots: Array<[number, string]>;
}

async function probeState(page: Page): Promise<ProbeRun> {
  return page.evaluate('window.__elicalBench.state()') as Promise<ProbeRun>;
}

/**
 * Types `text` into the chat input, arms the probe and presses Enter; waits until the response
 * shows `doneMarker`, failing after `waitMs` unless `mayTimeOut`. The answer is looked for
 * afterwards in the recorded snapshots (the bundled model's is known only from the journal).
 */
async function ask(page: Page, text: string, doneMarker: string, waitMs = RESPONSE_TIMEOUT_MS, mayTimeOut = false): Promise<ProbeRun> {
  await chatInput(page).click({ force: true });
  await page.keyboard.type(text, { delay: 5 });
  // Let the input's suggestions and decorations settle, so Enter sends rather than waits behind them.
  await sleep(300);
  await page.evaluate(`window.__elicalBench.arm(${JSON.stringify(doneMarker)})`);
  await page.keyboard.press('Enter');
  const deadline = Date.now() + waitMs;
  for (;;) {
    const state = await probeState(page);
    // The frame after the badge is stamped a moment after the DOM change that may also end the response.
    if (state.doneAt !== null && (state.badgeAt === null || state.badgeFrameAt !== null)) return state;
    if (Date.now() > deadline) {
      if (mayTimeOut) return state;
      throw new Error(`no complete response to "${text}" within ${waitMs / 1000} s; last text: ${state.lastText ?? '(no response row)'}`);
    }
    await sleep(100);
  }
}

/** Milliseconds from Enter to the first snapshot that shows `answer` after the badge. */
function answerTime(state: ProbeRun, answer: string): number | null {
  const badge = new RegExp(BADGE_SOURCE);
  for (const [at, text] of state.snapshots) {
    const match = badge.exec(text);
    const rest = match === null ? text : text.slice(match.index + match[0].length);
    if (rest.includes(answer)) return at - (state.enterAt ?? at);
  }
  return null;
}

function chatTiming(question: string, state: ProbeRun, expectedAnswer: string | null): ChatTiming {
  const since = (at: number | null): number | null => (at === null || state.enterAt === null ? null : at - state.enterAt);
  return {
    question,
    badgeDomMs: since(state.badgeAt),
    badgeFrameMs: since(state.badgeFrameAt),
    answerMs: expectedAnswer === null ? null : answerTime(state, expectedAnswer),
    doneMs: since(state.doneAt),
    finalText: state.lastText ?? '',
  };
}

async function journal(server: CodeServer): Promise<JournalEvent[]> {
  return (await JournalFile.readFile(join(server.userDataDir, 'User', 'globalStorage', EXTENSION_ID, 'journal.jsonl'))).events;
}

/** The question-scored event of `question` (the participant journals it before writing the badge). */
async function scoredEvent(server: CodeServer, question: string): Promise<QuestionScoredEvent> {
  const event = (await journal(server)).find((candidate): candidate is QuestionScoredEvent => candidate.type === 'question-scored' && candidate.question === question);
  if (event === undefined) throw new Error(`the journal has no question-scored event for "${question}"`);
  if (event.model !== BUNDLED_MODEL) throw new Error(`"${question}" was scored by model "${event.model}", not the bundled ${BUNDLED_MODEL}`);
  if (event.latencyMs === undefined) throw new Error(`the question-scored event of "${question}" has no latencyMs`);
  return event;
}

async function answerShown(server: CodeServer, questionId: string): Promise<AnswerShownEvent> {
  const event = (await journal(server)).find((candidate): candidate is AnswerShownEvent => candidate.type === 'answer-shown' && candidate.questionId === questionId);
  if (event === undefined) throw new Error(`the journal has no answer-shown event for question ${questionId}`);
  return event;
}

const running = new Set<CodeServer>();

async function withServer<T>(name: string, extensions: string[], use: (server: CodeServer, page: Page, workspace: string) => Promise<T>): Promise<T> {
  const root = join(WORK, name);
  const workspace = join(WORK, `${name}-workspace`);
  for (const folder of [root, workspace]) rmSync(folder, { recursive: true, force: true });
  mkdirSync(workspace, { recursive: true });
  writeFileSync(join(workspace, 'README.md'), '# EliCal extension host benchmark workspace\n');
  const server = await CodeServer.start({ root, extensions, userSettings: QUIET_SETTINGS, smokeTestDriver: false });
  running.add(server);
  let browser: Browser | undefined;
  try {
    console.log(`== ${name}: code-server healthy on ${server.url} after ${(server.startMs / 1000).toFixed(1)} s`);
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    page.setDefaultTimeout(60_000);
    await page.goto(server.workbenchUrl(workspace));
    await waitForWorkbench(page);
    await runCommand(page, 'Chat: Open Chat');
    await chatInput(page).waitFor({ state: 'visible', timeout: WORKBENCH_TIMEOUT_MS });
    // The chat sends only once a language model is available and picked.
    await chatView(page).locator('.chat-input-picker-item', { hasText: TEST_MODEL_NAME }).first().waitFor({ state: 'visible', timeout: WORKBENCH_TIMEOUT_MS });
    await page.evaluate(PAGE_PROBE);
    const result = await use(server, page, workspace);
    await page.screenshot({ path: join(WORK, `${name}-last.png`) });
    return result;
  } catch (error) {
    if (browser !== undefined) await browser.contexts()[0]?.pages()[0]?.screenshot({ path: join(WORK, `${name}-FAILED.png`) }).catch(() => undefined);
    throw error;
  } finally {
    await browser?.close();
    await server.stop();
    running.delete(server);
  }
}

/** The installed EliCal extension must carry the demo model: the default (modelPath unset) uses it. */
function checkBundledModel(server: CodeServer): void {
  const extensions = CodeServer.folders(server.root).extensions;
  const installed = readdirSync(extensions).find((name) => name.startsWith(`${EXTENSION_ID}-`));
  if (installed === undefined) throw new Error(`${EXTENSION_ID} is not installed in ${extensions}`);
  if (!existsSync(join(extensions, installed, 'models', BUNDLED_MODEL, 'manifest.json'))) {
    throw new Error(`${EXTENSION_VSIX} carries no models/${BUNDLED_MODEL}: rebuild it with node scripts/packageVsix.mjs --host`);
  }
}

/**
 * Sets elical.answerSource to "vscode-lm" in the workspace's .vscode/settings.json and asks
 * spare questions until an answer is journalled from that source. The workbench picks the new
 * file up by watching the workspace, after a delay nothing in the page reports (a few seconds
 * here); an edit of the user settings file on disk was not picked up at all in code-server 4.139.1.
 */
async function switchToVscodeLm(page: Page, server: CodeServer, workspace: string, spareQuestions: readonly string[]): Promise<void> {
  const started = performance.now();
  mkdirSync(join(workspace, '.vscode'), { recursive: true });
  writeFileSync(join(workspace, '.vscode', 'settings.json'), `${JSON.stringify({ 'elical.answerSource': 'vscode-lm' }, null, 2)}\n`);
  for (const question of spareQuestions) {
    await sleep(1_000);
    await ask(page, `@confidence ${question}`, RESPONSE_DONE_MARKER);
    const shown = await answerShown(server, (await scoredEvent(server, question)).id);
    if (shown.source === 'vscode-lm') {
      console.log(`  answerSource vscode-lm in effect after ${((performance.now() - started) / 1000).toFixed(1)} s`);
      return;
    }
  }
  throw new Error(`elical.answerSource "vscode-lm" was not in effect after ${spareQuestions.length} questions`);
}

interface ElicalRun {
  scored: ScoredTiming[];
  memory: MemorySample;
  modelAnswered: ChatTiming[];
  lmAnswered: ChatTiming[];
}

/** Distinct questions for each phase, so every journal event belongs to one request. */
interface QuestionPlan {
  scored: string[];
  modelAnswered: string[];
  lmAnswered: string[];
  /** Asked (unmeasured) until the answer source change is in effect. */
  spare: string[];
}

/** Spare questions allowed for the settings change to take effect (1 s apart, plus the request). */
const SPARE_QUESTIONS = 20;

function planQuestions(all: readonly string[], count: number, answered: number): QuestionPlan {
  return {
    scored: all.slice(0, count),
    modelAnswered: all.slice(count, count + answered),
    lmAnswered: all.slice(count + answered, count + 2 * answered),
    spare: all.slice(count + 2 * answered, count + 2 * answered + SPARE_QUESTIONS),
  };
}

async function elicalRun(plan: QuestionPlan): Promise<ElicalRun> {
  const { scored: scoredQuestions, modelAnswered: modelQuestions, lmAnswered: lmQuestions, spare: spareQuestions } = plan;
  return withServer('elical', [EXTENSION_VSIX, TEST_MODEL_VSIX], async (server, page, workspace) => {
    checkBundledModel(server);
    const scored: ScoredTiming[] = [];
    for (const [index, question] of scoredQuestions.entries()) {
      const state = await ask(page, `@confidence /score ${question}`, RESPONSE_DONE_MARKER);
      const event = await scoredEvent(server, question);
      const timing = chatTiming(question, state, null);
      const extensionMs = event.latencyMs ?? Number.NaN;
      const scoresAt = state.enterAt === null ? null : Date.parse(event.time) - (state.timeOrigin + state.enterAt);
      scored.push({
        ...timing,
        extensionMs,
        toParticipantMs: scoresAt === null ? null : scoresAt - extensionMs,
        scoresToBadgeMs: scoresAt === null || timing.badgeDomMs === null ? null : timing.badgeDomMs - scoresAt,
      });
      const last = scored[scored.length - 1];
      console.log(`  score ${index + 1}/${scoredQuestions.length}: badge ${last.badgeDomMs?.toFixed(0)} ms (extension ${last.extensionMs.toFixed(1)} ms)`);
      await sleep(IDLE_BETWEEN_MS);
    }
    const memory = await sampleExtensionHost(server);

    // Peer for the UI round trip: the same request with an answer, from the bundled model (the default answer source)…
    const modelAnswered: ChatTiming[] = [];
    for (const question of modelQuestions) {
      const state = await ask(page, `@confidence ${question}`, RESPONSE_DONE_MARKER);
      const shown = await answerShown(server, (await scoredEvent(server, question)).id);
      if (shown.source !== 'model') throw new Error(`"${question}" was answered by ${shown.source}, expected the bundled model`);
      modelAnswered.push(chatTiming(question, state, shown.answer));
      await sleep(IDLE_BETWEEN_MS);
    }
    // …and from the stand-in chat model through VS Code's language model API (the extension reads its settings per request).
    await switchToVscodeLm(page, server, workspace, spareQuestions);
    const lmAnswered: ChatTiming[] = [];
    for (const question of lmQuestions) {
      const state = await ask(page, `@confidence ${question}`, RESPONSE_DONE_MARKER);
      const shown = await answerShown(server, (await scoredEvent(server, question)).id);
      if (shown.source !== 'vscode-lm') throw new Error(`"${question}" was answered by ${shown.source}, expected vscode-lm (the settings change was not picked up)`);
      lmAnswered.push(chatTiming(question, state, testModelAnswer(question)));
      await sleep(IDLE_BETWEEN_MS);
    }
    return { scored, memory, modelAnswered, lmAnswered };
  });
}

interface PeerRun {
  memory: MemorySample;
  plain: ChatTiming;
}

/** code-server with only the stand-in chat model: the same workbench steps, one plain question. */
async function peerRun(): Promise<PeerRun> {
  return withServer('peer', [TEST_MODEL_VSIX], async (server, page) => {
    const question = 'What is the capital of Peru?';
    const answer = testModelAnswer(question);
    // No participant named, so VS Code's default agent takes it: in code-server that is the
    // built-in Copilot setup agent (Copilot Chat is disabled), which asks to sign in and never
    // reaches the stand-in model. Wait for an answer anyway, up to PEER_RESPONSE_WAIT_MS.
    const state = await ask(page, question, answer, PEER_RESPONSE_WAIT_MS, true);
    const plain = chatTiming(question, state, answer);
    const memory = await sampleExtensionHost(server);
    return { memory, plain };
  });
}

function checkBuilt(): void {
  for (const [path, how] of [
    [join(REPO_ROOT, 'dist/extension.js'), 'npm run build'],
    [EXTENSION_VSIX, 'node scripts/packageVsix.mjs --host'],
    [TEST_MODEL_VSIX, 'node scripts/buildE2e.mjs'],
    [NODE24, 'scripts/installE2eTools.sh'],
    [CODE_SERVER_ENTRY, 'scripts/installE2eTools.sh'],
  ] as const) {
    if (!existsSync(path)) throw new Error(`${path} is missing: run ${how}`);
  }
}

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive whole number`);
  return value;
}

const ms = (value: number | null): string => (value === null || Number.isNaN(value) ? 'n/a' : value < 100 ? value.toFixed(1) : value.toFixed(0));
const mib = (bytes: number): string => (bytes / 1024 / 1024).toFixed(0);

/** `| what | n | p50 | p90 | max |` of the given values; a null is a request that never showed it, counted as "n of m". */
function row(what: string, values: ReadonlyArray<number | null>): string {
  const present = values.filter((value): value is number => value !== null).sort((a, b) => a - b);
  const n = present.length === values.length ? String(values.length) : `${present.length} of ${values.length}`;
  return `| ${what} | ${n} | ${ms(percentile(present, 0.5))} | ${ms(percentile(present, 0.9))} | ${ms(present[present.length - 1] ?? null)} |`;
}

function median(values: ReadonlyArray<number | null>): number {
  return percentile(values.filter((value): value is number => value !== null).sort((a, b) => a - b), 0.5);
}

function report(elical: ElicalRun, peer: PeerRun, environment: string[]): string {
  const [first, ...warm] = elical.scored;
  const badgeP50 = median(warm.map((timing) => timing.badgeDomMs));
  const modelAnswerP50 = median(elical.modelAnswered.map((timing) => timing.answerMs));
  const lmAnswerP50 = median(elical.lmAnswered.map((timing) => timing.answerMs));
  const lines = [
    ...environment,
    '',
    `Request to badge: \`@confidence /score QUESTION\`, ${elical.scored.length} distinct questions of models/demo-facts/data/test_in.jsonl in one chat session, bundled model ${BUNDLED_MODEL}. Wall times from the Enter keydown, measured in the page. Warm = questions 2..${elical.scored.length}.`,
    '',
    '| measure (ms) | n | p50 | p90 | max |',
    '|---|---|---|---|---|',
    row('Enter → badge in the DOM, warm', warm.map((timing) => timing.badgeDomMs)),
    row('Enter → badge, next frame drawn, warm', warm.map((timing) => timing.badgeFrameMs)),
    row('extension latencyMs (journal), warm', warm.map((timing) => timing.extensionMs)),
    row('Enter → request reaches the participant (journal time − latencyMs), warm', warm.map((timing) => timing.toParticipantMs)),
    row('scores ready → badge in the DOM (journal append, IPC, rendering), warm', warm.map((timing) => timing.scoresToBadgeMs)),
    `| first question: Enter → badge in the DOM (includes the model load) | 1 | ${ms(first.badgeDomMs)} | | |`,
    `| first question: extension latencyMs (model load excluded) | 1 | ${ms(first.extensionMs)} | | |`,
    row('default flow (bundled model answers): Enter → badge', elical.modelAnswered.map((timing) => timing.badgeDomMs)),
    row('default flow (bundled model answers): Enter → full answer', elical.modelAnswered.map((timing) => timing.answerMs)),
    row('answerSource vscode-lm (stand-in model, 250 ms/word): Enter → badge', elical.lmAnswered.map((timing) => timing.badgeDomMs)),
    row('answerSource vscode-lm (stand-in model, 250 ms/word): Enter → full answer', elical.lmAnswered.map((timing) => timing.answerMs)),
    '',
    `Badge (warm /score p50 ${ms(badgeP50)} ms) as a share of Enter → full answer p50: ${(badgeP50 / modelAnswerP50).toFixed(2)} of the bundled model's answer (${ms(modelAnswerP50)} ms), ${(badgeP50 / lmAnswerP50).toFixed(2)} of the stand-in chat model's answer through vscode-lm (${ms(lmAnswerP50)} ms).`,
    '',
    '| extension host (code-server, `--type=extensionHost`) | pid | RSS MiB (median of 5) | peak RSS MiB (VmHWM) |',
    '|---|---|---|---|',
    `| EliCal VSIX + stand-in chat model; demo model loaded, ${elical.scored.length} questions scored | ${elical.memory.pid} | ${mib(elical.memory.rssBytes)} | ${mib(elical.memory.peakBytes)} |`,
    `| peer: stand-in chat model only; chat opened, one plain question | ${peer.memory.pid} | ${mib(peer.memory.rssBytes)} | ${mib(peer.memory.peakBytes)} |`,
    `| difference | | ${mib(elical.memory.rssBytes - peer.memory.rssBytes)} | ${mib(elical.memory.peakBytes - peer.memory.peakBytes)} |`,
    '',
    `Peer's plain question "${peer.plain.question}": ${peer.plain.answerMs === null ? `no answer within ${PEER_RESPONSE_WAIT_MS / 1000} s; its response showed: ${JSON.stringify(peer.plain.finalText.slice(0, 120))}` : `answered after ${ms(peer.plain.answerMs)} ms`}.`,
    '',
    'Processes of the EliCal server when sampled:',
    ...elical.memory.tree.map((line) => `- ${line}`),
    'Processes of the peer server when sampled:',
    ...peer.memory.tree.map((line) => `- ${line}`),
  ];
  return lines.join('\n');
}

function environmentLines(loadAtStart: number[], chromiumVersion: string): string[] {
  const node24 = spawnSync(NODE24, ['--version'], { encoding: 'utf8' }).stdout.trim();
  const codeServerPackage = join(CODE_SERVER_ENTRY, '..', '..', '..', 'package.json');
  const codeServerVersion = (JSON.parse(readFileSync(codeServerPackage, 'utf8')) as { version: string }).version;
  const vscodeVersion = (JSON.parse(readFileSync(join(codeServerPackage, '..', 'lib', 'vscode', 'package.json'), 'utf8')) as { version: string }).version;
  return [
    `Machine: ${availableParallelism()} cores (nproc), load average at start ${loadAtStart.map((load) => load.toFixed(2)).join(' / ')} (1 / 5 / 15 min).`,
    `Bench on Node ${process.version}; code-server ${codeServerVersion} (VS Code ${vscodeVersion}) on Node ${node24}; Chromium ${chromiumVersion} headless; ${new Date().toISOString()}.`,
  ];
}

async function chromiumVersion(): Promise<string> {
  const browser = await launchChromium();
  try {
    return browser.version();
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  const loadAtStart = loadavg();
  const count = option('questions', 30);
  const answered = option('answered', 5);
  checkBuilt();
  if (loadAtStart[0] > 1.5) console.log(`warning: load average ${loadAtStart[0].toFixed(2)} at start; timings from a busy machine overstate the latencies`);
  // Whatever an earlier run left (its screenshots, a failed run's server folders) would be mistaken for this run's.
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  const plan = planQuestions(distinctQuestions(readFileSync(QUESTIONS_FILE, 'utf8'), count + 2 * answered + SPARE_QUESTIONS), count, answered);
  const environment = environmentLines(loadAtStart, await chromiumVersion());
  const elical = await elicalRun(plan);
  const peer = await peerRun();
  writeFileSync(join(WORK, 'results.json'), `${JSON.stringify({ environment, elical, peer }, null, 2)}\n`);
  console.log(`\n${report(elical, peer, environment)}`);
  // Success: the servers' folders (extensions, logs) are no longer needed.
  for (const name of ['elical', 'peer']) for (const folder of [name, `${name}-workspace`]) rmSync(join(WORK, folder), { recursive: true, force: true });
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    void Promise.all([...running].map((server) => server.stop())).finally(() => process.exit(130));
  });
}

main().catch((error: unknown) => {
  console.error(`extensionHost.bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  console.error(`server folders and screenshots kept in ${WORK}`);
  process.exitCode = 1;
});
