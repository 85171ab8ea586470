/**
 * A URL as download messages show it: origin and path only. The query and fragment are left out
 * because they carry credentials on the URLs a download meets: a host's redirect to a signed CDN
 * URL (`?X-Amz-Signature=...`, `?Expires=...&Signature=...`), or a manifest URL with `?token=`.
 * Messages reach the CLI's stderr, the VS Code log and bug reports; the path alone says which file
 * failed. Example: https://cdn.example.com/m/a.onnx?X-Amz-Signature=abc -> https://cdn.example.com/m/a.onnx
 */
export function displayUrl(url: URL): string {
  // origin never includes a user name or password.
  return `${url.origin}${url.pathname}`;
}
