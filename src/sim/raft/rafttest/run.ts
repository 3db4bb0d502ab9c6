// Runs a transcript file through a fresh InteractionEnv and compares byte for byte.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseFile } from './datadriven';
import { handle } from './handler';
import { InteractionEnv } from './interaction-env';
import { unifiedDiff } from './diff';

export interface FileResult {
  path: string;
  pass: boolean;
  /** Unified diff of the expected vs actual transcript, or the error, when failing. */
  detail: string;
}

/**
 * Runs every case (like datadriven, a mismatch does not stop the file), rebuilds the file
 * with the actual outputs and compares it with the original.
 */
export function runTranscript(path: string): FileResult {
  const text = readFileSync(path, 'utf8');
  const env = new InteractionEnv();
  let expected = '';
  let actual = '';
  const mismatches: string[] = [];
  let error = '';
  try {
    for (const tc of parseFile(text)) {
      let out = handle(env, tc);
      if (!out.endsWith('\n')) out += '\n';
      expected += tc.header + tc.expected + '\n';
      actual += tc.header + out + '\n';
      if (out !== tc.expected) mismatches.push(`line ${tc.line} (${tc.cmd})`);
    }
  } catch (err) {
    error = `\n${(err as Error).stack ?? String(err)}`;
  }
  if (mismatches.length === 0 && error === '') return { path, pass: true, detail: '' };
  const where = mismatches.length > 0 ? `mismatches at ${mismatches.join(', ')}\n` : '';
  return { path, pass: false, detail: where + unifiedDiff(expected, actual) + error };
}

/** Expands folders into their .txt files (sorted), keeping files as given. */
export function collectTranscripts(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    if (statSync(p).isDirectory()) {
      for (const f of readdirSync(p).sort()) if (f.endsWith('.txt')) out.push(join(p, f));
    } else {
      out.push(p);
    }
  }
  return out;
}
