/**
 * Deterministic journal events for the journal reliability tests: the child writer process and
 * the test that checks its output generate the same event for the same (stream, index), so the
 * test can compare what it reads back with what was written, byte for byte.
 */
import { JournalEvent } from '../../extension/core/journal/journalEvent';
import { createSeededRandom } from '../../extension/core/math/seededRandom';

export interface WriterEventOptions {
  /** Share of events carrying a large answer (each 64 KiB to `largeBytes`). */
  largeShare: number;
  largeBytes: number;
}

/**
 * Event `index` of stream `stream`: a question-scored event whose id is `${stream}-${index}`,
 * with text that varies in length and includes multi-byte characters (so byte offsets and
 * character offsets differ), and a large question for a `largeShare` of the events.
 */
export function writerEvent(stream: string, index: number, options: WriterEventOptions): JournalEvent {
  let seed = index * 2654435761;
  for (const char of stream) seed = Math.imul(seed ^ char.charCodeAt(0), 16777619);
  const random = createSeededRandom(seed);
  const large = random() < options.largeShare;
  const length = large ? 65536 + Math.floor(random() * (options.largeBytes - 65536)) : 1 + Math.floor(random() * 300);
  const alphabet = 'abcdefghij klmnopqrstuvwxyz\u00e9\u4e2d"\\\n';
  let question = `${stream}#${index} `;
  const start = Math.floor(random() * alphabet.length);
  // A repeated pattern built by slicing keeps generation fast for 900 KB questions.
  const unit = alphabet.slice(start) + alphabet.slice(0, start);
  question += unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
  return {
    schemaVersion: 1,
    type: 'question-scored',
    id: `${stream}-${index}`,
    time: new Date(Date.UTC(2026, 10, 27) + index * 1000).toISOString(),
    question,
    model: 'journal-test',
    scores: { 'elical-1000': Math.round(random() * 1000) / 1000 },
    runtime: 'cpu',
  };
}
