/**
 * Bearer tokens of remote endpoints, kept only in VS Code's SecretStorage (the OS keychain where
 * one exists): never in settings, never in the journal, never in a log line. One token per
 * endpoint origin (remoteEndpoint.ts tokenKey), so changing elical.remoteUrl to another server
 * never sends it the old server's token. The OpenAI-compatible answer source keeps its API key
 * here too, under its own key prefix (openaiEndpoint.ts keyKey).
 */
import type * as vscode from 'vscode';

export class RemoteTokenStore {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  /** The token for this key, or undefined when none is stored (an open server). */
  async get(tokenKey: string): Promise<string | undefined> {
    const token = await this.secrets.get(tokenKey);
    return token === undefined || token === '' ? undefined : token;
  }

  async set(tokenKey: string, token: string): Promise<void> {
    await this.secrets.store(tokenKey, token);
  }

  async clear(tokenKey: string): Promise<void> {
    await this.secrets.delete(tokenKey);
  }
}
