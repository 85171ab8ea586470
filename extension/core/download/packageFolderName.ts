/**
 * A folder name for a downloaded package, made from its manifest's `name` (which comes from the
 * network, so it may hold anything): letters, digits, `.`, `_` and `-` kept, every other run of
 * characters becomes one `-`, no leading dot or dash, at most 64 characters, and Windows device
 * names (con, nul, com1, ...) get a `-model` suffix. Examples: "tiny-llama-fixture" stays,
 * "../../etc" -> "etc", "Llama 3.2 / EliCal" -> "Llama-3.2-EliCal", "" -> "model",
 * "NUL.v2" -> "NUL-model.v2".
 *
 * Windows reserves a device name in any case and with any extension after it ("nul.txt",
 * "Com1.tar.gz" open the device too), so the check is on the part before the first dot, and the
 * suffix goes on that part: "nul.v2-model" would still begin with "nul.". COM0 and LPT0 are not
 * devices, but a needless suffix on them is harmless.
 */
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com\d|lpt\d)$/i;
const MAX_LENGTH = 64;

/** At most MAX_LENGTH characters, with no trailing dot or dash (Windows drops trailing dots). */
function capLength(name: string): string {
  return name.slice(0, MAX_LENGTH).replace(/[.-]+$/, '');
}

export function packageFolderName(name: string): string {
  const cleaned = capLength(name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, ''));
  if (cleaned === '') return 'model';
  const stem = cleaned.split('.', 1)[0];
  return WINDOWS_DEVICE.test(stem) ? capLength(`${stem}-model${cleaned.slice(stem.length)}`) : cleaned;
}
