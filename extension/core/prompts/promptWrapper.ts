/**
 * Turns a question into the exact prompt the model answers from (elical.md, "Prompt"): the
 * package's wrapper text around the question, placed in the user turn of the tokenizer's chat
 * template with the assistant generation prompt appended. The confidence head must see the same
 * prompt the answer is generated from, so scoring and generation both build prompts here.
 */
import type { TextTokenizer } from '../scoring/textTokenizer';

/** The `prompt` block of a model package manifest (docs/model-package.md). */
export interface PromptSettings {
  /** Text with exactly one `{question}` placeholder. */
  wrapper: string;
  /** Render inside the chat template (user turn + generation prompt) when true. */
  chatTemplate: boolean;
  /** >= 1: longer prompts lose tokens from the start of the question. */
  maxPromptTokens: number;
}

export interface BuiltPrompt {
  /** The full prompt text the ids encode (template, wrapper, question). */
  text: string;
  tokenIds: number[];
  /** Null when the question fit; otherwise a sentence for the user saying what was dropped. */
  truncation: string | null;
}

const PLACEHOLDER = '{question}';

/** Throws with a message naming the problem when the settings cannot build a prompt. */
export function checkPromptSettings(settings: PromptSettings): void {
  const count = settings.wrapper.split(PLACEHOLDER).length - 1;
  if (count !== 1) {
    throw new Error(`prompt.wrapper must contain ${PLACEHOLDER} exactly once, found ${count} in ${JSON.stringify(settings.wrapper)}`);
  }
  if (!Number.isInteger(settings.maxPromptTokens) || settings.maxPromptTokens < 1) {
    throw new Error(`prompt.maxPromptTokens must be a positive integer, got ${settings.maxPromptTokens}`);
  }
}

function render(question: string, settings: PromptSettings, tokenizer: TextTokenizer): { text: string; tokenIds: number[] } {
  // split/join rather than String.replace: a question containing "$&" must stay literal.
  const wrapped = settings.wrapper.split(PLACEHOLDER).join(question);
  if (!settings.chatTemplate) return { text: wrapped, tokenIds: tokenizer.encode(wrapped, { addSpecialTokens: true }) };
  if (!tokenizer.hasChatTemplate) {
    throw new Error('the model package asks for a chat template (prompt.chatTemplate = true) but tokenizer_config.json has no chat_template');
  }
  const text = tokenizer.applyChatTemplate([{ role: 'user', content: wrapped }], { addGenerationPrompt: true });
  // The template already writes BOS and the turn markers as text; adding them again would double BOS.
  return { text, tokenIds: tokenizer.encode(text, { addSpecialTokens: false }) };
}

/**
 * Builds the prompt for `question`. When it exceeds maxPromptTokens, question tokens are dropped
 * from the left (the end of a question usually carries what is asked) until the rendered prompt
 * fits; because tokenisation is not additive at the cut, the fit is checked on the re-rendered
 * text. Errors: invalid settings; a wrapper/template that alone exceeds the limit.
 * Example (a test case with a whitespace tokenizer, wrapper "Q: {question} A:", no template,
 * limit 4): "one two three four five" -> "Q: four five A:" with the note that the first 3 of 5
 * question tokens were dropped.
 */
export function buildPrompt(question: string, settings: PromptSettings, tokenizer: TextTokenizer): BuiltPrompt {
  checkPromptSettings(settings);
  const limit = settings.maxPromptTokens;
  const full = render(question, settings, tokenizer);
  if (full.tokenIds.length <= limit) return { ...full, truncation: null };

  const questionIds = tokenizer.encode(question, { addSpecialTokens: false });
  let keep = questionIds.length - (full.tokenIds.length - limit);
  while (keep > 0) {
    const kept = tokenizer.decode(questionIds.slice(questionIds.length - keep), { skipSpecialTokens: false });
    const candidate = render(kept, settings, tokenizer);
    if (candidate.tokenIds.length <= limit) {
      const dropped = questionIds.length - keep;
      return {
        ...candidate,
        truncation: `The question was truncated: its first ${dropped} of ${questionIds.length} tokens were dropped to fit the model's ${limit}-token prompt limit.`,
      };
    }
    keep -= Math.max(1, candidate.tokenIds.length - limit);
  }
  const empty = render('', settings, tokenizer);
  throw new Error(
    `the prompt template alone takes ${empty.tokenIds.length} tokens, which leaves no room for the question within prompt.maxPromptTokens = ${limit}; raise maxPromptTokens in manifest.json`,
  );
}

/**
 * The prompt for `--raw` scoring: the text exactly as given, with only the tokenizer's own
 * special tokens (no wrapper, no chat template). Longer texts are cut from the left like
 * questions, on token ids directly since there is nothing to re-render; a leading BOS stays, as
 * the model was trained with it in front.
 */
export function buildRawPrompt(text: string, maxPromptTokens: number, tokenizer: TextTokenizer): BuiltPrompt {
  const tokenIds = tokenizer.encode(text, { addSpecialTokens: true });
  if (tokenIds.length === 0) throw new Error('the text to score encodes to no tokens');
  if (tokenIds.length <= maxPromptTokens) return { text, tokenIds, truncation: null };
  const keepsBos = tokenIds[0] === tokenizer.specialTokenIds.bos && maxPromptTokens > 1;
  const kept = keepsBos ? [tokenIds[0], ...tokenIds.slice(tokenIds.length - maxPromptTokens + 1)] : tokenIds.slice(tokenIds.length - maxPromptTokens);
  return {
    text: tokenizer.decode(kept, { skipSpecialTokens: false }),
    tokenIds: kept,
    truncation: `The text was truncated: its first ${tokenIds.length - maxPromptTokens} of ${tokenIds.length} tokens were dropped to fit the model's ${maxPromptTokens}-token prompt limit.`,
  };
}
