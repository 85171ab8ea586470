/**
 * The `@confidence` chat turn as pure steps (product.md, "Chat participant"): which steps a
 * request runs, the badge written before the answer, the `/compare` table and the buttons
 * offered after. The VS Code layer (extension/vscode/chatParticipant.ts) only executes these
 * steps, so everything a user reads in the turn is decided and tested here.
 */

/** The slash commands of `@confidence`; a request without one asks for an answer. */
export type ChatCommand = 'answer' | 'score' | 'compare';

/** What the participant does, in order. */
export type ChatStep =
  /** Show progress "Scoring…" and score the question with the active head (or every head). */
  | 'score'
  /** Write the badge of the active head. */
  | 'badge'
  /** Write every head's confidence as a table. */
  | 'compare-table'
  /** Stream the answer from the configured answer source and journal it (answer-shown). */
  | 'answer'
  /** Offer the buttons of chatButtons(). */
  | 'buttons';

/** Colour band of a confidence; the VS Code layer maps each to a theme icon. */
export type ConfidenceBand = 'low' | 'medium' | 'high';

/**
 * Band edges in whole percent. A displayed percentage p (see `confidencePercent`) is `low` when
 * p < lowBelow, `high` when p >= highFrom, otherwise `medium`. Defaults 40 and 70.
 * Valid: integers with 1 <= lowBelow < highFrom <= 100.
 */
export interface BandThresholds {
  lowBelow: number;
  highFrom: number;
}

export const DEFAULT_BAND_THRESHOLDS: BandThresholds = { lowBelow: 40, highFrom: 70 };

/** Progress text shown while the question is scored. */
export const SCORING_PROGRESS = 'Scoring…';

/** Theme icon (codicon id) shown with each band, so the band is readable without colour. */
export const BAND_ICONS: Record<ConfidenceBand, string> = { low: 'error', medium: 'warning', high: 'pass' };

/** Parses the request's slash command (`request.command`); anything else is an error naming the known ones. */
export function parseChatCommand(command: string | undefined): ChatCommand {
  if (command === undefined || command === '') return 'answer';
  if (command === 'score' || command === 'compare') return command;
  throw new Error(`unknown command /${command}; @confidence knows /score and /compare`);
}

/** The steps of a turn. `/score` never answers; `/compare` answers nothing either, it only compares. */
export function chatSteps(command: ChatCommand): ChatStep[] {
  switch (command) {
    case 'answer':
      return ['score', 'badge', 'answer', 'buttons'];
    case 'score':
      return ['score', 'badge', 'buttons'];
    case 'compare':
      return ['score', 'compare-table', 'buttons'];
    default: {
      const unreachable: never = command;
      throw new Error(`unhandled chat command ${String(unreachable)}`);
    }
  }
}

/** Throws a RangeError naming the problem when thresholds are not 1 <= lowBelow < highFrom <= 100 integers. */
export function checkBandThresholds(thresholds: BandThresholds): void {
  const { lowBelow, highFrom } = thresholds;
  if (!Number.isInteger(lowBelow) || !Number.isInteger(highFrom)) throw new RangeError(`badge thresholds must be whole percentages, got lowBelow=${lowBelow}, highFrom=${highFrom}`);
  if (lowBelow < 1 || highFrom > 100 || lowBelow >= highFrom) {
    throw new RangeError(`badge thresholds need 1 <= lowBelow < highFrom <= 100, got lowBelow=${lowBelow}, highFrom=${highFrom}`);
  }
}

/**
 * Confidence in [0, 1] as a whole percentage: Math.round(confidence x 100), halves rounded up
 * as Math.round does, on the floating-point product (0.575 x 100 = 57.49999999999999 gives 57;
 * 0.695 x 100 = 69.5 gives 70).
 * Range 0..100. Errors: RangeError for a non-finite value or one outside [0, 1].
 * Worked example (a test): 0.734 -> 73; 0.005 -> 1; 1 -> 100; 0.575 -> 57.
 */
export function confidencePercent(confidence: number): number {
  if (!Number.isFinite(confidence) || confidence < 0 || confidence > 1) throw new RangeError(`a confidence must be a number in [0, 1], got ${confidence}`);
  return Math.round(confidence * 100);
}

/**
 * Band of a confidence, decided on the displayed whole percentage so the number and the colour
 * never disagree: p = confidencePercent(confidence); low when p < lowBelow, high when
 * p >= highFrom, else medium. Errors: those of confidencePercent and checkBandThresholds.
 * Worked example (a test, defaults 40/70): 0.394 -> 39 low; 0.395 -> 40 medium; 0.694 -> 69
 * medium; 0.695 -> 70 high; 0.70 -> 70 high.
 */
export function confidenceBand(confidence: number, thresholds: BandThresholds = DEFAULT_BAND_THRESHOLDS): ConfidenceBand {
  checkBandThresholds(thresholds);
  const percent = confidencePercent(confidence);
  if (percent < thresholds.lowBelow) return 'low';
  if (percent >= thresholds.highFrom) return 'high';
  return 'medium';
}

