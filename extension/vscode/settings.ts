/**
 * Typed reads of the `elical.*` settings (package.json "configuration"). Invalid values fall
 * back to their defaults and are reported, so a typo in settings.json never breaks scoring.
 *
 * Untrusted workspaces: settings that point at model files or network endpoints are listed in
 * package.json `capabilities.untrustedWorkspaces.restrictedConfigurations`, so VS Code already
 * withholds their workspace values; we read them through `inspect` and ignore workspace values
 * ourselves as well, so the rule holds even if a VS Code version forgets it.
 */
import * as vscode from 'vscode';
import { type BandThresholds, checkBandThresholds, DEFAULT_BAND_THRESHOLDS } from '../core/chatFlow';

export type ExecutionProvider = 'cpu' | 'cuda' | 'auto';
export type RuntimeSetting = 'local' | 'remote';
export type AnswerSourceSetting = 'model' | 'vscode-lm' | 'openai';

export interface ElicalSettings {
  /** Absolute folder of a model package, or '' for the bundled default. */
  modelPath: string;
  executionProvider: ExecutionProvider;
  runtime: RuntimeSetting;
  remoteUrl: string;
  remoteModel: string;
  remoteTimeoutMs: number;
  answerSource: AnswerSourceSetting;
  openaiUrl: string;
  openaiModel: string;
  thresholds: BandThresholds;
  mapThumbsToLabels: boolean;
  /** Offer the model package as a chat language model (packageChatModel.ts). */
  offerChatModel: boolean;
}

/** Settings whose workspace values are ignored in untrusted workspaces (must match package.json). */
export const RESTRICTED_SETTINGS: readonly string[] = ['modelPath', 'openaiUrl', 'remoteUrl', 'remoteModel'];

export interface SettingsRead {
  settings: ElicalSettings;
  /** One sentence per value that was ignored, for the output channel. */
  problems: string[];
}

/** Reads every setting now (settings can change at any time; callers read per use). */
export function readSettings(): SettingsRead {
  const config = vscode.workspace.getConfiguration('elical');
  const problems: string[] = [];
  const trusted = vscode.workspace.isTrusted;

  const raw = (key: string): unknown => {
    if (trusted || !RESTRICTED_SETTINGS.includes(key)) return config.get<unknown>(key);
    const inspected = config.inspect<unknown>(key);
    const workspaceValue = inspected?.workspaceFolderValue ?? inspected?.workspaceValue;
    if (workspaceValue !== undefined) problems.push(`elical.${key}: the workspace value is ignored because this workspace is not trusted`);
    return inspected?.globalValue ?? inspected?.defaultValue;
  };
  const text = (key: string, fallback: string): string => {
    const value = raw(key);
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'string') {
      problems.push(`elical.${key} must be a string; using ${JSON.stringify(fallback)}`);
      return fallback;
    }
    return value.trim();
  };
  const choice = <T extends string>(key: string, allowed: readonly T[], fallback: T): T => {
    const value = raw(key);
    if (value === undefined) return fallback;
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
    problems.push(`elical.${key} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}; using ${fallback}`);
    return fallback;
  };
  const integer = (key: string, min: number, max: number, fallback: number): number => {
    const value = raw(key);
    if (value === undefined) return fallback;
    if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
    problems.push(`elical.${key} must be an integer in ${min}..${max}, got ${JSON.stringify(value)}; using ${fallback}`);
    return fallback;
  };

  let thresholds: BandThresholds = {
    lowBelow: integer('badge.lowBelow', 1, 99, DEFAULT_BAND_THRESHOLDS.lowBelow),
    highFrom: integer('badge.highFrom', 2, 100, DEFAULT_BAND_THRESHOLDS.highFrom),
  };
  try {
    checkBandThresholds(thresholds);
  } catch (error) {
    problems.push(`elical.badge: ${(error as Error).message}; using ${DEFAULT_BAND_THRESHOLDS.lowBelow}/${DEFAULT_BAND_THRESHOLDS.highFrom}`);
    thresholds = { ...DEFAULT_BAND_THRESHOLDS };
  }
  const flag = (key: string, fallback: boolean): boolean => {
    const value = raw(key);
    if (value === undefined) return fallback;
    if (typeof value === 'boolean') return value;
    problems.push(`elical.${key} must be true or false, got ${JSON.stringify(value)}; using ${fallback}`);
    return fallback;
  };
  return {
    settings: {
      modelPath: text('modelPath', ''),
      executionProvider: choice('executionProvider', ['cpu', 'cuda', 'auto'] as const, 'cpu'),
      runtime: choice('runtime', ['local', 'remote'] as const, 'local'),
      remoteUrl: text('remoteUrl', ''),
      remoteModel: text('remoteModel', ''),
      remoteTimeoutMs: integer('remoteTimeoutMs', 100, 600_000, 10_000),
      answerSource: choice('answerSource', ['model', 'vscode-lm', 'openai'] as const, 'model'),
      openaiUrl: text('openaiUrl', ''),
      openaiModel: text('openaiModel', ''),
      thresholds,
      mapThumbsToLabels: flag('mapThumbsToLabels', false),
      offerChatModel: flag('offerChatModel', true),
    },
    problems,
  };
}
