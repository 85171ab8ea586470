/**
 * What the end-to-end test language model is and says, without `vscode`, so the suites that run
 * outside the extension host (the UI suite) know the answer to expect.
 */

/** Vendor id, as declared in this extension's package.json `contributes.languageModelChatProviders`. */
export const TEST_MODEL_VENDOR = 'elical-e2e';
export const TEST_MODEL_ID = 'elical-e2e-capitals';
export const TEST_MODEL_NAME = 'EliCal E2E Capitals';
/** Pause between streamed words, in milliseconds: long enough for a screenshot between badge and answer. */
export const WORD_DELAY_MS = 250;

const CAPITALS: Record<string, string> = { peru: 'Lima', france: 'Paris', japan: 'Tokyo', kenya: 'Nairobi' };

/**
 * The test model's whole answer to a prompt: "Lima is the capital of Peru." when the prompt asks
 * for the capital of a country in its small table (case-insensitive), otherwise "I do not know.".
 * Example: testModelAnswer('What is the capital of Peru?') === 'Lima is the capital of Peru.'
 */
export function testModelAnswer(prompt: string): string {
  const match = /capital of ([a-z]+)/i.exec(prompt);
  const country = match?.[1].toLowerCase();
  if (country === undefined || !(country in CAPITALS)) return 'I do not know.';
  return `${CAPITALS[country]} is the capital of ${country[0].toUpperCase()}${country.slice(1)}.`;
}
