/**
 * Validates one journal event that arrived as `unknown` (a parsed JSON line) and returns a fresh,
 * fully typed copy, or the reason it is not a valid event. Never casts: each field is checked on
 * its own, unknown fields are rejected (a typo would otherwise drop data silently), and events of
 * a newer schema version are refused with a message saying so.
 */
import {
  ANSWER_SOURCES,
  HEAD_FAMILIES,
  JOURNAL_EVENT_TYPES,
  JOURNAL_SCHEMA_VERSION,
  JournalEvent,
  LABEL_SOURCES,
  SCORING_RUNTIMES,
} from './journalEvent';
import { RecordError, RecordReader } from './recordReader';

export type ParsedJournalEvent = { ok: true; event: JournalEvent } | { ok: false; reason: string };

const SHA256_HEX = /^[0-9a-f]{64}$/;

function readEvent(value: unknown): JournalEvent {
  const reader = RecordReader.of(value, 'a journal event');
  if (!reader.has('schemaVersion')) throw new RecordError('missing field schemaVersion');
  const version = reader.integer('schemaVersion', 1);
  if (version > JOURNAL_SCHEMA_VERSION) {
    throw new RecordError(`schemaVersion ${version} was written by a newer extension (this one reads ${JOURNAL_SCHEMA_VERSION})`);
  }
  const schemaVersion = JOURNAL_SCHEMA_VERSION;
  const type = reader.oneOf('type', JOURNAL_EVENT_TYPES);
  const id = reader.id('id');
  const time = reader.time('time');
  let event: JournalEvent;
  switch (type) {
    case 'question-scored': {
      const question = reader.string('question', { nonEmpty: true });
      const promptHash = reader.optionalString('promptHash');
      if (promptHash !== undefined && !SHA256_HEX.test(promptHash)) {
        throw new RecordError('field promptHash must be 64 lowercase hex digits (sha256)');
      }
      const model = reader.string('model', { nonEmpty: true });
      const scores = reader.numberMap('scores', 0, 1);
      const runtime = reader.oneOf('runtime', SCORING_RUNTIMES);
      const latencyMs = reader.optionalNumber('latencyMs', 0);
      const goldAnswers = reader.has('goldAnswers') ? reader.strings('goldAnswers') : undefined;
      event = { schemaVersion, type, id, time, question, model, scores, runtime };
      if (promptHash !== undefined) event.promptHash = promptHash;
      if (latencyMs !== undefined) event.latencyMs = latencyMs;
      if (goldAnswers !== undefined) event.goldAnswers = goldAnswers;
      break;
    }
    case 'answer-shown':
      event = { schemaVersion, type, id, time, questionId: reader.id('questionId'), answer: reader.string('answer'), source: reader.oneOf('source', ANSWER_SOURCES) };
      break;
    case 'label-given': {
      const questionId = reader.id('questionId');
      const label = reader.oneOf('label', [0, 1] as const);
      const source = reader.oneOf('source', LABEL_SOURCES);
      const originalSource = reader.optionalOneOf('originalSource', LABEL_SOURCES);
      if (originalSource !== undefined && source !== 'import') {
        throw new RecordError(`field originalSource is only meaningful with source "import", got source ${JSON.stringify(source)}`);
      }
      event = { schemaVersion, type, id, time, questionId, label, source };
      if (originalSource !== undefined) event.originalSource = originalSource;
      break;
    }
    case 'label-undone': {
      const targetId = reader.id('targetId');
      if (targetId === id) throw new RecordError('field targetId names the event itself');
      event = { schemaVersion, type, id, time, targetId };
      break;
    }
    case 'head-trained': {
      const headId = reader.id('headId');
      const family = reader.oneOf('family', HEAD_FAMILIES);
      const budget = reader.nullableInteger('budget', 1);
      const labelCount = reader.integer('labelCount', 0);
      const metricsBefore = reader.nullableNumberMap('metricsBefore');
      const metricsAfter = reader.numberMap('metricsAfter');
      event = { schemaVersion, type, id, time, headId, family, budget, labelCount, metricsBefore, metricsAfter };
      break;
    }
    case 'head-promoted':
      event = { schemaVersion, type, id, time, headId: reader.id('headId'), previousHeadId: reader.nullableId('previousHeadId') };
      break;
    default: {
      const unreachable: never = type;
      throw new RecordError(`unhandled event type ${String(unreachable)}`);
    }
  }
  reader.noOtherFields();
  return event;
}

/**
 * Parses one event. Example: `{ schemaVersion: 1, type: 'label-given', id: 'l1', time:
 * '2026-11-27T09:30:00.000Z', questionId: 'q1', label: 1, source: 'command' }` gives `{ ok: true,
 * event }`; the same with `label: 2` gives `{ ok: false, reason: 'field label must be one of 0, 1,
 * got 2' }`.
 */
export function parseJournalEvent(value: unknown): ParsedJournalEvent {
  try {
    return { ok: true, event: readEvent(value) };
  } catch (error) {
    if (error instanceof RecordError) return { ok: false, reason: error.message };
    throw error;
  }
}
