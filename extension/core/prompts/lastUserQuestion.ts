/**
 * The question a chat request asks the extension's own chat language model. A model package
 * answers one question at a time with its own chat template (the prompt its heads were trained
 * on), so a request's history cannot be replayed to it: the question is the text of the last
 * user message, and earlier turns (and any system or assistant text) are left out.
 */

/** A chat message reduced to what matters here: who wrote it and its text parts, in order. */
export interface ChatRequestText {
  role: 'user' | 'assistant' | 'system';
  texts: readonly string[];
}

/**
 * The last user message's text (parts joined, trimmed); null when there is no user message or
 * the last one has no text (an image alone, say): an earlier question is never answered instead.
 */
export function lastUserQuestion(messages: readonly ChatRequestText[]): string | null {
  const last = [...messages].reverse().find((message) => message.role === 'user');
  if (last === undefined) return null;
  const text = last.texts.join('').trim();
  return text === '' ? null : text;
}
