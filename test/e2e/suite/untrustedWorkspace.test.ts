/**
 * Restricted mode (package.json capabilities.untrustedWorkspaces, product.md "Non-negotiables"):
 * the runner opens a workspace whose .vscode/settings.json points elical.modelPath, remoteUrl and
 * openaiUrl at places the user never chose, in a code-server with workspace trust on and the
 * workspace not trusted. The extension must still activate, score with the model of the user
 * settings (the fixture) and answer through the user's endpoint, never the workspace's, while
 * harmless workspace settings (a badge threshold, the answer source) still apply.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { AnswerShownEvent, QuestionScoredEvent } from '../../../extension/core/journal/journalEvent';
import { askInChat, EXTENSION_ID, journalEvents, setUserSetting, waitForNewEvents } from './e2eEnvironment';
import { STAND_IN_PIECES, StandInChatServer } from './standInChatServer';
import { UNTRUSTED_WORKSPACE_SETTINGS } from './untrustedWorkspaceSettings';

export function untrustedWorkspaceTests(): void {
  describe('untrusted workspace', () => {
    it('runs in restricted mode with the workspace settings present', async () => {
      assert.equal(vscode.workspace.isTrusted, false, 'the runner opened the workspace without trusting it');
      const extension = vscode.extensions.getExtension(EXTENSION_ID);
      assert.ok(extension !== undefined);
      await extension.activate();
      assert.equal(extension.isActive, true, 'the extension activates in restricted mode');
      // The file is there, and VS Code read it: the unrestricted setting has its workspace value...
      const folder = vscode.workspace.workspaceFolders?.[0];
      assert.ok(folder !== undefined, 'a workspace folder is open');
      const onDisk = JSON.parse(readFileSync(join(folder.uri.fsPath, '.vscode', 'settings.json'), 'utf8')) as Record<string, unknown>;
      assert.deepEqual(onDisk, UNTRUSTED_WORKSPACE_SETTINGS);
      assert.equal(vscode.workspace.getConfiguration('elical').inspect('badge.lowBelow')?.workspaceValue, 35);
      assert.equal(vscode.workspace.getConfiguration('elical').get('answerSource'), 'openai');
      // ...while the restricted ones do not reach the extension at workspace level.
      for (const key of ['modelPath', 'remoteUrl', 'openaiUrl']) {
        assert.equal(vscode.workspace.getConfiguration('elical').inspect(key)?.workspaceValue, undefined, `elical.${key} is withheld in restricted mode`);
      }
    });

    it('scores with the model of the user settings, ignoring the workspace model path', async function () {
      // Above the suite's 120 s, which equals the wait below: the wait, not mocha, should report a slow score.
      this.timeout(120_000 + 60_000);
      const before = (await journalEvents()).length;
      const question = 'What is the capital of Peru?';
      await askInChat(`@confidence /score ${question}`);
      const added = await waitForNewEvents(before, 'the question to be scored', (events) => events.some((event) => event.type === 'question-scored'), 120_000);
      const scored = added.find((event): event is QuestionScoredEvent => event.type === 'question-scored');
      assert.ok(scored !== undefined);
      assert.equal(scored.question, question);
      assert.equal(scored.model, 'tiny-llama-fixture', 'the fixture named in the user settings scored the question');
      assert.equal(scored.runtime, 'cpu', 'the workspace remote URL was not used');
    });

    it('answers through the endpoint of the user settings, never the workspace one', async function () {
      this.timeout(120_000 + 60_000);
      const server = await StandInChatServer.start();
      try {
        await setUserSetting('elical.openaiUrl', server.baseUrl);
        await setUserSetting('elical.openaiModel', 'user-chosen-model');
        const before = (await journalEvents()).length;
        await askInChat('@confidence Which city is the capital of Peru?');
        // Had the workspace URL (203.0.113.7, where nothing answers) been used, no answer would come.
        const added = await waitForNewEvents(before, 'the answer from the user endpoint', (events) => events.some((event) => event.type === 'answer-shown'), 120_000);
        const shown = added.find((event): event is AnswerShownEvent => event.type === 'answer-shown');
        assert.ok(shown !== undefined);
        assert.equal(shown.source, 'openai-compatible');
        assert.equal(shown.answer, STAND_IN_PIECES.join(''));
        assert.equal(server.received.length, 1, 'the user endpoint got the question');
        assert.equal(server.received[0].body.model, 'user-chosen-model');
      } finally {
        await setUserSetting('elical.openaiUrl', '');
        await setUserSetting('elical.openaiModel', '');
        await server.close();
      }
    });
  });
}
