// The scenario API for the page, the CLI and tests.

export { loadScenario, scenarioNames } from './load';
export { library } from './library/index';
export { parseScenario, parseScenarioJSON, ScenarioError } from './parse';
export { ScenarioRun, runScenario, runScenarioAsync, type NarrationEntry, type ScenarioReport, type StepOutcome } from './runner';
export type { ExpectationResult, ExpectationStatus } from './expectations';
export { SCENARIO_VERSION, ScenarioSchema, type Scenario, type ScenarioInput, type Step, type Expectation, type Condition, type TraceMatch } from './schema';
export { recordScenario } from './record';
