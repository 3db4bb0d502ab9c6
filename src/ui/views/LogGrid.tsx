// Each member's newest log entries, by index: the term in each cell; persisted entries
// outlined, committed ones solid, applied ones underlined, and an entry that overwrote a
// conflicting one shows the term it replaced struck out. Below, the leader's Progress of
// each follower (raft.md §5.1), so replication can be followed by eye.
import { memo, useMemo } from 'react';
import { useUIStore } from '../store';
import { LOG_WINDOW, type MemberFrame } from '../model/frame';
import './panels.css';
import { TableHead } from './TableHead';

const COLUMNS = 16;

/**
 * A cell's key: its index modulo the columns shown, unique among consecutive indexes. As the
 * log grows, the column of the index that scrolls out is reused for the one that comes in
 * (moved to the end), so a refresh changes cells' text rather than rebuilding the grid.
 */
function column(index: number): number {
  return index % COLUMNS;
}

function entryState(m: MemberFrame, i: number): string {
  if (i <= m.applied) return 'applied';
  if (i <= m.commit) return 'committed';
  return 'persisted';
}

const LogRow = memo(function LogRow({ m, indexes }: { m: MemberFrame; indexes: number[] }) {
  const entries = new Map(m.log.map((e) => [e.index, e]));
  return (
    <tr className={m.status} data-testid={`log-${m.name}`}>
      <th scope="row">{m.name}</th>
      {indexes.map((i) => {
        const e = entries.get(i);
        if (e === undefined) return <td key={column(i)} className="entry none" />;
        const state = entryState(m, i);
        const conflict = e.replaced !== undefined;
        return (
          <td
            key={column(i)}
            className={`entry ${state}${conflict ? ' conflict' : ''}`}
            data-testid={conflict ? 'log-conflict' : undefined}
            title={`index ${i}, term ${e.term}, ${state}${conflict ? `; overwrote a conflicting entry of term ${e.replaced}` : ''}`}
          >
            {conflict && <s aria-label={`replaced term ${e.replaced}`}>{e.replaced}</s>}
            {e.term}
          </td>
        );
      })}
      <td className="marks">
        {m.lastIndex} / {m.commit} / {m.applied}
      </td>
    </tr>
  );
});

const ProgressTable = memo(function ProgressTable({ leader }: { leader: MemberFrame }) {
  return (
    <table className="progress-table" data-testid="progress" aria-label={`Leader ${leader.name}'s view of each follower`}>
      <caption>
        Leader {leader.name}&apos;s view of its followers (Progress)
      </caption>
      <TableHead columns={['follower', 'state', 'match', 'next', 'inflights']} />
      <tbody>
        {leader.progress.map((p) => (
          <tr key={p.peer} data-testid={`progress-${p.peer}`} data-state={p.state}>
            <th scope="row">
              {p.peer}
              {p.learner ? ' (learner)' : ''}
            </th>
            <td>
              {p.state.replace(/^State/, '')}
              {p.paused ? ' (paused)' : ''}
            </td>
            <td>{p.match}</td>
            <td>{p.next}</td>
            <td>{p.inflights}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
});

export function LogGrid() {
  const members = useUIStore((s) => s.frame.members);
  const last = useMemo(() => Math.max(0, ...members.map((m) => m.lastIndex)), [members]);
  const first = Math.max(1, last - Math.min(COLUMNS, LOG_WINDOW) + 1);
  const indexes = useMemo(() => Array.from({ length: last === 0 ? 0 : last - first + 1 }, (_, i) => first + i), [first, last]);
  const leader = members.find((m) => m.role === 'leader' && m.progress.length > 0);

  if (last === 0) {
    return (
      <p className="empty" data-testid="log-grid">
        No log entries yet: members append entries once Raft runs in the world.
      </p>
    );
  }
  return (
    <div className="log-view">
      <table className="log-grid" data-testid="log-grid" aria-label="Raft log per member: term of each entry by index">
        <thead>
          <tr>
            <th scope="col">member</th>
            {indexes.map((i) => (
              <th scope="col" key={column(i)}>
                {i}
              </th>
            ))}
            <th scope="col">persisted / committed / applied</th>
          </tr>
        </thead>
        <tbody>
          {members.map((m) => (
            <LogRow key={m.name} m={m} indexes={indexes} />
          ))}
        </tbody>
      </table>
      <p className="log-legend">
        <span className="entry persisted">t</span> persisted · <span className="entry committed">t</span> committed ·{' '}
        <span className="entry applied">t</span> applied · <span className="entry conflict">
          <s>t</s>t
        </span>{' '}
        overwrote a conflicting entry
      </p>
      {leader !== undefined && <ProgressTable leader={leader} />}
    </div>
  );
}
