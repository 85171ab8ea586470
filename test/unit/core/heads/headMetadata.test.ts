import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HeadMetadata, HeadTrainingSummary, parseHeadMetadata, serialiseHeadMetadata } from '../../../../extension/core/heads/headMetadata';

const training: HeadTrainingSummary = { epochsRun: 12, bestEpoch: 8, validationLoss: 0.1875, trainSize: 900, validationSize: 100 };
const metadata: HeadMetadata = {
  family: 'elical',
  kind: 'linear',
  budget: 1000,
  target: 'correctness',
  seed: 42,
  training,
};

test('headMetadata: the string form of docs/model-package.md, and back', () => {
  const strings = serialiseHeadMetadata(metadata);
  assert.deepEqual(strings, {
    format: 'elical-head',
    formatVersion: '1',
    kind: 'linear',
    family: 'elical',
    budget: '1000',
    target: 'correctness',
    seed: '42',
    training: '{"epochsRun":12,"bestEpoch":8,"validationLoss":0.1875,"trainSize":900,"validationSize":100}',
  });
  assert.deepEqual(parseHeadMetadata(strings), metadata);
  const all = { ...metadata, family: 'eli-only' as const, budget: null, target: 'consistency' as const, training: { ...training, validationLoss: null } };
  assert.equal(serialiseHeadMetadata(all).budget, 'all');
  assert.deepEqual(parseHeadMetadata(serialiseHeadMetadata(all)), all);
  // Unknown extra keys are tolerated (forward compatibility).
  assert.deepEqual(parseHeadMetadata({ ...strings, producer: 'later version' }), metadata);
});

test('headMetadata: an imported head has an unknown seed and training run', () => {
  const imported: HeadMetadata = { ...metadata, seed: null, training: null };
  const strings = serialiseHeadMetadata(imported);
  assert.equal(strings.seed, 'unknown');
  assert.equal(strings.training, 'null');
  assert.deepEqual(parseHeadMetadata(strings), imported);
  assert.throws(() => parseHeadMetadata({ ...strings, seed: 'later' }), /"seed"/);
});

test('headMetadata: each malformed key is named', () => {
  const good = serialiseHeadMetadata(metadata);
  const cases: Array<[Record<string, unknown> | unknown, RegExp]> = [
    [null, /must be an object/],
    [{ ...good, format: 'other' }, /"format" is "other", expected "elical-head"/],
    [{ ...good, formatVersion: '2' }, /formatVersion "2" is not supported; this build reads 1/],
    [{ ...good, kind: 'conv' }, /"kind" must be one of linear, mlp; got "conv"/],
    [{ ...good, family: 'greedy' }, /"family" must be one of eli-only, cal-only, elical/],
    [{ ...good, target: 'truth' }, /"target" must be one of consistency, correctness/],
    [{ ...good, budget: '0' }, /"budget" must be an integer >= 1/],
    [{ ...good, budget: '1e3' }, /"budget" must be an integer >= 1/],
    [{ ...good, seed: '-1' }, /"seed" must be an integer >= 0/],
    [{ ...good, seed: 42 }, /"seed" must be a string; got 42/],
    [{ ...good, training: '{' }, /"training" is not valid JSON/],
    [{ ...good, training: '{"epochsRun":2,"bestEpoch":3,"validationLoss":0,"trainSize":1,"validationSize":1}' }, /bestEpoch 3 must lie in 1..epochsRun \(2\)/],
    [{ ...good, training: '{"epochsRun":2,"bestEpoch":1,"validationLoss":-1,"trainSize":1,"validationSize":1}' }, /validationLoss must be a finite number >= 0 or null/],
    [{ ...good, training: '{"epochsRun":2,"bestEpoch":1,"validationLoss":0,"validationSize":1}' }, /training.trainSize must be an integer >= 0; got undefined/],
  ];
  for (const [raw, pattern] of cases) assert.throws(() => parseHeadMetadata(raw), pattern);
  const { seed: _seed, ...withoutSeed } = good;
  assert.throws(() => parseHeadMetadata(withoutSeed), /lacks "seed"/);
  assert.throws(() => serialiseHeadMetadata({ ...metadata, budget: 0 }), /"budget" must be a positive integer or null/);
});
