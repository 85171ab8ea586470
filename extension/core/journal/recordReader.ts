/**
 * Field-by-field reading of a JSON record that arrived as `unknown` (a journal line, an imported
 * HonestyBench line). Each accessor checks one field and throws RecordError with the field's path
 * and what was wrong, so a caller can report "line 12: field scores.elical-1000 must be a number
 * in [0, 1], got 1.5" instead of a cast failing later. Values are copied out, never aliased, so
 * the parsed record carries no stray keys (and no own `__proto__` from JSON.parse reaches a
 * prototype).
 */

/** Thrown by RecordReader; `message` names the field and the problem. */
export class RecordError extends Error {
  override name = 'RecordError';
}

/** Identifiers (event ids, question ids, head ids): 1 to 128 characters, no spaces or slashes. */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** ISO 8601 UTC as Date.prototype.toISOString writes it; milliseconds optional. */
const TIME_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return `a value of type ${typeof value}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True for a calendar-valid UTC time in toISOString form ("2026-02-30T..." is rejected). */
export function isJournalTime(value: unknown): value is string {
  if (typeof value !== 'string' || !TIME_PATTERN.test(value)) return false;
  const ms = Date.parse(value);
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 19) === value.slice(0, 19);
}

/** True for a string usable as an event, question or head id (see ID_PATTERN). */
export function isJournalId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}

export class RecordReader {
  private readonly seen = new Set<string>();

  private constructor(
    private readonly record: Record<string, unknown>,
    private readonly path: string,
  ) {}

  /** Starts reading `value`, which must be a JSON object. `what` names it in errors. */
  static of(value: unknown, what: string, path = ''): RecordReader {
    if (!isPlainObject(value)) throw new RecordError(`${what} must be a JSON object, got ${describe(value)}`);
    return new RecordReader(value, path);
  }

  private name(field: string): string {
    return `${this.path}${field}`;
  }

  private raw(field: string): unknown {
    this.seen.add(field);
    return Object.prototype.hasOwnProperty.call(this.record, field) ? this.record[field] : undefined;
  }

  has(field: string): boolean {
    return this.raw(field) !== undefined;
  }

  private fail(field: string, expected: string, got: unknown): never {
    throw new RecordError(
      got === undefined ? `missing field ${this.name(field)} (${expected})` : `field ${this.name(field)} must be ${expected}, got ${describe(got)}`,
    );
  }

  string(field: string, options: { nonEmpty?: boolean } = {}): string {
    const value = this.raw(field);
    if (typeof value !== 'string' || (options.nonEmpty === true && value.length === 0)) {
      this.fail(field, options.nonEmpty === true ? 'a non-empty string' : 'a string', value);
    }
    return value;
  }

  optionalString(field: string, options: { nonEmpty?: boolean } = {}): string | undefined {
    return this.has(field) ? this.string(field, options) : undefined;
  }

  id(field: string): string {
    const value = this.raw(field);
    if (!isJournalId(value)) this.fail(field, 'an id (1-128 characters: letters, digits, . _ : -, starting with a letter or digit)', value);
    return value;
  }

  nullableId(field: string): string | null {
    return this.raw(field) === null ? null : this.id(field);
  }

  time(field: string): string {
    const value = this.raw(field);
    if (!isJournalTime(value)) this.fail(field, 'a UTC time like 2026-11-27T09:30:00.000Z', value);
    return value;
  }

  /** A finite number within [min, max] (inclusive). */
  number(field: string, min = -Infinity, max = Infinity): number {
    const value = this.raw(field);
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      this.fail(field, `a finite number${Number.isFinite(min) || Number.isFinite(max) ? ` in [${min}, ${max}]` : ''}`, value);
    }
    return value;
  }

  optionalNumber(field: string, min = -Infinity, max = Infinity): number | undefined {
    return this.has(field) ? this.number(field, min, max) : undefined;
  }

  /** An integer within [min, max]. */
  integer(field: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const value = this.raw(field);
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.fail(field, `an integer in [${min}, ${max}]`, value);
    }
    return value;
  }

  /** null, or an integer within [min, max]. */
  nullableInteger(field: string, min: number, max = Number.MAX_SAFE_INTEGER): number | null {
    return this.raw(field) === null ? null : this.integer(field, min, max);
  }

  oneOf<T extends string | number>(field: string, choices: readonly T[]): T {
    const value = this.raw(field);
    const match = choices.find((choice) => choice === value);
    if (match === undefined) this.fail(field, `one of ${choices.map((choice) => JSON.stringify(choice)).join(', ')}`, value);
    return match;
  }

  optionalOneOf<T extends string | number>(field: string, choices: readonly T[]): T | undefined {
    return this.has(field) ? this.oneOf(field, choices) : undefined;
  }

  /** An array of strings (each may be empty). */
  strings(field: string): string[] {
    const value = this.raw(field);
    if (!Array.isArray(value)) this.fail(field, 'an array of strings', value);
    return value.map((item, index) => {
      if (typeof item !== 'string') this.fail(`${field}[${index}]`, 'a string', item);
      return item;
    });
  }

  /** An object mapping ids to finite numbers in [min, max]; keys must be ids. */
  numberMap(field: string, min = -Infinity, max = Infinity): Record<string, number> {
    const value = this.raw(field);
    if (!isPlainObject(value)) this.fail(field, 'an object of numbers', value);
    const inner = new RecordReader(value, `${this.name(field)}.`);
    const entries = Object.keys(value).map((key): [string, number] => {
      if (!isJournalId(key)) throw new RecordError(`field ${this.name(field)} has a key that is not an id: ${describe(key)}`);
      return [key, inner.number(key, min, max)];
    });
    return Object.fromEntries(entries);
  }

  nullableNumberMap(field: string, min = -Infinity, max = Infinity): Record<string, number> | null {
    return this.raw(field) === null ? null : this.numberMap(field, min, max);
  }

  /** Throws when the record has a field no accessor asked for (catches typos and foreign data). */
  noOtherFields(): void {
    const extra = Object.keys(this.record).filter((key) => !this.seen.has(key));
    if (extra.length > 0) throw new RecordError(`unknown field${extra.length > 1 ? 's' : ''} ${extra.map((key) => this.name(key)).join(', ')}`);
  }
}
