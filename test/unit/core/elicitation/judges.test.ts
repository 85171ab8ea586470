import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answerWords, normalizeAnswer } from '../../../../extension/core/elicitation/normalizeAnswer';
import { exactMatchJudge } from '../../../../extension/core/elicitation/exactMatchJudge';
import { containmentJudge } from '../../../../extension/core/elicitation/containmentJudge';
import { f1Judge, tokenF1 } from '../../../../extension/core/elicitation/tokenF1';
import { judgeByName } from '../../../../extension/core/elicitation/judgeByName';
import { DEFAULT_JUDGE, isJudgeName, JUDGE_NAMES } from '../../../../extension/core/elicitation/answerJudge';
import { answerCorrectness, samplingCorrectness } from '../../../../extension/core/elicitation/answerCorrectness';
import { consistencyJudgement } from '../../../../extension/core/elicitation/consistencyJudgement';
import { createSeededRandom } from '../../../../extension/core/math/seededRandom';
import { requirePython, runPython } from '../../../support/python';
import { join } from 'node:path';

test('normalizeAnswer: worked examples', () => {
  assert.equal(normalizeAnswer('The  Euro.'), 'euro');
  assert.equal(normalizeAnswer('A'), 'a');
  assert.equal(normalizeAnswer('the A'), 'the a');
  assert.equal(normalizeAnswer('An apple a day'), 'apple day');
  assert.equal(normalizeAnswer('Theme park'), 'theme park');
  assert.equal(normalizeAnswer('U.S. Dollar'), 'us dollar');
  assert.equal(normalizeAnswer('?!'), '');
  assert.equal(normalizeAnswer('  Guinea-Bissau\n\t(GW) '), 'guineabissau gw');
  assert.equal(normalizeAnswer('ÉCU banana'), 'écu banana');
  assert.deepEqual(answerWords(''), []);
});

test('the "a" trap: a multiple-choice "A" is never correct for every question', () => {
  for (const judge of JUDGE_NAMES.map(judgeByName)) {
    assert.equal(judge('A', 'B'), false);
    assert.equal(judge('A', 'Paris'), false);
    assert.equal(judge('a', 'A'), true);
    assert.equal(answerCorrectness('A', ['B', 'the answer is b'], judge), 0);
  }
});

test('exactMatchJudge: worked examples', () => {
  assert.equal(exactMatchJudge('The Euro.', 'euro'), true);
  assert.equal(exactMatchJudge('Euro', 'Euro EUR'), false);
  assert.equal(exactMatchJudge('A', 'B'), false);
  assert.equal(exactMatchJudge('', ''), false);
  assert.equal(exactMatchJudge('!', '?'), false);
});

test('containmentJudge: whole-word runs in either direction, never empty', () => {
  assert.equal(containmentJudge('The capital is Lima.', 'Lima'), true);
  assert.equal(containmentJudge('Kina', 'Papua New Guinean Kina'), true);
  assert.equal(containmentJudge('Limassol', 'Lima'), false);
  assert.equal(containmentJudge('new kina', 'Papua New Guinean Kina'), false);
  assert.equal(containmentJudge('Guinea', 'Guinea-Bissau'), false);
  assert.equal(containmentJudge('A', 'Paris'), false);
  assert.equal(containmentJudge('?', 'Paris'), false);
  assert.equal(containmentJudge('Paris', '?'), false);
  assert.equal(containmentJudge('new guinean', 'Papua New Guinean Kina'), true);
});

test('tokenF1: worked examples and the SQuAD definition', () => {
  assert.ok(Math.abs(tokenF1('United States Dollar', 'US Dollar') - 0.4) < 1e-15);
  assert.ok(Math.abs(tokenF1('Euro', 'the Euro EUR') - 2 / 3) < 1e-15);
  assert.equal(tokenF1('', ''), 0);
  assert.equal(tokenF1('a b c', 'a b c'), 1);
  // Multiset: a repeated word counts once per occurrence on both sides.
  assert.ok(Math.abs(tokenF1('new new york', 'new york') - (2 * 1 * (2 / 3)) / (1 + 2 / 3)) < 1e-15);
  assert.equal(f1Judge('United States Dollar', 'US Dollar'), false);
  assert.equal(f1Judge('Euro', 'the Euro EUR'), true);
});

test('judge names: parse, default, lookup', () => {
  assert.equal(DEFAULT_JUDGE, 'containment');
  assert.equal(isJudgeName('f1'), true);
  assert.equal(isJudgeName('llm'), false);
  assert.equal(judgeByName('exact'), exactMatchJudge);
  assert.equal(judgeByName('containment'), containmentJudge);
  assert.equal(judgeByName('f1'), f1Judge);
});

test('answerCorrectness and samplingCorrectness against gold lists', () => {
  assert.equal(answerCorrectness('Kina', ['Papua New Guinean Kina', 'PGK'], containmentJudge), 1);
  assert.equal(answerCorrectness('Dollar', ['Euro', 'EUR'], containmentJudge), 0);
  assert.equal(answerCorrectness('pgk', ['Papua New Guinean Kina', 'PGK'], exactMatchJudge), 1);
  assert.throws(() => answerCorrectness('Lima', [], exactMatchJudge), /no gold answers/);
  assert.deepEqual(samplingCorrectness(['Lima', 'Cusco', 'lima city'], ['Lima'], containmentJudge), [1, 0, 1]);
});

test('consistencyJudgement: worked example', () => {
  assert.deepEqual(consistencyJudgement('Lima', ['lima.', 'Cusco', 'The Lima'], exactMatchJudge), [1, 0, 1]);
  assert.deepEqual(consistencyJudgement('Lima', [], exactMatchJudge), []);
});

test('judges agree with an independent Python statement on seeded random answers', (t) => {
  if (!requirePython(t, ['json'])) return;
  const vocabulary = ['A', 'a', 'the', 'The', 'an', 'Lima', 'lima.', 'New', 'york', 'U.S.', 'Kina', '-', '?', 'ant', 'euro', 'Euro,', 'théâtre', '$', '(EUR)'];
  const random = createSeededRandom(11);
  const phrase = (): string => Array.from({ length: Math.floor(random() * 5) }, () => vocabulary[Math.floor(random() * vocabulary.length)]).join(random() < 0.5 ? ' ' : '  ');
  const pairs = Array.from({ length: 400 }, () => [phrase(), phrase()]);
  const expected = JSON.parse(runPython([join(__dirname, '..', '..', '..', 'fixtures', 'elicitation', 'reference_judges.py')], { input: JSON.stringify(pairs) })) as Array<{ norm_c: string; norm_r: string; exact: boolean; containment: boolean; f1: number }>;
  pairs.forEach(([c, r], i) => {
    const where = `pair ${i}: ${JSON.stringify([c, r])}`;
    assert.equal(normalizeAnswer(c), expected[i].norm_c, where);
    assert.equal(normalizeAnswer(r), expected[i].norm_r, where);
    assert.equal(exactMatchJudge(c, r), expected[i].exact, where);
    assert.equal(containmentJudge(c, r), expected[i].containment, where);
    assert.ok(Math.abs(tokenF1(c, r) - expected[i].f1) < 1e-12, where);
  });
  assert.ok(expected.some((e) => e.containment && !e.exact), 'the sample exercises containment beyond exact match');
});
