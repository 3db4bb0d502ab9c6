// Reading a scenario document: the version is checked first (a newer file is refused with
// a clear message rather than half-understood), then every field is validated.

import { describeIssue } from '../sim/world/config';
import { SCENARIO_VERSION, ScenarioSchema, type Scenario } from './schema';

export class ScenarioError extends Error {
  constructor(
    readonly problems: string[],
    source = 'scenario',
  ) {
    super(`invalid ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ScenarioError';
  }
}

/** Validates a scenario document (parsed JSON), filling defaults; throws ScenarioError. */
export function parseScenario(doc: unknown, source?: string): Scenario {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new ScenarioError(['(scenario): expected a JSON object'], source);
  const version = (doc as { version?: unknown }).version;
  if (typeof version === 'number' && Number.isInteger(version) && version > SCENARIO_VERSION) {
    throw new ScenarioError([`version: this file uses scenario format ${version}, newer than the ${SCENARIO_VERSION} this simulator reads; update etcd-sim to replay it`], source);
  }
  const result = ScenarioSchema.safeParse(doc, { reportInput: true });
  if (result.success) return result.data;
  throw new ScenarioError(result.error.issues.map(describeIssue), source);
}

/** Parses scenario JSON text; a syntax error is reported as such. */
export function parseScenarioJSON(text: string, source?: string): Scenario {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ScenarioError([`(file): not valid JSON: ${(err as Error).message}`], source);
  }
  return parseScenario(doc, source);
}
