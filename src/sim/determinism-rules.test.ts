// House rule 1: nothing under src/sim reads a wall clock or unseeded randomness.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(process.cwd(), 'src/sim');
// Math's transcendental functions are engine-specific in their last bit (use kernel/detmath).
const forbidden =
  /\b(Date\.now|performance\.now|Math\.random|setTimeout|setInterval|crypto\.getRandomValues|new Date\(|Math\.(exp|expm1|log|log1p|log2|log10|pow|sin|cos|tan|asin|acos|atan|atan2|sinh|cosh|tanh|cbrt|hypot))\b/;
// Command-line entry points may time themselves; they are not part of the simulation.
const exempt = (path: string) => /\.test\.ts$|__tests__|(^|\/)cli\.ts$|-cli\.ts$/.test(path);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.tsx?$/.test(name) && !exempt(relative(root, p)) ? [p] : [];
  });
}

describe('src/sim determinism rules', () => {
  it('uses no wall clock or unseeded randomness', () => {
    const offenders: string[] = [];
    for (const file of sources(root)) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          const code = line.replace(/\/\/.*$/, '');
          if (forbidden.test(code)) offenders.push(`${relative(process.cwd(), file)}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(offenders).toEqual([]);
  });

  it('the scan itself catches a violation', () => {
    expect(forbidden.test('const x = Math.random();')).toBe(true);
    expect(forbidden.test('const y = Math.exp(x);')).toBe(true);
    expect(forbidden.test('kernel.schedule(10, Math.sqrt(x))')).toBe(false);
  });
});
