import { AnswerJudge, JudgeName } from './answerJudge';
import { containmentJudge } from './containmentJudge';
import { exactMatchJudge } from './exactMatchJudge';
import { f1Judge } from './tokenF1';

/** The judge function behind a JudgeName (exhaustive: a new name fails to compile until added). */
export function judgeByName(name: JudgeName): AnswerJudge {
  switch (name) {
    case 'exact':
      return exactMatchJudge;
    case 'containment':
      return containmentJudge;
    case 'f1':
      return f1Judge;
    default: {
      const unknown: never = name;
      throw new Error(`unknown judge ${JSON.stringify(unknown)}`);
    }
  }
}
