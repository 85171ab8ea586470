/**
 * One journal event <-> one line of text. The encoder writes the envelope keys first
 * (`{"schemaVersion":1,"type":...,"id":...,"time":...`), so every line the journal ever holds
 * starts with JOURNAL_LINE_PREFIX. The decoder relies on that to resynchronise: when a writer is
 * killed mid-line and a later writer's line is glued onto the fragment, the decoder finds the
 * prefix inside the line, recovers the later event and reports the fragment, so the later event
 * (say, a label) is not lost with it.
 */
import { JournalEvent } from './journalEvent';
import { parseJournalEvent } from './parseJournalEvent';

/** Every encoded line starts with these characters. Inside a JSON string a quote is escaped, so the sequence cannot occur in string content. */
export const JOURNAL_LINE_PREFIX = '{"schemaVersion":';

/**
 * Encodes a valid event as one line without the trailing newline. Throws (naming the problem)
 * when the event does not validate, so an invalid event is never written. JSON.stringify escapes
 * every line feed, so the result never contains "\n".
 */
export function encodeJournalLine(event: JournalEvent): string {
  const parsed = parseJournalEvent(event);
  if (!parsed.ok) throw new Error(`refusing to write an invalid journal event ${JSON.stringify(event.id)}: ${parsed.reason}`);
  const { schemaVersion, type, id, time, ...rest } = parsed.event;
  return JSON.stringify({ schemaVersion, type, id, time, ...rest });
}

export type DecodedJournalLine =
  | { kind: 'event'; event: JournalEvent }
  /** The line held garbage (`fragment`, the first `fragmentLength` characters) followed by a whole event. */
  | { kind: 'recovered'; event: JournalEvent; fragmentLength: number; fragmentReason: string }
  | { kind: 'invalid'; reason: string };

function decodeWhole(text: string): { ok: true; event: JournalEvent } | { ok: false; reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `not valid JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  return parseJournalEvent(value);
}

/**
 * Decodes one line (without its newline). Examples: a line written by encodeJournalLine gives
 * `kind: 'event'`; `{"schemaVersion":1,"ty` + a whole encoded line gives `kind: 'recovered'` with
 * `fragmentLength` 21; `{"schemaVersion":1,"ty` alone gives `kind: 'invalid'`.
 */
export function decodeJournalLine(text: string): DecodedJournalLine {
  const whole = decodeWhole(text);
  if (whole.ok) return { kind: 'event', event: whole.event };
  for (let at = text.indexOf(JOURNAL_LINE_PREFIX, 1); at > 0; at = text.indexOf(JOURNAL_LINE_PREFIX, at + 1)) {
    const tail = decodeWhole(text.slice(at));
    if (tail.ok) return { kind: 'recovered', event: tail.event, fragmentLength: at, fragmentReason: whole.reason };
  }
  return { kind: 'invalid', reason: whole.reason };
}
