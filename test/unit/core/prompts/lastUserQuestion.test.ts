import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lastUserQuestion } from '../../../../extension/core/prompts/lastUserQuestion';

test('the question is the last user message, its text parts joined and trimmed', () => {
  const question = lastUserQuestion([
    { role: 'system', texts: ['You are helpful.'] },
    { role: 'user', texts: ['What is the capital of France?'] },
    { role: 'assistant', texts: ['Paris'] },
    { role: 'user', texts: ['  What is the capital ', 'of Peru?\n'] },
  ]);
  assert.equal(question, 'What is the capital of Peru?');
});

test('assistant and system text after the last user message is not the question', () => {
  assert.equal(lastUserQuestion([{ role: 'user', texts: ['Who wrote Hamlet?'] }, { role: 'assistant', texts: ['Shakespeare'] }]), 'Who wrote Hamlet?');
});

test('no user message, or a last one without text, gives null rather than an older question', () => {
  assert.equal(lastUserQuestion([]), null);
  assert.equal(lastUserQuestion([{ role: 'system', texts: ['rules'] }, { role: 'assistant', texts: ['hello'] }]), null);
  assert.equal(lastUserQuestion([{ role: 'user', texts: ['What is the capital of Peru?'] }, { role: 'user', texts: [] }]), null);
  assert.equal(lastUserQuestion([{ role: 'user', texts: ['What is the capital of Peru?'] }, { role: 'user', texts: [' ', '\n'] }]), null);
});
