import { readFileSync } from 'node:fs';
import { runSchedule } from './run';
import { mergedHistory } from './checks';
const r = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const res = runSchedule(r.schedule, { keepRecords: true, traceLevel: 'info' });
const w = res.records!.world;
for (const e of mergedHistory(w).filter(e => e.t < 1300)) console.log(Math.round(e.t), e.process, e.type, e.f, e.value ?? '', JSON.stringify(e.expected ?? ''), JSON.stringify(e.result ?? ''), e.revision ?? '', e.error ?? '');
console.log(JSON.stringify(res.records!.store.slice(0, 8).map(e => [e.type, e.kv.value, e.kv.modRevision, e.kv.version])));
