// The guided lesson: a scenario's narration step by step (next / previous move the time
// cursor), its expectations at the cursor, and opening a library scenario or a scenario
// file; the session so far can be saved as a scenario file.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { SimLoop } from '../sim-loop';
import { useUIStore } from '../store';
import { Lesson, lessonURL, seedOf, useLessonStore } from '../model/lesson';
import { library, loadScenario, recordScenario, type ExpectationResult } from '../../scenarios';
import { formatTime } from './Controls';

/** Shows a lesson in the page from its first step. */
function open(loop: SimLoop, lesson: Lesson): void {
  if (!loop.show(lesson.world)) throw new Error('wait for the replay in progress to finish');
  useLessonStore.getState().set({ lesson, step: 0 });
}

function report(e: unknown, what: string): void {
  useUIStore.getState().set({ error: `${what}: ${(e as Error).message}` });
}

function download(name: string, text: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  a.download = name;
  a.click();
  URL.revokeObjectURL(a.href);
}

const BADGE: Record<ExpectationResult['status'], { mark: string; word: string }> = {
  pass: { mark: '✓', word: 'passing' },
  fail: { mark: '✗', word: 'failing' },
  pending: { mark: '…', word: 'pending' },
};

function Expectations({ results }: { results: ExpectationResult[] }) {
  return (
    <ul className="expectations" aria-label="Expectations">
      {results.map((x, i) => (
        <li key={i} data-testid="expectation" data-status={x.status} className={`expectation ${x.status}`} aria-label={`${BADGE[x.status].word}: ${x.title}`}>
          <span className="badge" aria-hidden="true">
            {BADGE[x.status].mark} {x.status}
          </span>{' '}
          <span className="what">{x.title}</span>
          {x.expectation.teaches !== undefined && <span className="teaches"> — {x.expectation.teaches}</span>}
          <div className="detail">{x.detail}</div>
        </li>
      ))}
    </ul>
  );
}

function LessonView({ loop, lesson }: { loop: SimLoop; lesson: Lesson }) {
  const cursor = useUIStore((s) => s.cursor);
  const mode = useUIStore((s) => s.mode);
  const step = useLessonStore((s) => s.step);
  const setLesson = useLessonStore((s) => s.set);
  const attached = loop.world === lesson.world;
  const shownAt = useRef(cursor.t);

  // Follow the cursor as it plays or is dragged; stop once at the lesson's end.
  useEffect(() => {
    if (!attached) return;
    const s = lesson.stepAt(cursor.t, useLessonStore.getState().step);
    if (s !== useLessonStore.getState().step) setLesson({ step: s });
    if (shownAt.current < lesson.endMs && cursor.t >= lesson.endMs && mode === 'playing') {
      loop.player.send({ type: 'PAUSE' });
      loop.seek(lesson.endMs);
    }
    shownAt.current = cursor.t;
  }, [attached, cursor.t, mode, lesson, loop, setLesson]);

  const results = useMemo(() => lesson.expectationsAt(cursor.index, cursor.t), [lesson, cursor.index, cursor.t]);
  const goTo = (i: number) => {
    loop.player.send({ type: 'PAUSE' });
    setLesson({ step: i });
    loop.seek(lesson.steps[i].t);
  };

  const finished = attached && cursor.t >= lesson.endMs;
  const shown = lesson.steps.slice(0, step + 1);
  const failedSteps = lesson.report.steps.filter((s) => s.error !== undefined && s.t <= cursor.t);
  return (
    <div className="lesson" data-testid="lesson">
      <h3>
        {lesson.scenario.title} <span className="seed">(seed {lesson.run.seed})</span>
      </h3>
      <div className="row">
        <button type="button" data-testid="lesson-prev" disabled={!attached || step === 0} onClick={() => goTo(step - 1)}>
          ◀ Previous step
        </button>
        <button type="button" data-testid="lesson-next" disabled={!attached || step + 1 >= lesson.steps.length} onClick={() => goTo(step + 1)}>
          Next step ▶
        </button>
        <output data-testid="lesson-status" aria-live="polite">
          {finished ? 'finished' : `step ${step + 1} of ${lesson.steps.length}`} at {formatTime(Math.min(cursor.t, lesson.endMs))} of {formatTime(lesson.endMs)}
        </output>
      </div>
      {!attached && (
        <p className="note" role="status">
          You changed the run, so the lesson's steps and expectations no longer describe it.{' '}
          <button type="button" onClick={() => open(loop, lesson)}>
            Back to the lesson
          </button>
        </p>
      )}
      <ol className="lesson-steps" aria-label="Lesson steps reached">
        {shown.map((s, i) => (
          <li key={i} aria-current={i === step ? 'step' : undefined} className={i === step ? 'current' : undefined}>
            <span className="when">{formatTime(s.t)}</span> {s.text}
          </li>
        ))}
      </ol>
      {failedSteps.map((s) => (
        <p key={s.step} className="step-error" role="alert">
          Step {s.step + 1} at {formatTime(s.t)}: {s.error}
        </p>
      ))}
      {lesson.report.error !== undefined && finished && <p role="alert">{lesson.report.error}</p>}
      <Expectations results={attached ? results : lesson.report.expectations} />
    </div>
  );
}

