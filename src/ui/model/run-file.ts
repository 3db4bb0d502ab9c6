// A run as data: config, recorded inputs and cursor. The same object is the exported
// file and, compacted as base64url JSON, the permalink's `run` parameter.

import type { RecordedInput } from '../../sim/world/inputs';

export const RUN_FORMAT = 'etcd-sim-run';
export const RUN_VERSION = 1;

export interface RunFile {
  format: typeof RUN_FORMAT;
  version: typeof RUN_VERSION;
  config: unknown;
  inputs: RecordedInput[];
  /** Virtual time (ms) the page shows. */
  cursor: number;
}

export class RunFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunFileError';
  }
}

export function makeRun(config: unknown, inputs: readonly RecordedInput[], cursor: number): RunFile {
  return { format: RUN_FORMAT, version: RUN_VERSION, config, inputs: [...inputs], cursor };
}

/** Checks a parsed file's envelope; the world validates config and inputs when it replays. */
export function parseRun(data: unknown): RunFile {
  if (typeof data !== 'object' || data === null) throw new RunFileError('not an etcd-sim run: expected a JSON object');
  const d = data as Record<string, unknown>;
  if (d.format !== RUN_FORMAT) throw new RunFileError(`not an etcd-sim run: format is ${JSON.stringify(d.format)}, expected "${RUN_FORMAT}"`);
  if (typeof d.version !== 'number') throw new RunFileError('run file has no version number');
  if (d.version > RUN_VERSION) {
    throw new RunFileError(`run file version ${d.version} is newer than this page understands (version ${RUN_VERSION}): open it with a newer etcd-sim`);
  }
  if (d.version !== RUN_VERSION) throw new RunFileError(`unsupported run file version ${d.version}`);
  if (!Array.isArray(d.inputs)) throw new RunFileError('run file: inputs must be an array');
  for (const [i, r] of d.inputs.entries()) {
    const ok = typeof r === 'object' && r !== null && typeof r.t === 'number' && typeof r.at === 'number' && typeof r.input === 'object';
    if (!ok) throw new RunFileError(`run file: inputs[${i}] needs t, at and input`);
  }
  if (typeof d.cursor !== 'number' || !(d.cursor >= 0)) throw new RunFileError('run file: cursor must be a time in ms, at least 0');
  return { format: RUN_FORMAT, version: RUN_VERSION, config: d.config ?? {}, inputs: d.inputs as RecordedInput[], cursor: d.cursor };
}

export function parseRunText(text: string): RunFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new RunFileError(`run file is not valid JSON: ${(e as Error).message}`);
  }
  return parseRun(data);
}

export function encodeRun(run: RunFile): string {
  const bytes = new TextEncoder().encode(JSON.stringify(run));
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function decodeRun(param: string): RunFile {
  let text: string;
  try {
    const bin = atob(param.replace(/-/g, '+').replace(/_/g, '/'));
    text = new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
  } catch {
    throw new RunFileError('the link\'s run parameter is not valid base64url');
  }
  return parseRunText(text);
}
