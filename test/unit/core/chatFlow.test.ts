import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  badgeMarkdown,
  badgeText,
  chatButtons,
  chatSteps,
  checkBandThresholds,
  compareTableMarkdown,
  confidenceBand,
  confidencePercent,
  escapeMarkdown,
  formatLatency,
  parseChatCommand,
  pickBadgeHead,
} from '../../../extension/core/chatFlow';

test('confidencePercent: worked example 0.734 -> 73, 0.005 -> 1, 1 -> 100, and the float products of 0.575 and 0.695', () => {
  assert.equal(confidencePercent(0.734), 73);
  assert.equal(confidencePercent(0.005), 1);
  assert.equal(confidencePercent(1), 100);
  assert.equal(confidencePercent(0), 0);
  assert.equal(confidencePercent(0.575), 57, '0.575 * 100 is 57.49999999999999 in binary floating point');
  assert.equal(confidencePercent(0.695), 70, '0.695 * 100 is exactly 69.5, rounded up');
  for (const bad of [-0.01, 1.01, Number.NaN, Infinity]) assert.throws(() => confidencePercent(bad), /a confidence must be a number in \[0, 1\]/);
});

test('confidenceBand: worked example on the default 40/70 edges, decided on the displayed percentage', () => {
  assert.equal(confidenceBand(0.394), 'low');
  assert.equal(confidenceBand(0.395), 'medium', 'displays as 40%, which is the first medium value');
  assert.equal(confidenceBand(0.694), 'medium');
  assert.equal(confidenceBand(0.695), 'high', 'displays as 70%');
  assert.equal(confidenceBand(0.7), 'high');
  assert.equal(confidenceBand(0), 'low');
  assert.equal(confidenceBand(1), 'high');
  assert.equal(confidenceBand(0.5, { lowBelow: 60, highFrom: 90 }), 'low');
  assert.equal(confidenceBand(0.95, { lowBelow: 60, highFrom: 90 }), 'high');
});

test('every displayed percentage agrees with its band (sweep over 0..1 in 1e-4 steps)', () => {
  for (let i = 0; i <= 10_000; i++) {
    const confidence = i / 10_000;
    const percent = Number(badgeText(confidence, 'h').split('%')[0]);
    const band = confidenceBand(confidence);
    assert.equal(band, percent < 40 ? 'low' : percent >= 70 ? 'high' : 'medium', `confidence ${confidence}`);
  }
});

test('band thresholds are checked with a message naming the values', () => {
  assert.throws(() => checkBandThresholds({ lowBelow: 70, highFrom: 40 }), /1 <= lowBelow < highFrom <= 100, got lowBelow=70, highFrom=40/);
  assert.throws(() => checkBandThresholds({ lowBelow: 0, highFrom: 40 }), /lowBelow=0/);
  assert.throws(() => checkBandThresholds({ lowBelow: 40, highFrom: 101 }), /highFrom=101/);
  assert.throws(() => checkBandThresholds({ lowBelow: 40.5, highFrom: 70 }), /whole percentages/);
  assert.doesNotThrow(() => checkBandThresholds({ lowBelow: 1, highFrom: 100 }));
});

test('formatLatency: worked example', () => {
  assert.equal(formatLatency(4.24), '4.2 ms');
  assert.equal(formatLatency(37.4), '37 ms');
  assert.equal(formatLatency(999.6), '1000 ms');
  assert.equal(formatLatency(1340), '1.3 s');
  assert.equal(formatLatency(0), '0.0 ms');
  assert.throws(() => formatLatency(-1), /non-negative/);
  assert.throws(() => formatLatency(Number.NaN), /non-negative/);
});