/** Escapes text for Markdown so a question, head id or model name cannot inject links, tables or HTML. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~$&]/g, (character) => `\\${character}`).replace(/\r?\n/g, ' ');
}

export interface BadgeInput {
  /** Confidence of the active head, in [0, 1]. */
  confidence: number;
  /** Id of the head (checkpoint) that produced it. */
  headId: string;
  /** Model package name. */
  model: string;
  /** Where the backbone ran: 'cpu', 'cuda', 'remote'. */
  runtime: string;
  /** Milliseconds from request to score (>= 0). */
  latencyMs: number;
  /** The scorer's truncation sentence, or null. */
  truncation: string | null;
}

/**
 * Latency as shown in the badge: below 10 ms one decimal ("4.2 ms"), otherwise whole
 * milliseconds ("37 ms"); 1000 ms and more in seconds with one decimal ("1.3 s").
 * Errors: RangeError for a negative or non-finite value.
 * Worked example (a test): 4.24 -> "4.2 ms"; 37.4 -> "37 ms"; 999.6 -> "1000 ms"; 1340 -> "1.3 s".
 */
export function formatLatency(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`latency must be a non-negative number of milliseconds, got ${ms}`);
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * The badge as Markdown with a theme icon (`$(pass)` etc.; render with supportThemeIcons):
 * `$(icon) **73%** confidence (high) · checkpoint `eli-only` · demo-facts on cpu · 12 ms`,
 * followed by the truncation sentence on its own line when the question was cut.
 */
export function badgeMarkdown(input: BadgeInput, thresholds: BandThresholds = DEFAULT_BAND_THRESHOLDS): string {
  const band = confidenceBand(input.confidence, thresholds);
  const percent = confidencePercent(input.confidence);
  const line = `$(${BAND_ICONS[band]}) **${percent}%** confidence (${band}) · checkpoint ${escapeMarkdown(input.headId)} · ${escapeMarkdown(input.model)} on ${escapeMarkdown(input.runtime)} · ${formatLatency(input.latencyMs)}`;
  return input.truncation === null ? `${line}\n\n` : `${line}\n\n_${escapeMarkdown(input.truncation)}_\n\n`;
}

/** Plain-text badge for places without Markdown (status bar, notifications): "73% high (eli-only)". */
export function badgeText(confidence: number, headId: string, thresholds: BandThresholds = DEFAULT_BAND_THRESHOLDS): string {
  return `${confidencePercent(confidence)}% ${confidenceBand(confidence, thresholds)} (${headId})`;
}

export interface CompareRow {
  headId: string;
  /** Checkpoint family and budget as the manifest or journal states them, e.g. "elical, k=1000". */
  description: string;
  confidence: number;
}

/**
 * `/compare`: one table row per head, in the order given (the package's order), the active head
 * marked with "(active)". Columns: checkpoint, kind, confidence (whole percent), band.
 * Errors: an empty row list; a confidence outside [0, 1].
 */
export function compareTableMarkdown(rows: readonly CompareRow[], activeHeadId: string | null, thresholds: BandThresholds = DEFAULT_BAND_THRESHOLDS): string {
  if (rows.length === 0) throw new Error('no checkpoints to compare');
  const lines = ['| checkpoint | kind | confidence | band |', '|---|---|---:|---|'];
  for (const row of rows) {
    const active = row.headId === activeHeadId ? ' (active)' : '';
    lines.push(`| ${escapeMarkdown(row.headId)}${active} | ${escapeMarkdown(row.description)} | ${confidencePercent(row.confidence)}% | ${confidenceBand(row.confidence, thresholds)} |`);
  }
  return `${lines.join('\n')}\n\n`;
}

/** What a button after the turn does; the VS Code layer maps each to a command. */
export type ChatButtonAction = 'label-right' | 'label-wrong' | 'open-panel';

export interface ChatButton {
  action: ChatButtonAction;
  title: string;
  /** The question the label applies to (also passed to open-panel, which shows it). */
  questionId: string;
}

/**
 * Buttons after the turn: Right / Wrong only when an answer was shown (a label judges an
 * answer the user saw), Open panel always.
 */
export function chatButtons(command: ChatCommand, questionId: string): ChatButton[] {
  const panel: ChatButton = { action: 'open-panel', title: 'Open panel', questionId };
  if (command !== 'answer') return [panel];
  return [{ action: 'label-right', title: 'Right', questionId }, { action: 'label-wrong', title: 'Wrong', questionId }, panel];
}

/** The head whose confidence the badge shows: the promoted one when the model has it, else the package default, else the first. */
export function pickBadgeHead(available: readonly string[], promoted: string | null, packageDefault: string | null): string {
  if (available.length === 0) throw new Error('the model has no confidence heads');
  if (promoted !== null && available.includes(promoted)) return promoted;
  if (packageDefault !== null && available.includes(packageDefault)) return packageDefault;
  return available[0];
}
