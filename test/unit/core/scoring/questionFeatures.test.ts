import { test } from 'node:test';
import assert from 'node:assert/strict';
import { questionFeatures } from '../../../../extension/core/scoring/questionFeatures';
import type { LastTokenOutputs, ModelRunner } from '../../../../extension/core/scoring/modelRunner';

/** A runner whose feature of a row is [sum of ids, row length]: easy to compute independently. */
class FakeRunner implements ModelRunner {
  readonly hiddenSize = 2;
  readonly vocabSize = 100;
  readonly runtime = 'fake';
  calls: { rows: number; options: object }[] = [];
  async forwardLastToken(rows: readonly (readonly number[])[], options: object = {}): Promise<LastTokenOutputs> {
    this.calls.push({ rows: rows.length, options });
    return { hiddenStates: Float32Array.from(rows.flatMap((row) => [row.reduce((a, b) => a + b, 0), row.length])), logits: undefined };
  }
  generate(): never {
    throw new Error('not used');
  }
  async dispose(): Promise<void> {}
}

const promptIds = (question: string): number[] => Array.from(question, (ch) => ch.charCodeAt(0) % 100);
const expected = (question: string): number[] => [promptIds(question).reduce((a, b) => a + b, 0), question.length];

test('features come back row for row, in batches, with progress; the cache skips the model', async () => {
  const runner = new FakeRunner();
  const questions = ['ab', 'cde', 'f', 'ghij', 'kl'];
  const progress: string[] = [];
  const cache = new Map<string, Float32Array>();
  const features = await questionFeatures(runner, questions, { promptIds, batchSize: 2, cache, onProgress: (done, total) => progress.push(`${done}/${total}`) });
  assert.deepEqual(Array.from(features), questions.flatMap(expected));
  assert.deepEqual(runner.calls.map((call) => call.rows), [2, 2, 1]);
  assert.deepEqual(progress, ['0/5', '2/5', '4/5', '5/5']);
  runner.calls = [];
  const again = await questionFeatures(runner, ['f', 'new', 'ab'], { promptIds, cache });
  assert.deepEqual(Array.from(again), ['f', 'new', 'ab'].flatMap(expected));
  assert.deepEqual(runner.calls.map((call) => call.rows), [1], 'only the unseen question ran');
});

test('the signal and adapter reach the runner; an aborted signal stops before the next batch', async () => {
  const runner = new FakeRunner();
  const controller = new AbortController();
  await questionFeatures(runner, ['a'], { promptIds, signal: controller.signal, adapter: 'lora-1' });
  assert.deepEqual(runner.calls[0].options, { adapter: 'lora-1', signal: controller.signal });
  let batches = 0;
  const cancelling = new FakeRunner();
  const original = cancelling.forwardLastToken.bind(cancelling);
  cancelling.forwardLastToken = async (rows, options) => {
    batches += 1;
    controller.abort();
    return original(rows, options);
  };
  await assert.rejects(questionFeatures(cancelling, ['a', 'b', 'c'], { promptIds, batchSize: 1, signal: controller.signal }), { name: 'AbortError' });
  assert.equal(batches, 1);
  await assert.rejects(questionFeatures(runner, ['a'], { promptIds, batchSize: 0 }), /batchSize/);
});
