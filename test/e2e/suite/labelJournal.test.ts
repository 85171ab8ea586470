/**
 * Labels given the ways a user gives them (a chat button passes the question id; the palette and
 * keybindings label the last answer) reach the label journal in the extension's global storage,
 * and undo retracts exactly the latest label.
 */
import * as assert from 'node:assert/strict';
import { before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { LabelGivenEvent, LabelUndoneEvent, QuestionScoredEvent } from '../../../extension/core/journal/journalEvent';
import { askInChat, fixtureModelDir, journalEvents, setUserSetting, waitForNewEvents } from './e2eEnvironment';

export function labelJournalTests(): void {
  describe('labels reach the journal', () => {
    let first: QuestionScoredEvent;
    let second: QuestionScoredEvent;

    before(async () => {
      await setUserSetting('elical.modelPath', fixtureModelDir());
      await setUserSetting('elical.answerSource', 'vscode-lm');
      const asked: QuestionScoredEvent[] = [];
      for (const question of ['What is the capital of Japan?', 'What is the capital of Kenya?']) {
        const before = (await journalEvents()).length;
        await askInChat(`@confidence ${question}`);
        const added = await waitForNewEvents(before, `${question} to be answered`, (events) => events.some((event) => event.type === 'answer-shown'));
        const scored = added.find((event): event is QuestionScoredEvent => event.type === 'question-scored' && event.question === question);
        assert.ok(scored !== undefined);
        asked.push(scored);
      }
      [first, second] = asked;
    });

    it('a chat button labels its own question, with the button as the source', async () => {
      const before = (await journalEvents()).length;
      await vscode.commands.executeCommand('elical.labelWrong', { questionId: first.id, source: 'chat-button' });
      const [label] = await waitForNewEvents(before, 'the label', (events) => events.length > 0);
      assert.equal(label.type, 'label-given');
      const given = label as LabelGivenEvent;
      assert.deepEqual([given.questionId, given.label, given.source], [first.id, 0, 'chat-button']);
    });

    it('the palette command labels the last answered question', async () => {
      const before = (await journalEvents()).length;
      await vscode.commands.executeCommand('elical.labelRight');
      const [label] = await waitForNewEvents(before, 'the label', (events) => events.length > 0);
      const given = label as LabelGivenEvent;
      assert.deepEqual([given.type, given.questionId, given.label, given.source], ['label-given', second.id, 1, 'command']);
    });

    it('undo retracts the latest label and only that one', async () => {
      const events = await journalEvents();
      const latest = [...events].reverse().find((event): event is LabelGivenEvent => event.type === 'label-given');
      assert.ok(latest !== undefined && latest.questionId === second.id);
      await vscode.commands.executeCommand('elical.undoLabel');
      const [undone] = await waitForNewEvents(events.length, 'the undo', (added) => added.length > 0);
      assert.equal(undone.type, 'label-undone');
      assert.equal((undone as LabelUndoneEvent).targetId, latest.id);
    });
  });
}
