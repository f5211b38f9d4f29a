import { memo } from 'react';
import type { TapeEvent } from '../../../../shared/protocol.ts';
import { useTally } from '../../state/use-tally.ts';
import { clockLabel } from './dashboard-data.ts';

const kindLabels: Readonly<Record<TapeEvent['kind'], string>> = {
  order: 'Order',
  order_refused: 'Order refused',
  sold_out: 'Sold out',
  money: 'Money',
  money_refused: 'Money refused',
};

/** An event never changes, so a line renders once however often the tape moves. */
const TapeLine = memo(function TapeLine({ event }: { event: TapeEvent }) {
  return (
    <li className={`tape__event tape__event--${event.kind}`}>
      <time className="tape__time" dateTime={new Date(event.at).toISOString()}>
        {clockLabel(event.at)}
      </time>
      <span className="tape__kind">{kindLabels[event.kind]}</span>
      <span className="tape__text">{event.text}</span>
    </li>
  );
});

function PauseButton() {
  const paused = useTally((state) => state.dashboardTapePaused);
  const setPaused = useTally((state) => state.setDashboardTapePaused);
  const held = useTally((state) => state.dashboardTapeHeldCount);
  return (
    <div className="tape__controls">
      {paused && (
        <p className="tape__held" data-testid="dashboard-tape-held">
          {held} new {held === 1 ? 'event' : 'events'} held
        </p>
      )}
      <button type="button" className="button button--ghost button--small" onClick={() => setPaused(!paused)}>
        {paused ? 'Resume' : 'Pause'}
      </button>
    </div>
  );
}

/** Committed facts in words, newest first. Not a live region: it moves many times a second when busy. */
export function TapePanel() {
  const events = useTally((state) => state.dashboardTapeShown);
  return (
    <section className="panel dashboard-panel dashboard-tape" aria-labelledby="dashboard-tape-title">
      <div className="dashboard-panel__header">
        <h2 id="dashboard-tape-title" className="dashboard-panel__title">
          Live tape
        </h2>
        <PauseButton />
      </div>
      {events.length === 0 && <p className="dashboard-panel__note">Nothing has happened yet.</p>}
      <ol className="tape" data-testid="dashboard-tape" aria-label="Events, newest first" tabIndex={0}>
        {events
          .slice()
          .reverse()
          .map((event) => (
            <TapeLine key={event.id} event={event} />
          ))}
      </ol>
    </section>
  );
}
