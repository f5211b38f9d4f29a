import { useId, useRef, useState, type FormEvent } from 'react';
import { RequestError } from '../../../shared/client/request-error.ts';
import { shopperAddressLengthMax, shopperNameLengthMax } from '../../../shared/limits.ts';
import { OfflineNotice, offlineDescription, useOnline } from './OfflineNotice.tsx';
import { useShopActions } from './shop-actions-context.ts';
import { useShownFailure } from './use-shown-failure.ts';
import { validateShopper, type ShopperFieldErrors } from './shopper-validation.ts';

/** Maps the server's `invalid_message` issues (path "name", "address") onto the fields. */
function fieldErrorsFrom(error: unknown): ShopperFieldErrors {
  if (!(error instanceof RequestError) || error.code !== 'invalid_message') return {};
  const errors: ShopperFieldErrors = {};
  for (const issue of error.details?.issues ?? []) {
    if (issue.path === 'name' || issue.path === 'address') errors[issue.path] = issue.message;
  }
  return errors;
}

export function ShopperForm() {
  const actions = useShopActions();
  const online = useOnline();
  const [name, setName] = useState('');
  const [address, setAddress] = useState('');
  const [errors, setErrors] = useState<ShopperFieldErrors>({});
  const formFailure = useShownFailure();
  const [submitting, setSubmitting] = useState(false);
  const nameInput = useRef<HTMLInputElement>(null);
  const addressInput = useRef<HTMLInputElement>(null);
  const id = useId();

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const found = validateShopper(name, address);
    setErrors(found);
    formFailure.clear();
    if (found.name !== undefined) return nameInput.current?.focus();
    if (found.address !== undefined) return addressInput.current?.focus();
    setSubmitting(true);
    try {
      await actions.startSession(name.trim(), address.trim());
    } catch (error) {
      const fromServer = fieldErrorsFrom(error);
      setErrors(fromServer);
      if (Object.keys(fromServer).length === 0) formFailure.show(error);
      setSubmitting(false);
    }
  }

  return (
    <form className="panel shopper-form" aria-labelledby={`${id}-title`} noValidate onSubmit={submit}>
      <h2 id={`${id}-title`}>Who’s shopping today?</h2>
      <p className="panel__lead">Tell us where to send your order. Each tab is its own shopper.</p>
      <div className="field">
        <label htmlFor={`${id}-name`}>Name</label>
        <input
          ref={nameInput}
          id={`${id}-name`}
          name="name"
          autoComplete="name"
          maxLength={shopperNameLengthMax}
          value={name}
          onChange={(event) => {
            setName(event.target.value);
            formFailure.clear();
          }}
          aria-invalid={errors.name !== undefined}
          aria-describedby={errors.name !== undefined ? `${id}-name-error` : undefined}
        />
        {errors.name !== undefined && (
          <p id={`${id}-name-error`} className="field__error">
            <span aria-hidden="true">⚠ </span>
            {errors.name}
          </p>
        )}
      </div>
      <div className="field">
        <label htmlFor={`${id}-address`}>Address</label>
        <input
          ref={addressInput}
          id={`${id}-address`}
          name="address"
          autoComplete="street-address"
          maxLength={shopperAddressLengthMax}
          value={address}
          onChange={(event) => {
            setAddress(event.target.value);
            formFailure.clear();
          }}
          aria-invalid={errors.address !== undefined}
          aria-describedby={errors.address !== undefined ? `${id}-address-error` : undefined}
        />
        {errors.address !== undefined && (
          <p id={`${id}-address-error`} className="field__error">
            <span aria-hidden="true">⚠ </span>
            {errors.address}
          </p>
        )}
      </div>
      {formFailure.message !== null && (
        <p role="alert" className="notice notice--error">
          {formFailure.message}
        </p>
      )}
      <OfflineNotice id={`${id}-offline`} />
      <button
        type="submit"
        className="button button--primary button--block"
        disabled={submitting || !online}
        aria-describedby={offlineDescription(online, `${id}-offline`)}
      >
        {submitting ? 'Starting…' : 'Start shopping'}
      </button>
    </form>
  );
}
