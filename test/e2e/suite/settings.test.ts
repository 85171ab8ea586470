/**
 * Settings are read per use, at the level VS Code resolves: a changed elical.modelPath opens the
 * other package for the next question, and a workspace value overrides the user value in a
 * trusted workspace (the suite's workspace is trusted: code-server runs with workspace trust
 * disabled, so the untrusted case is covered by the unit tests of settings.ts, not here).
 */
import * as assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { QuestionScoredEvent } from '../../../extension/core/journal/journalEvent';
import { askInChat, fixtureModelDir, journalEvents, setUserSetting, waitForNewEvents } from './e2eEnvironment';

const RENAMED = 'tiny-llama-renamed-for-e2e';

/** Asks `question` and returns the model name its question-scored event records. */
async function modelThatScored(question: string): Promise<string> {
  const before = (await journalEvents()).length;
  await askInChat(`@confidence ${question}`);
  // Wait for the answer too, so no request is still streaming when the next test changes settings.
  const added = await waitForNewEvents(before, `${question} to be scored and answered`, (events) => events.some((event) => event.type === 'answer-shown'));
  const scored = added.find((event): event is QuestionScoredEvent => event.type === 'question-scored');
  assert.ok(scored !== undefined && scored.question === question);
  return scored.model;
}

export function settingsTests(): void {
  describe('settings are honoured', () => {
    let copy: string;

    before(async () => {
      // The same weights under another manifest name, so the journal shows which package scored.
      copy = join(mkdtempSync(join(tmpdir(), 'elical-e2e-')), 'package');
      cpSync(fixtureModelDir(), copy, { recursive: true });
      const manifestPath = join(copy, 'manifest.json');
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
      writeFileSync(manifestPath, JSON.stringify({ ...manifest, name: RENAMED }, null, 2));
      await setUserSetting('elical.answerSource', 'vscode-lm');
    });

    after(async () => {
      await vscode.workspace.getConfiguration('elical').update('modelPath', undefined, vscode.ConfigurationTarget.Workspace);
      await setUserSetting('elical.modelPath', fixtureModelDir());
      rmSync(join(copy, '..'), { recursive: true, force: true });
    });

    it('elical.modelPath: the next question is scored by the newly named package', async () => {
      await setUserSetting('elical.modelPath', fixtureModelDir());
      assert.equal(await modelThatScored('What is the capital of France?'), 'tiny-llama-fixture');
      await setUserSetting('elical.modelPath', copy);
      assert.equal(await modelThatScored('What is the capital of Peru?'), RENAMED);
    });

    it('a workspace value of elical.modelPath overrides the user value in a trusted workspace', async () => {
      assert.ok(vscode.workspace.isTrusted, 'the suite workspace is trusted');
      assert.ok(vscode.workspace.workspaceFolders !== undefined, 'the suite opens a folder');
      await setUserSetting('elical.modelPath', fixtureModelDir());
      await vscode.workspace.getConfiguration('elical').update('modelPath', copy, vscode.ConfigurationTarget.Workspace);
      assert.equal(await modelThatScored('What is the capital of Kenya?'), RENAMED);
      await vscode.workspace.getConfiguration('elical').update('modelPath', undefined, vscode.ConfigurationTarget.Workspace);
      assert.equal(await modelThatScored('What is the capital of Japan?'), 'tiny-llama-fixture');
    });
  });
}
