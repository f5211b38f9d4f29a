import { useId, useRef, useState, type FormEvent } from 'react';
import { passwordLengthMax, passwordLengthMin, usernameLengthMax, usernameLengthMin } from '../../../../shared/limits.ts';
import { validateCredentials, type CredentialsErrors } from '../../bank/credentials-validation.ts';
import { RequestError } from '../../../../shared/client/request-error.ts';
import { OfflineNotice, offlineDescription, useOnline } from '../OfflineNotice.tsx';
import { Tabs, type TabItem } from '../Tabs.tsx';
import { useShownFailure } from '../use-shown-failure.ts';
import { useBankActions } from './bank-actions-context.ts';
import { TextField } from './FormFields.tsx';

type Mode = 'signIn' | 'register';

const modes: readonly TabItem<Mode>[] = [
  { key: 'signIn', label: 'Sign in' },
  { key: 'register', label: 'Register' },
];

/** Server refusals that belong next to a field rather than above the button. */
function fieldErrorsFrom(error: unknown): CredentialsErrors {
  if (!(error instanceof RequestError)) return {};
  if (error.code === 'username_taken') return { username: error.message };
  if (error.code !== 'invalid_message') return {};
  const errors: CredentialsErrors = {};
  for (const issue of error.details?.issues ?? []) {
    if (issue.path === 'username' || issue.path === 'password') errors[issue.path] = issue.message;
  }
  return errors;
}

function CredentialsForm({ mode }: { mode: Mode }) {
  const actions = useBankActions();
  const online = useOnline();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<CredentialsErrors>({});
  const formFailure = useShownFailure();
  const offlineId = useId();
  const [submitting, setSubmitting] = useState(false);
  const usernameInput = useRef<HTMLInputElement>(null);
  const passwordInput = useRef<HTMLInputElement>(null);
  const registering = mode === 'register';

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const found = validateCredentials(username, password);
    setErrors(found);
    formFailure.clear();
    if (found.username !== undefined) return usernameInput.current?.focus();
    if (found.password !== undefined) return passwordInput.current?.focus();
    setSubmitting(true);
    try {
      await (registering ? actions.register : actions.signIn)(username.trim(), password);
    } catch (error) {
      const fromServer = fieldErrorsFrom(error);
      setErrors(fromServer);
      if (Object.keys(fromServer).length === 0) formFailure.show(error);
      setSubmitting(false);
    }
  }

  return (
    <form className="auth-form" noValidate onSubmit={submit}>
      <p className="panel__lead">
        {registering
          ? 'Choose a username and a password. Your accounts and history are yours alone; this tab stays signed in until you sign out.'
          : 'Welcome back. Customers and the auditor sign in here.'}
      </p>
      <TextField
        label="Username"
        value={username}
        inputRef={usernameInput}
        autoComplete="username"
        maxLength={usernameLengthMax}
        error={errors.username}
        hint={registering ? `Letters, digits and _ . -, ${usernameLengthMin} to ${usernameLengthMax} characters.` : undefined}
        onChange={(value) => {
          setUsername(value);
          setErrors(({ password: passwordError }) => ({ password: passwordError }));
          formFailure.clear();
        }}
      />
      <TextField
        label="Password"
        type="password"
        value={password}
        inputRef={passwordInput}
        autoComplete={registering ? 'new-password' : 'current-password'}
        maxLength={passwordLengthMax}
        error={errors.password}
        hint={registering ? `At least ${passwordLengthMin} characters.` : undefined}
        onChange={(value) => {
          setPassword(value);
          setErrors(({ username: usernameError }) => ({ username: usernameError }));
          formFailure.clear();
        }}
      />
      {formFailure.message !== null && (
        <p role="alert" className="notice notice--error">
          {formFailure.message}
        </p>
      )}
      <OfflineNotice id={offlineId} />
      <button
        type="submit"
        className="button button--primary button--block"
        disabled={submitting || !online}
        aria-describedby={offlineDescription(online, offlineId)}
      >
        {submitting ? (registering ? 'Registering…' : 'Signing in…') : registering ? 'Register' : 'Sign in'}
      </button>
    </form>
  );
}

export function BankAuthForm() {
  const [mode, setMode] = useState<Mode>('signIn');
  const id = useId();
  return (
    <section className="panel auth-panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Tally Bank</h2>
      <Tabs label="Sign in or register" tabs={modes} selected={mode} onSelect={setMode}>
        <CredentialsForm key={mode} mode={mode} />
      </Tabs>
    </section>
  );
}
