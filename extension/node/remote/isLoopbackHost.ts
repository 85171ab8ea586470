/**
 * Whether a host name stays on this machine, and the warning for a plain-http URL that does not:
 * without TLS, prompts' token ids, the hidden states and the bearer token cross the network in
 * clear text.
 */

/**
 * True for `localhost` (and names under `.localhost`), any 127.0.0.0/8 address, `::1` (with or
 * without brackets) and the IPv4-mapped form `::ffff:127.x.y.z`. Host names are compared without
 * case. Anything else, including `0.0.0.0` and `::` (all interfaces), is not loopback.
 * Example: isLoopbackHost('127.0.0.2') === true, isLoopbackHost('0.0.0.0') === false.
 */
export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (name === '::1' || name === '0:0:0:0:0:0:0:1') return true;
  const v4 = name.startsWith('::ffff:') ? name.slice('::ffff:'.length) : name;
  const parts = v4.split('.');
  return parts.length === 4 && parts[0] === '127' && parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255);
}

/** The warning for `url`, or null when it uses https or a loopback host. */
export function plainHttpWarning(url: URL): string | null {
  if (url.protocol !== 'http:' || isLoopbackHost(url.hostname)) return null;
  return `the remote endpoint ${url.origin} uses plain http on a non-loopback host: token ids, hidden states and the bearer token travel unencrypted; use https (for example a TLS reverse proxy in front of the server)`;
}
