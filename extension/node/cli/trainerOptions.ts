/**
 * The trainer hyper-parameters `elical train` and `elical eval` both accept. Defaults are the
 * core trainer's (the paper's recipe for a head: AdamW lr 1e-3, batch 512, epochs by budget).
 */
import type { TrainerSettings } from '../../core/evaluation/trainFamilyHead';
import { CliUsageError } from './cliIo';
import { parseCount } from './openModel';

export const TRAINER_OPTIONS = {
  lr: { type: 'string' },
  'batch-size': { type: 'string' },
  'max-epochs': { type: 'string' },
} as const;

export const TRAINER_OPTIONS_HELP = `trainer:
  --lr X           peak learning rate (default 1e-3)
  --batch-size N   rows per step (default 512, the paper's effective batch)
  --max-epochs N   default 50 up to 10,000 rows, else 10 (whole pool) or 15 (a budget); early
                   stopping with patience 4 on the validation MSE keeps the best epoch`;

/** Parses the three options; errors name the option and the value. */
export function parseTrainerSettings(values: { lr?: string; 'batch-size'?: string; 'max-epochs'?: string }): TrainerSettings {
  const settings: TrainerSettings = {};
  if (values.lr !== undefined) {
    const lr = Number(values.lr);
    if (!/^[0-9.eE+-]+$/.test(values.lr) || !Number.isFinite(lr) || lr <= 0) throw new CliUsageError(`--lr must be a number > 0, got ${JSON.stringify(values.lr)}`);
    settings.learningRate = lr;
  }
  if (values['batch-size'] !== undefined) settings.batchSize = parseCount('batch-size', values['batch-size'], 512, 1);
  if (values['max-epochs'] !== undefined) settings.maxEpochs = parseCount('max-epochs', values['max-epochs'], 50, 1);
  return settings;
}