test('badgeMarkdown: percentage, band icon, checkpoint, model, runtime, latency; truncation on its own line', () => {
  const input = { confidence: 0.734, headId: 'eli-only', model: 'demo-facts', runtime: 'cpu', latencyMs: 12.4, truncation: null };
  assert.equal(badgeMarkdown(input), '$(pass) **73%** confidence (high) · checkpoint eli\\-only · demo\\-facts on cpu · 12 ms\n\n');
  assert.equal(
    badgeMarkdown({ ...input, confidence: 0.2, truncation: 'The question was cut to 256 tokens.' }),
    '$(error) **20%** confidence (low) · checkpoint eli\\-only · demo\\-facts on cpu · 12 ms\n\n_The question was cut to 256 tokens\\._\n\n',
  );
  assert.match(badgeMarkdown({ ...input, confidence: 0.5 }), /^\$\(warning\) \*\*50%\*\* confidence \(medium\)/);
});

test('escapeMarkdown neutralises links, tables, HTML and icons from user or model text', () => {
  assert.equal(escapeMarkdown('[x](http://a) | <b> $(zap)\nnext'), '\\[x\\]\\(http://a\\) \\| \\<b\\> \\$\\(zap\\) next');
});

test('parseChatCommand and chatSteps: an answer turn scores, shows the badge, answers, then offers buttons', () => {
  assert.equal(parseChatCommand(undefined), 'answer');
  assert.equal(parseChatCommand(''), 'answer');
  assert.equal(parseChatCommand('score'), 'score');
  assert.equal(parseChatCommand('compare'), 'compare');
  assert.throws(() => parseChatCommand('train'), /unknown command \/train; @confidence knows \/score and \/compare/);
  assert.deepEqual(chatSteps('answer'), ['score', 'badge', 'answer', 'buttons']);
  assert.deepEqual(chatSteps('score'), ['score', 'badge', 'buttons']);
  assert.deepEqual(chatSteps('compare'), ['score', 'compare-table', 'buttons']);
});

test('chatButtons: Right / Wrong only after an answer was shown; Open panel always', () => {
  assert.deepEqual(chatButtons('answer', 'q1').map((button) => [button.action, button.title, button.questionId]), [
    ['label-right', 'Right', 'q1'],
    ['label-wrong', 'Wrong', 'q1'],
    ['open-panel', 'Open panel', 'q1'],
  ]);
  assert.deepEqual(chatButtons('score', 'q2').map((button) => button.action), ['open-panel']);
  assert.deepEqual(chatButtons('compare', 'q3').map((button) => button.action), ['open-panel']);
});

test('compareTableMarkdown: one row per head in the given order, active head marked', () => {
  const table = compareTableMarkdown(
    [
      { headId: 'eli-only', description: 'eli-only, all', confidence: 0.81 },
      { headId: 'cal-1k', description: 'cal-only, k=1000', confidence: 0.35 },
      { headId: 'elical-1k', description: 'elical, k=1000', confidence: 0.555 },
    ],
    'elical-1k',
  );
  assert.equal(
    table,
    [
      '| checkpoint | kind | confidence | band |',
      '|---|---|---:|---|',
      '| eli\\-only | eli\\-only, all | 81% | high |',
      '| cal\\-1k | cal\\-only, k=1000 | 35% | low |',
      '| elical\\-1k (active) | elical, k=1000 | 56% | medium |',
    ].join('\n') + '\n\n',
  );
  assert.throws(() => compareTableMarkdown([], null), /no checkpoints to compare/);
  assert.throws(() => compareTableMarkdown([{ headId: 'h', description: 'd', confidence: 2 }], null), /\[0, 1\]/);
});

test('pickBadgeHead: promoted head if loaded, else the package default, else the first', () => {
  assert.equal(pickBadgeHead(['a', 'b', 'c'], 'c', 'b'), 'c');
  assert.equal(pickBadgeHead(['a', 'b'], 'trained-elsewhere', 'b'), 'b');
  assert.equal(pickBadgeHead(['a', 'b'], null, null), 'a');
  assert.throws(() => pickBadgeHead([], null, null), /no confidence heads/);
});
