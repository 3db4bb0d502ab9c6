// npm run raft:datadriven -- PATH...: runs transcript files or folders, prints PASS/FAIL per
// file (with a unified diff for failures) and exits non-zero if any fails.
import { collectTranscripts, runTranscript } from './run';

const paths = process.argv.slice(2);
if (paths.length === 0) {
  console.error('usage: npm run raft:datadriven -- PATH...');
  process.exit(2);
}
let files: string[];
try {
  files = collectTranscripts(paths);
} catch (err) {
  console.error(`error: ${(err as Error).message}`);
  process.exit(2);
}
let failed = 0;
for (const file of files) {
  const r = runTranscript(file);
  console.log(`${r.pass ? 'PASS' : 'FAIL'} ${file}`);
  if (!r.pass) {
    failed++;
    console.log(r.detail);
  }
}
console.log(`${files.length - failed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
