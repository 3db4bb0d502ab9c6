import { describe, expect, it } from 'vitest';
import { library } from './library/index';
import { runScenario, runScenarioAsync, type ScenarioReport } from './runner';
import { loadScenario } from './load';

function failures(r: ScenarioReport): string {
  const steps = r.steps.filter((s) => s.error !== undefined).map((s) => `step ${s.step + 1}: ${s.error}`);
  const xs = r.expectations.filter((x) => x.status !== 'pass').map((x) => `${x.status}: ${x.title} — ${x.detail}`);
  return [r.error ?? '', ...steps, ...xs].join('\n');
}

const runs = library.flatMap((s) => [s.seed, ...(s.otherSeeds === 'seed-dependent' ? [] : s.otherSeeds)].map((seed) => [s.name, seed] as const));

describe('library scenarios pass headless', () => {
  it.each(runs)('%s at seed %i', async (name, seed) => {
    const r = await runScenarioAsync(loadScenario(name), seed);
    expect(r.passed, failures(r)).toBe(true);
  });

  it('a scenario with etcdctl steps needs the asynchronous runner, and says so', () => {
    const r = runScenario(loadScenario('force-new-cluster'));
    expect(r.passed).toBe(false);
    expect(r.error).toMatch(/runs etcdctl commands: replay it with nextAsync/);
  });
});

describe('library scenarios are plain data', () => {
  it.each(library.map((s) => [s.name, s] as const))('%s survives a JSON round trip unchanged', (_, s) => {
    expect(loadScenario(JSON.stringify(s))).toEqual(s);
  });

  it('names are unique', () => {
    expect(new Set(library.map((s) => s.name)).size).toBe(library.length);
  });
});
