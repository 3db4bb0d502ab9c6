// Finding a scenario for the page or the CLI: a library name, or a scenario document.

import { library } from './library/index';
import { parseScenario, parseScenarioJSON, ScenarioError } from './parse';
import type { Scenario } from './schema';

export function scenarioNames(): string[] {
  return library.map((s) => s.name);
}

/**
 * A library scenario by name, or a scenario given as JSON text or a parsed document
 * (an imported file). Throws ScenarioError naming the problem.
 */
export function loadScenario(nameOrDoc: string | object): Scenario {
  if (typeof nameOrDoc !== 'string') return parseScenario(nameOrDoc);
  const text = nameOrDoc.trim();
  if (text.startsWith('{')) return parseScenarioJSON(text);
  const found = library.find((s) => s.name === text);
  if (found === undefined) throw new ScenarioError([`no scenario named "${text}": the library has ${scenarioNames().join(', ')}`]);
  return found;
}
