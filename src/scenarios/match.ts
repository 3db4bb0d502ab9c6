// Matching trace events against a scenario's TraceMatch, and describing one in words.

import type { TraceEvent } from '../sim/trace/trace';
import type { TraceMatch } from './schema';

export function matches(e: TraceEvent, m: TraceMatch): boolean {
  if (e.kind !== m.kind) return false;
  if (m.source !== undefined && e.source !== m.source) return false;
  const fields = e as unknown as Record<string, unknown>;
  if (m.fields !== undefined) {
    for (const [k, v] of Object.entries(m.fields)) if (fields[k] !== v) return false;
  }
  if (m.text !== undefined) {
    const text = typeof fields.text === 'string' ? fields.text : '';
    if (!text.includes(m.text) && !(e.reason ?? '').includes(m.text)) return false;
  }
  return true;
}

export function describeMatch(m: TraceMatch): string {
  const parts = [m.kind];
  if (m.source !== undefined) parts.push(`from ${m.source}`);
  for (const [k, v] of Object.entries(m.fields ?? {})) parts.push(`${k}=${JSON.stringify(v)}`);
  if (m.text !== undefined) parts.push(`"${m.text}"`);
  return parts.join(' ');
}
