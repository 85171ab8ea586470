/**
 * Synthetic HonestyBench data whose answer is known: correctness and self-consistency are
 * functions of the model's own features (a fixed random direction), so heads trained on those
 * features must beat chance, and by how much is predictable. Used by the eval/train tests.
 */
import { writeFileSync } from 'node:fs';
import { createSeededRandom } from '../../extension/core/math/seededRandom';

const SUBJECTS = ['Peru', 'France', 'Japan', 'Kenya', 'Chile', 'Norway', 'Egypt', 'Canada', 'Nepal', 'Brazil', 'Spain', 'India'];
const ASKS = ['What is the capital of', 'Which currency is used in', 'On which continent is', 'What language is spoken in', 'What is the calling code of'];

/** Distinct, realistic question texts; question i belongs to fact `fact-(i div 2)` (two wordings per fact). */
export function syntheticQuestions(count: number, offset = 0): { question: string; fact_id: string }[] {
  return Array.from({ length: count }, (_, k) => {
    const i = k + offset;
    const fact = Math.floor(i / 2);
    const subject = `${SUBJECTS[fact % SUBJECTS.length]} ${Math.floor(fact / SUBJECTS.length)}`;
    return { question: `${ASKS[(fact * 7) % ASKS.length]} ${subject}${i % 2 === 0 ? '?' : ' please?'}`, fact_id: `fact-${fact}` };
  });
}

/**
 * Records for the given questions and their features: s = standardised w . x for a seeded
 * direction w; greedy_correctness = [s + 0.5 * noise > 0]; 20 consistency judgements each 1 with
 * probability sigmoid(3 s); N-Prob = a noisy sigmoid of s (through greedy_cumulative_logprobs
 * over 2 tokens); exposure_bucket from s.
 */
export function syntheticRecords(questions: { question: string; fact_id: string }[], features: Float32Array, hiddenSize: number, seed: number): Record<string, unknown>[] {
  const random = createSeededRandom(seed);
  const directionRandom = createSeededRandom(1234);
  const w = Array.from({ length: hiddenSize }, () => directionRandom() * 2 - 1);
  const raw = questions.map((_, row) => w.reduce((sum, value, j) => sum + value * features[row * hiddenSize + j], 0));
  const mean = raw.reduce((a, b) => a + b, 0) / raw.length;
  const sd = Math.sqrt(raw.reduce((a, b) => a + (b - mean) ** 2, 0) / raw.length) || 1;
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return questions.map((item, row) => {
    const s = (raw[row] - mean) / sd;
    const correct = s + 0.5 * gauss() > 0 ? 1 : 0;
    const p = 1 / (1 + Math.exp(-3 * s));
    const consistency = Array.from({ length: 20 }, () => (random() < p ? 1 : 0));
    const nProb = 1 / (1 + Math.exp(-(0.5 * s + gauss())));
    return {
      question: item.question,
      answer: ['gold'],
      greedy_response: [correct ? 'gold' : 'other'],
      greedy_tokens: [['go', 'ld']],
      greedy_cumulative_logprobs: [2 * Math.log(nProb)],
      sampling_response: consistency.map((c) => (c ? 'gold' : 'other')),
      judge: 'containment',
      consistency_judgement: consistency,
      greedy_correctness: correct,
      sampling_correctness: consistency.map((c) => (c === 1 ? correct : 1 - correct)),
      fact_id: item.fact_id,
      exposure_bucket: s > 0.5 ? '>10' : s > 0 ? '3-10' : 'unseen',
    };
  });
}

export function writeJsonl(path: string, records: readonly object[]): void {
  writeFileSync(path, records.map((record) => `${JSON.stringify(record)}\n`).join(''));
}
