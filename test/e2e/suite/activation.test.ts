/**
 * The installed extension activates in a real extension host and registers what its manifest
 * promises: every contributed command, and the chat participant.
 */
import * as assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import * as vscode from 'vscode';
import { EXTENSION_ID, TEST_MODEL_EXTENSION_ID, waitFor } from './e2eEnvironment';

interface ContributedCommand {
  command: string;
}

function contributedCommands(extension: vscode.Extension<unknown>): string[] {
  const contributes: unknown = extension.packageJSON.contributes;
  assert.ok(typeof contributes === 'object' && contributes !== null, 'package.json has contributes');
  const commands = (contributes as { commands?: unknown }).commands;
  assert.ok(Array.isArray(commands), 'package.json contributes.commands is a list');
  return commands.map((entry: ContributedCommand) => entry.command);
}

export function activationTests(): void {
  describe('activation', () => {
    it('activates on startup without any user action', async () => {
      const extension = vscode.extensions.getExtension(EXTENSION_ID);
      assert.ok(extension !== undefined, `${EXTENSION_ID} is installed`);
      // activationEvents is onStartupFinished: wait for VS Code to activate it, never activate it ourselves.
      await waitFor(`${EXTENSION_ID} to be active`, () => (extension.isActive ? true : undefined), 60_000);
    });

    it('registers every command its package.json contributes', async () => {
      const extension = vscode.extensions.getExtension(EXTENSION_ID);
      assert.ok(extension !== undefined);
      const promised = contributedCommands(extension);
      assert.ok(promised.length >= 9, `expected the EliCal commands, got ${promised.join(', ')}`);
      const registered = new Set(await vscode.commands.getCommands(true));
      const missing = promised.filter((command) => !registered.has(command));
      assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
    });

    it('has the test language model available to chat', async () => {
      const helper = vscode.extensions.getExtension(TEST_MODEL_EXTENSION_ID);
      assert.ok(helper !== undefined, `${TEST_MODEL_EXTENSION_ID} is installed (scripts/buildE2e.mjs packages it)`);
      const models = await waitFor('the test language model', async () => {
        const found = await vscode.lm.selectChatModels({ vendor: 'elical-e2e' });
        return found.length > 0 ? found : undefined;
      });
      assert.equal(models[0].id, 'elical-e2e-capitals');
    });
  });
}
