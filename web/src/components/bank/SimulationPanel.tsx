import { useId, useState, type FormEvent } from 'react';
import { NamedValue } from '../NamedValue.tsx';
import { useShallow } from 'zustand/react/shallow';
import { parseAccountNumberList } from '../../bank/account-number-list.ts';
import {
  simulationAmountCentsMax,
  simulationRatePerSecondDefault,
  simulationRatePerSecondMax,
  simulationRatePerSecondMin,
  simulationRequestsInFlightMax,
} from '../../bank/bank-ui-limits.ts';
import { formatCents } from '../../../../shared/money.ts';
import { simulationAccounts, simulationProblem } from '../../simulation/choose-transfer.ts';
import { useTally } from '../../state/use-tally.ts';
import { OfflineNotice, offlineDescription, useOnline } from '../OfflineNotice.tsx';
import { useBankActions } from './bank-actions-context.ts';
import { accountKindLabels } from './bank-labels.ts';
import { TextField } from './FormFields.tsx';
import { depositKinds, useAccountNumbersOfKinds } from './use-accounts.ts';

type SimulationErrors = { accounts?: string; others?: string; rate?: string };

function parseRate(text: string): number | null {
  if (!/^\d{1,3}$/.test(text.trim())) return null;
  const rate = Number(text.trim());
  return rate >= simulationRatePerSecondMin && rate <= simulationRatePerSecondMax ? rate : null;
}

function SimulationCounts() {
  const counts = useTally(
    useShallow((state) => ({
      ok: state.simulationOkCount,
      failed: state.simulationFailedCount,
      inFlight: state.simulationInFlight,
      skipped: state.simulationSkippedCount,
      lastFailure: state.simulationLastFailure,
    })),
  );
  const id = useId();
  const items = [
    ['ok', 'OK', counts.ok],
    ['failed', 'FAILED', counts.failed],
    ['in-flight', 'In flight', counts.inFlight],
    ['skipped', 'Skipped ticks', counts.skipped],
  ] as const;
  return (
    <>
      <dl className="sim-counts">
        {items.map(([key, label, value]) => (
          <NamedValue key={key} id={`${id}-${key}`} className={`sim-counts__item sim-counts__item--${key}`} label={label}>
            {value}
          </NamedValue>
        ))}
      </dl>
      {counts.lastFailure !== null && <p className="sim-last-failure">Last failure: {counts.lastFailure}</p>}
    </>
  );
}

/** The bank seed's simulation, in this tab: random transfers among the chosen accounts at a chosen rate. */
export function SimulationPanel() {
  const actions = useBankActions();
  const myNumbers = useAccountNumbersOfKinds(depositKinds);
  const kinds = useTally(useShallow((state) => myNumbers.map((number) => state.accountsByNumber[number]?.kind ?? 'checking')));
  const running = useTally((state) => state.simulationRunning);
  const online = useOnline();
  const [excluded, setExcluded] = useState<ReadonlySet<string>>(new Set());
  const [othersText, setOthersText] = useState('');
  const [rateText, setRateText] = useState(String(simulationRatePerSecondDefault));
  const [errors, setErrors] = useState<SimulationErrors>({});
  const id = useId();
  const chosen = myNumbers.filter((number) => !excluded.has(number));

  function toggle(number: string, checked: boolean) {
    const next = new Set(excluded);
    if (checked) next.delete(number);
    else next.add(number);
    setExcluded(next);
    setErrors(({ others, rate }) => ({ others, rate }));
  }

  function start(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const found: SimulationErrors = {};
    const others = parseAccountNumberList(othersText);
    if (!others.ok) found.others = others.message;
    const ratePerSecond = parseRate(rateText);
    if (ratePerSecond === null) found.rate = `Enter a whole number from ${simulationRatePerSecondMin} to ${simulationRatePerSecondMax}.`;
    const accounts = simulationAccounts(chosen, others.ok ? others.numbers : []);
    const problem = simulationProblem(accounts);
    if (problem !== null && others.ok) found.accounts = problem;
    setErrors(found);
    if (Object.keys(found).length > 0 || ratePerSecond === null) return;
    actions.startSimulation({ ...accounts, ratePerSecond });
  }

  return (
    <section className="panel simulation" aria-labelledby={`${id}-title`}>
      <div className="panel__header">
        <h2 id={`${id}-title`}>Simulation</h2>
        {running && <span className="pill pill--live">Running</span>}
      </div>
      <p className="panel__lead">
        Random transfers of up to {formatCents(simulationAmountCentsMax)} from your chosen accounts to the others chosen, at most{' '}
        {simulationRequestsInFlightMax} awaiting replies at once.
      </p>
      <form noValidate onSubmit={start}>
        <fieldset className="checkbox-group" disabled={running} aria-describedby={errors.accounts === undefined ? undefined : `${id}-accounts-error`}>
          <legend>My accounts to use</legend>
          {myNumbers.length === 0 && <p className="empty-state">Open a checking or savings account first.</p>}
          {myNumbers.map((number, index) => (
            <label key={number} className="checkbox">
              <input type="checkbox" checked={!excluded.has(number)} onChange={(event) => toggle(number, event.target.checked)} />
              <span className="account-number">{number}</span> · {accountKindLabels[kinds[index] ?? 'checking']}
            </label>
          ))}
          {errors.accounts !== undefined && (
            <p id={`${id}-accounts-error`} className="field__error">
              <span aria-hidden="true">⚠ </span>
              {errors.accounts}
            </p>
          )}
        </fieldset>
        <TextField
          label="Other account numbers (optional)"
          hint="Other customers’ checking or savings accounts to send to, separated by spaces or commas."
          value={othersText}
          disabled={running}
          autoComplete="off"
          error={errors.others}
          onChange={(value) => {
            setOthersText(value);
            setErrors(({ rate }) => ({ rate }));
          }}
        />
        <TextField
          label="Transfers per second"
          hint={`${simulationRatePerSecondMin} to ${simulationRatePerSecondMax}.`}
          value={rateText}
          inputMode="numeric"
          disabled={running}
          autoComplete="off"
          error={errors.rate}
          onChange={(value) => {
            setRateText(value);
            setErrors(({ accounts, others }) => ({ accounts, others }));
          }}
        />
        <OfflineNotice id={`${id}-offline`} />
        {/*
          Both buttons stay in the page. Swapping one button for the other in place would let React turn the
          clicked Stop (type=button) into Start (type=submit) before the browser acts on the click, which
          then submits the form and starts the simulation again.
        */}
        <div className="panel__actions">
          <button
            type="submit"
            className="button button--primary"
            disabled={running || !online || myNumbers.length === 0}
            aria-describedby={offlineDescription(online, `${id}-offline`)}
          >
            Start simulation
          </button>
          <button type="button" className="button button--danger" disabled={!running} onClick={actions.stopSimulation}>
            Stop simulation
          </button>
        </div>
      </form>
      <SimulationCounts />
    </section>
  );
}
