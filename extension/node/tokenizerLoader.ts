/**
 * Loads a Hugging Face tokenizer (tokenizer.json + tokenizer_config.json) as the core
 * TextTokenizer: tokenisation through @huggingface/tokenizers, chat templates through
 * @huggingface/jinja. Both files are the model's own, so prompts match what the model saw in
 * training without any tokenizer logic of ours.
 */
import { readFile } from 'node:fs/promises';
import { Tokenizer } from '@huggingface/tokenizers';
import { Template } from '@huggingface/jinja';
import type { ChatMessage, SpecialTokenIds, TextTokenizer } from '../core/scoring/textTokenizer';

/** A tokenizer file is missing, not JSON, or not something the tokenizer library accepts. */
export class TokenizerLoadError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'TokenizerLoadError';
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function readJsonObject(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new TokenizerLoadError(file, code === 'ENOENT' ? 'file not found; the model package must include it (re-export the package)' : `cannot be read (${String(error)})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new TokenizerLoadError(file, `is not valid JSON (${(error as Error).message}); restore the file or re-export the package`);
  }
  if (!isRecord(parsed)) throw new TokenizerLoadError(file, 'must hold a JSON object');
  return parsed;
}

/** tokenizer_config.json writes a special token as a string or as an AddedToken object. */
function specialTokenText(config: Record<string, unknown>, key: string, file: string): string | undefined {
  const value = config[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (isRecord(value) && typeof value.content === 'string') return value.content;
  throw new TokenizerLoadError(file, `${key} must be a string or an object with "content", got ${JSON.stringify(value)}`);
}

/** chat_template is a string, or (newer configs) a list of named templates of which "default" is used. */
function chatTemplateSource(config: Record<string, unknown>, file: string): string | undefined {
  const value = config.chat_template;
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    const named = value.find((entry): entry is { name: string; template: string } => isRecord(entry) && entry.name === 'default' && typeof entry.template === 'string');
    if (named) return named.template;
  }
  throw new TokenizerLoadError(file, 'chat_template must be a string or a list holding a {"name": "default", "template": ...} entry');
}

/** Reads and checks both files; every problem names the file it is in. */
export async function loadTokenizer(tokenizerFile: string, configFile: string): Promise<TextTokenizer> {
  const [tokenizerJson, config] = await Promise.all([readJsonObject(tokenizerFile), readJsonObject(configFile)]);
  let tokenizer: Tokenizer;
  try {
    tokenizer = new Tokenizer(tokenizerJson, config);
    tokenizer.encode('probe', { add_special_tokens: false });
  } catch (error) {
    throw new TokenizerLoadError(tokenizerFile, `is not a tokenizer that @huggingface/tokenizers can load (${(error as Error).message})`);
  }

  const specialTexts = {
    bos: specialTokenText(config, 'bos_token', configFile),
    eos: specialTokenText(config, 'eos_token', configFile),
    pad: specialTokenText(config, 'pad_token', configFile),
    unk: specialTokenText(config, 'unk_token', configFile),
  };
  const idOf = (name: keyof SpecialTokenIds): number | undefined => {
    const text = specialTexts[name];
    if (text === undefined) return undefined;
    const id = tokenizer.token_to_id(text);
    if (id === undefined) throw new TokenizerLoadError(configFile, `${name}_token ${JSON.stringify(text)} is not in the vocabulary of tokenizer.json`);
    return id;
  };
  const specialTokenIds: SpecialTokenIds = { bos: idOf('bos'), eos: idOf('eos'), pad: idOf('pad'), unk: idOf('unk') };

  const source = chatTemplateSource(config, configFile);
  let template: Template | undefined;
  if (source !== undefined) {
    try {
      template = new Template(source);
    } catch (error) {
      throw new TokenizerLoadError(configFile, `chat_template does not parse as Jinja (${(error as Error).message})`);
    }
  }
  // Templates read the special tokens by name, as transformers passes them.
  const templateContext = {
    bos_token: specialTexts.bos ?? '',
    eos_token: specialTexts.eos ?? '',
    pad_token: specialTexts.pad ?? '',
    unk_token: specialTexts.unk ?? '',
  };

  return {
    specialTokenIds,
    hasChatTemplate: template !== undefined,
    encode: (text, options) => tokenizer.encode(text, { add_special_tokens: options.addSpecialTokens }).ids,
    decode: (ids, options) => tokenizer.decode([...ids], { skip_special_tokens: options.skipSpecialTokens }),
    idsToTokens: (ids) =>
      ids.map((id) => {
        const token = tokenizer.id_to_token(id);
        if (token === undefined) throw new RangeError(`token id ${id} is not in the vocabulary`);
        return token;
      }),
    tokenToId: (token) => tokenizer.token_to_id(token),
    applyChatTemplate(messages: readonly ChatMessage[], options: { addGenerationPrompt: boolean }): string {
      if (!template) throw new Error(`${configFile} has no chat_template`);
      return template.render({ ...templateContext, messages: messages.map((message) => ({ ...message })), add_generation_prompt: options.addGenerationPrompt });
    },
  };
}
