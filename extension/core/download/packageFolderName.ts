/**
 * A folder name for a downloaded package, made from its manifest's `name` (which comes from the
 * network, so it may hold anything): letters, digits, `.`, `_` and `-` kept, every other run of
 * characters becomes one `-`, no leading dot or dash, at most 64 characters, and Windows device
 * names (con, nul, com1, ...) get a `-model` suffix. Examples: "tiny-llama-fixture" stays,
 * "../../etc" -> "etc", "Llama 3.2 / EliCal" -> "Llama-3.2-EliCal", "" -> "model".
 */
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com\d|lpt\d)$/i;

export function packageFolderName(name: string): string {
  const cleaned = name
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[.-]+/, '')
    .slice(0, 64)
    .replace(/[.-]+$/, '');
  if (cleaned === '') return 'model';
  return WINDOWS_DEVICE.test(cleaned) ? `${cleaned}-model` : cleaned;
}
