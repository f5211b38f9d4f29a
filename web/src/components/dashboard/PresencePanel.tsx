import type { DashboardSecond } from '../../../../shared/protocol.ts';
import { useTally } from '../../state/use-tally.ts';
import { latestSecond } from './dashboard-data.ts';
import { DashboardStat } from './DashboardStat.tsx';

type PresenceKind = keyof DashboardSecond['presence'];

const kinds: ReadonlyArray<{ kind: PresenceKind; label: string }> = [
  { kind: 'shoppers', label: 'Shoppers' },
  { kind: 'customers', label: 'Bank customers' },
  { kind: 'auditors', label: 'Auditors' },
  { kind: 'observers', label: 'Observers' },
];

function PresenceCount({ kind, label }: { kind: PresenceKind; label: string }) {
  const count = useTally((state) => latestSecond(state)?.presence[kind] ?? null);
  return (
    <DashboardStat label={label} testId={`presence-${kind}`}>
      {count ?? '…'}
    </DashboardStat>
  );
}

/** Tabs connected now, by who they are. */
export function PresencePanel() {
  return (
    <section className="panel dashboard-panel dashboard-presence" aria-labelledby="dashboard-presence-title">
      <h2 id="dashboard-presence-title" className="dashboard-panel__title">
        Online now
      </h2>
      <dl className="dashboard-stats">
        {kinds.map(({ kind, label }) => (
          <PresenceCount key={kind} kind={kind} label={label} />
        ))}
      </dl>
    </section>
  );
}