function Chooser({ loop }: { loop: SimLoop }) {
  const current = useLessonStore((s) => s.lesson);
  const [name, setName] = useState(current?.scenario.name ?? library[0].name);
  const [seed, setSeed] = useState('');
  const file = useRef<HTMLInputElement>(null);

  const openLibrary = async () => {
    try {
      const scenario = loadScenario(name);
      const lesson = await Lesson.open(scenario, seed === '' ? undefined : seedOf(seed));
      open(loop, lesson);
      history.replaceState(null, '', lessonURL(name, lesson.run.seed));
    } catch (e) {
      report(e, `Cannot open scenario ${name}`);
    }
  };

  const openFile = async (f: File | undefined) => {
    if (f === undefined) return;
    try {
      open(loop, await Lesson.open(loadScenario(await f.text())));
    } catch (e) {
      report(e, `Cannot open scenario file ${f.name}`);
    }
    if (file.current !== null) file.current.value = '';
  };

  return (
    <div className="row">
      <label>
        Scenario{' '}
        <select data-testid="scenario-select" value={name} onChange={(e) => setName(e.target.value)}>
          {library.map((s) => (
            <option key={s.name} value={s.name}>
              {s.title}
            </option>
          ))}
        </select>
      </label>
      <label>
        Seed <input data-testid="scenario-seed" inputMode="numeric" size={6} placeholder="its own" value={seed} onChange={(e) => setSeed(e.target.value)} />
      </label>
      <button type="button" data-testid="scenario-open" onClick={() => void openLibrary()}>
        Open lesson
      </button>
      <label className="file-button">
        Open scenario file <input ref={file} type="file" accept="application/json,.json" data-testid="scenario-import" onChange={(e) => void openFile(e.target.files?.[0])} />
      </label>
    </div>
  );
}

/** Saves the session up to the cursor (config, seed and every input given) as a scenario file. */
function Recorder({ loop }: { loop: SimLoop }) {
  const [name, setName] = useState('my-session');
  const save = () => {
    try {
      const t = useUIStore.getState().cursor.t;
      const scenario = recordScenario(loop.world, { name, title: name, description: 'A session recorded in etcd-sim: the inputs given, at the times they were given.' }, t);
      download(`${name}.json`, JSON.stringify(scenario, null, 2));
    } catch (e) {
      report(e, 'Cannot save the session');
    }
  };
  return (
    <div className="row">
      <label>
        Session name <input data-testid="record-name" value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <button type="button" data-testid="record-save" onClick={save}>
        Save session as scenario
      </button>
    </div>
  );
}

export function LessonPanel({ loop }: { loop: SimLoop }) {
  const lesson = useLessonStore((s) => s.lesson);
  return (
    <div className="lesson-panel">
      {lesson === undefined ? <p className="empty">No lesson open: choose a scenario to replay it as a guided lesson.</p> : <LessonView loop={loop} lesson={lesson} />}
      <Chooser loop={loop} />
      <Recorder loop={loop} />
    </div>
  );
}
