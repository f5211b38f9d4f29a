import { useId, type ReactNode, type Ref } from 'react';

interface FieldShellProps {
  id: string;
  label: string;
  error: string | undefined;
  hint?: string | undefined;
  children: ReactNode;
}

function FieldShell({ id, label, error, hint, children }: FieldShellProps) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {hint !== undefined && error === undefined && (
        <p id={`${id}-hint`} className="field__hint">
          {hint}
        </p>
      )}
      {error !== undefined && (
        <p id={`${id}-error`} className="field__error">
          <span aria-hidden="true">⚠ </span>
          {error}
        </p>
      )}
    </div>
  );
}

function describedBy(id: string, error: string | undefined, hint: string | undefined): string | undefined {
  if (error !== undefined) return `${id}-error`;
  return hint !== undefined ? `${id}-hint` : undefined;
}

interface TextFieldProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  hint?: string | undefined;
  type?: 'text' | 'password';
  autoComplete?: string;
  inputMode?: 'text' | 'decimal' | 'numeric';
  placeholder?: string;
  /** In UTF-16 code units, as HTML counts it: pass the field's limit from shared/limits.ts. */
  maxLength?: number;
  disabled?: boolean;
  inputRef?: Ref<HTMLInputElement>;
  /** Shown before the input, e.g. "$". */
  prefix?: string;
}

export function TextField(props: TextFieldProps) {
  const id = useId();
  const { label, value, onChange, error, hint, prefix, inputRef, type = 'text', ...rest } = props;
  const input = (
    <input
      ref={inputRef}
      id={id}
      type={type}
      value={value}
      onChange={(event) => onChange(event.target.value)}
      aria-invalid={error !== undefined}
      aria-describedby={describedBy(id, error, hint)}
      {...rest}
    />
  );
  return (
    <FieldShell id={id} label={label} error={error} hint={hint}>
      {prefix === undefined ? (
        input
      ) : (
        <div className="input-affix">
          <span className="input-affix__text" aria-hidden="true">
            {prefix}
          </span>
          {input}
        </div>
      )}
    </FieldShell>
  );
}

/** An amount in dollars, typed as text ("12.34") and parsed to cents by the form. */
export function AmountField(props: Omit<TextFieldProps, 'type' | 'inputMode' | 'prefix' | 'autoComplete'>) {
  return <TextField {...props} inputMode="decimal" prefix="$" autoComplete="off" placeholder={props.placeholder ?? '0.00'} />;
}

export interface SelectOption {
  value: string;
  label: string;
}

interface SelectFieldProps {
  label: string;
  value: string;
  options: readonly SelectOption[];
  onChange: (value: string) => void;
  error?: string | undefined;
  hint?: string | undefined;
  disabled?: boolean;
  selectRef?: Ref<HTMLSelectElement>;
}

export function SelectField({ label, value, options, onChange, error, hint, disabled, selectRef }: SelectFieldProps) {
  const id = useId();
  return (
    <FieldShell id={id} label={label} error={error} hint={hint}>
      <select
        ref={selectRef}
        id={id}
        value={value}
        disabled={disabled}
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={error !== undefined}
        aria-describedby={describedBy(id, error, hint)}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}
