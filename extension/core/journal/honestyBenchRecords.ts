/**
 * Labels in and out of the journal in the HonestyBench record format (elical.md), the product's
 * exchange format. Export writes one record per labelled question:
 *
 *   question, answer (gold answers; [] when none are known, as for the user's own questions),
 *   greedy_response ([the shown answer], or [] when none was journalled),
 *   greedy_correctness (the effective label, 0 | 1)
 *
 * plus extension fields that plain HonestyBench readers ignore: question_id, model,
 * label_source, label_time, checkpoint_scores ({ head id: confidence }).
 *
 * Import accepts those records and plain HonestyBench lines (whose other fields, such as
 * sampling_response, are ignored here) and turns each into journal events: question-scored
 * (runtime "imported", scores from checkpoint_scores), answer-shown (source "import") when
 * greedy_response is non-empty, and label-given (source "import", originalSource from
 * label_source, time from label_time). Each bad line is reported with its number and reason and
 * contributes no events; the other lines still import. A record whose question_id is already in
 * the journal (or earlier in the file) is skipped with a note, so importing an export twice adds
 * nothing.
 */
import { JOURNAL_SCHEMA_VERSION, JournalEvent, LABEL_SOURCES, LabelSource } from './journalEvent';
import { JournalState } from './foldJournal';
import { RecordError, RecordReader, isJournalId } from './recordReader';

export interface HonestyBenchRecord {
  question: string;
  answer: string[];
  greedy_response: string[];
  greedy_correctness: 0 | 1;
  question_id?: string;
  model?: string;
  label_source?: LabelSource;
  label_time?: string;
  checkpoint_scores?: Record<string, number>;
}

/** One record per question with an effective label, in the order questions were scored. */
export function exportHonestyBenchRecords(state: JournalState): HonestyBenchRecord[] {
  const records: HonestyBenchRecord[] = [];
  for (const question of state.questions.values()) {
    const label = question.label;
    if (label === null) continue;
    records.push({
      question: question.question,
      answer: question.goldAnswers === undefined ? [] : [...question.goldAnswers],
      greedy_response: question.answer === null ? [] : [question.answer.text],
      greedy_correctness: label.label,
      question_id: question.id,
      model: question.model,
      label_source: label.originalSource ?? label.source,
      label_time: label.time,
      checkpoint_scores: { ...question.scores },
    });
  }
  return records;
}

/** JSONL text of the records: one JSON object per line, each line ending in "\n". */
export function formatHonestyBenchJsonl(records: readonly HonestyBenchRecord[]): string {
  return records.map((record) => `${JSON.stringify(record)}\n`).join('');
}

export interface HonestyBenchImportOptions {
  /** Model name for records without a `model` field. */
  model: string;
  /** Time of the import (toISOString form): used for the events, and for labels without label_time. */
  time: string;
  /** Makes a fresh, unique event id (crypto.randomUUID in the extension). */
  newId: () => string;
  /** Question ids already in the journal: records carrying one of these are skipped. */
  knownQuestionIds?: ReadonlySet<string>;
}

export interface HonestyBenchLineNote {
  /** 1-based line number in the imported text. */
  line: number;
  reason: string;
}

export interface HonestyBenchImport {
  /** Events to append, in order (question, then answer, then label, per record). */
  events: JournalEvent[];
  /** Records imported. */
  imported: number;
  /** Lines that were not valid records; they contribute nothing. */
  errors: HonestyBenchLineNote[];
  /** Valid records left out on purpose (already in the journal). */
  skipped: HonestyBenchLineNote[];
}

interface ReadRecord {
  question: string;
  answer: string[];
  greedyResponse: string[];
  correctness: 0 | 1;
  questionId?: string;
  model?: string;
  labelSource?: LabelSource;
  labelTime?: string;
  scores: Record<string, number>;
}

function readRecord(value: unknown): ReadRecord {
  const reader = RecordReader.of(value, 'a HonestyBench record');
  const record: ReadRecord = {
    question: reader.string('question', { nonEmpty: true }),
    answer: reader.has('answer') ? reader.strings('answer') : [],
    greedyResponse: reader.strings('greedy_response'),
    correctness: reader.oneOf('greedy_correctness', [0, 1] as const),
    scores: reader.has('checkpoint_scores') ? reader.numberMap('checkpoint_scores', 0, 1) : {},
  };
  if (reader.has('question_id')) record.questionId = reader.id('question_id');
  const model = reader.optionalString('model', { nonEmpty: true });
  if (model !== undefined) record.model = model;
  const labelSource = reader.optionalOneOf('label_source', LABEL_SOURCES);
  if (labelSource !== undefined) record.labelSource = labelSource;
  if (reader.has('label_time')) record.labelTime = reader.time('label_time');
  return record;
}

/**
 * Imports JSONL text. Example: the line
 * `{"question":"Capital of France?","answer":["Paris"],"greedy_response":["Paris"],"greedy_correctness":1}`
 * gives three events (question-scored, answer-shown "Paris", label-given 1 with source "import");
 * a line with `"greedy_correctness":2` gives the error `{ line: 1, reason: 'field
 * greedy_correctness must be one of 0, 1, got 2' }` and no events.
 */
export function importHonestyBenchJsonl(text: string, options: HonestyBenchImportOptions): HonestyBenchImport {
  const result: HonestyBenchImport = { events: [], imported: 0, errors: [], skipped: [] };
  const taken = new Set<string>(options.knownQuestionIds ?? []);
  const schemaVersion = JOURNAL_SCHEMA_VERSION;
  const time = options.time;
  text.split('\n').forEach((rawLine, index) => {
    const line = index + 1;
    const body = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (body.trim().length === 0) return;
    let record: ReadRecord;
    try {
      let value: unknown;
      try {
        value = JSON.parse(body);
      } catch (error) {
        throw new RecordError(`not valid JSON (${error instanceof Error ? error.message : String(error)})`);
      }
      record = readRecord(value);
    } catch (error) {
      if (!(error instanceof RecordError)) throw error;
      result.errors.push({ line, reason: error.message });
      return;
    }
    if (record.questionId !== undefined && taken.has(record.questionId)) {
      result.skipped.push({ line, reason: `question ${JSON.stringify(record.questionId)} is already in the journal` });
      return;
    }
    const questionId = record.questionId ?? options.newId();
    const answerId = options.newId();
    const labelId = options.newId();
    for (const id of [questionId, answerId, labelId]) {
      if (!isJournalId(id)) throw new Error(`newId() returned ${JSON.stringify(id)}, which is not a valid journal id`);
    }
    taken.add(questionId);
    result.events.push({
      schemaVersion,
      type: 'question-scored',
      id: questionId,
      time,
      question: record.question,
      model: record.model ?? options.model,
      scores: record.scores,
      runtime: 'imported',
      goldAnswers: record.answer,
    });
    if (record.greedyResponse.length > 0) {
      result.events.push({ schemaVersion, type: 'answer-shown', id: answerId, time, questionId, answer: record.greedyResponse[0], source: 'import' });
    }
    const label: JournalEvent = {
      schemaVersion,
      type: 'label-given',
      id: labelId,
      time: record.labelTime ?? time,
      questionId,
      label: record.correctness,
      source: 'import',
    };
    if (record.labelSource !== undefined && record.labelSource !== 'import') label.originalSource = record.labelSource;
    result.events.push(label);
    result.imported += 1;
  });
  return result;
}
