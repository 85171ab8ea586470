/** Extension-host console lines as the smoke-test driver hands them over (codeAutomationLog). */

/**
 * The extension host's console.log arguments as one line, with the printf-style placeholders
 * mocha's reporter uses (%s, %d, %i, %f, %j, %o, %O, %%) filled in the way Node's util.format does.
 * Example: formatConsoleArgs(['  %d passing (%s)', 11, '38s']) === '  11 passing (38s)'
 */
export function formatConsoleArgs(args: unknown): string {
  if (!Array.isArray(args)) return String(args);
  const text = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value) ?? String(value));
  if (typeof args[0] !== 'string') return args.map(text).join(' ');
  const rest = args.slice(1);
  const head = args[0].replace(/%([sdifjoO%])/g, (whole, kind: string) => {
    if (kind === '%') return '%';
    if (rest.length === 0) return whole;
    const value = rest.shift();
    if (kind === 'd' || kind === 'i') return String(kind === 'i' ? Math.trunc(Number(value)) : Number(value));
    if (kind === 'f') return String(Number(value));
    return text(value);
  });
  return [head, ...rest.map(text)].join(' ');
}
