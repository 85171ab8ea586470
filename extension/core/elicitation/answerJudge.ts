/**
 * What a judge is and the names the product gives its lexical judges. A judge decides whether a
 * candidate answer means the same as a reference: a gold answer (correctness) or the greedy
 * answer (consistency, Cons-Sem). The name travels with every judged record, because results
 * are only comparable under the same judge (elical.md, "Baselines").
 */

/** Decides whether `candidate` agrees with `reference`. Every judge here is symmetric. */
export type AnswerJudge = (candidate: string, reference: string) => boolean;

/** Names accepted by `--judge` and written as a record's `judge` field. */
export const JUDGE_NAMES = ['exact', 'containment', 'f1'] as const;

export type JudgeName = (typeof JUDGE_NAMES)[number];

/** The judge used when none is named: containment accepts "Euro" for "the Euro (EUR)". */
export const DEFAULT_JUDGE: JudgeName = 'containment';

/** True when `value` is one of JUDGE_NAMES. */
export function isJudgeName(value: unknown): value is JudgeName {
  return typeof value === 'string' && (JUDGE_NAMES as readonly string[]).includes(value);
}
