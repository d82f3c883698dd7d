import { useId, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { FieldProblem } from './form-model.ts';

/** A field's problem in the administrator's language. */
export function useProblemText(): (field: string, problem: FieldProblem) => string {
  const { t } = useTranslation();
  return (field, problem) => {
    switch (problem.kind) {
      case 'required':
        return t('console.problems.required');
      case 'tooShort':
        return t('console.problems.tooShort', { min: String(problem.min) });
      case 'tooLong':
        return t('console.problems.tooLong', { max: String(problem.max) });
      case 'tooSmall':
        return t('console.problems.tooSmall', { min: String(problem.min) });
      case 'tooBig':
        return t('console.problems.tooBig', { max: String(problem.max) });
      case 'tooFew':
        return t('console.problems.tooFew', { min: String(problem.min) });
      case 'tooMany':
        return t('console.problems.tooMany', { max: String(problem.max) });
      case 'notANumber':
        return t('console.problems.notANumber');
      case 'notWhole':
        return t('console.problems.notWhole');
      case 'badFormat':
        return formatHint(field);
      case 'invalid':
        return t('console.problems.invalid');
      case 'taken':
        return t('console.problems.taken');
      case 'unknownReference':
        return t('console.problems.unknownReference');
      case 'needsOverflowQueue':
        return t('console.problems.needsOverflowQueue');
      case 'needsMaxWait':
        return t('console.problems.needsMaxWait');
      case 'needsDefaultReason':
        return t('console.problems.needsDefaultReason');
      case 'server':
        return problem.message;
    }
  };

  function formatHint(field: string): string {
    switch (field) {
      case 'username':
        return t('console.problems.usernameFormat');
      case 'displayPhoneNumber':
        return t('console.problems.phoneFormat');
      case 'phoneNumberId':
      case 'wabaId':
        return t('console.problems.digitsOnly');
      default:
        return t('console.problems.invalid');
    }
  }
}

interface FieldShellProps {
  label: string;
  problem: string | null;
  hint?: string | undefined;
  children: (ids: { inputId: string; describedBy: string | undefined; invalid: boolean }) => ReactNode;
}

/** Label, control, hint and the field's own error message right under it. */
function FieldShell({ label, problem, hint, children }: FieldShellProps) {
  const inputId = useId();
  const hintId = useId();
  const errorId = useId();
  const describedBy =
    [hint ? hintId : null, problem !== null ? errorId : null].filter((id) => id !== null).join(' ') ||
    undefined;
  return (
    <div className={`field${problem !== null ? ' field-invalid' : ''}`}>
      <label className="field-label" htmlFor={inputId}>
        {label}
      </label>
      {children({ inputId, describedBy, invalid: problem !== null })}
      {hint && (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      )}
      {problem !== null && (
        <p id={errorId} className="field-error">
          {problem}
        </p>
      )}
    </div>
  );
}

interface TextFieldProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  problem: string | null;
  hint?: string | undefined;
  type?: 'text' | 'password' | 'number';
  placeholder?: string | undefined;
  autoComplete?: string;
  multiline?: boolean;
}

export function TextField({
  label,
  value,
  onChange,
  problem,
  hint,
  type = 'text',
  placeholder,
  autoComplete = 'off',
  multiline = false,
}: TextFieldProps) {
  return (
    <FieldShell label={label} problem={problem} hint={hint}>
      {({ inputId, describedBy, invalid }) =>
        multiline ? (
          <textarea
            id={inputId}
            className="input input-multiline"
            rows={2}
            value={value}
            placeholder={placeholder}
            aria-invalid={invalid}
            aria-describedby={describedBy}
            onChange={(e) => onChange(e.target.value)}
          />
        ) : (
          <input
            id={inputId}
            className="input"
            // Numbers are typed as text: the schema, not the browser, says what is wrong.
            type={type === 'number' ? 'text' : type}
            inputMode={type === 'number' ? 'numeric' : undefined}
            value={value}
            placeholder={placeholder}
            autoComplete={autoComplete}
            aria-invalid={invalid}
            aria-describedby={describedBy}
            onChange={(e) => onChange(e.target.value)}
          />
        )
      }
    </FieldShell>
  );
}

interface SelectFieldProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  problem: string | null;
  hint?: string | undefined;
  options: readonly { value: string; label: string }[];
}

export function SelectField({ label, value, onChange, problem, hint, options }: SelectFieldProps) {
  return (
    <FieldShell label={label} problem={problem} hint={hint}>
      {({ inputId, describedBy, invalid }) => (
        <select
          id={inputId}
          className="select"
          value={value}
          aria-invalid={invalid}
          aria-describedby={describedBy}
          onChange={(e) => onChange(e.target.value)}
        >
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </FieldShell>
  );
}

interface MultiSelectFieldProps {
  label: string;
  values: readonly string[];
  onChange: (values: string[]) => void;
  problem: string | null;
  hint?: string | undefined;
  options: readonly { value: string; label: string }[];
  empty: string;
}

/** A group of checkboxes: every option visible, each with its own accessible name. */
export function MultiSelectField({
  label,
  values,
  onChange,
  problem,
  hint,
  options,
  empty,
}: MultiSelectFieldProps) {
  const hintId = useId();
  const errorId = useId();
  const describedBy =
    [hint ? hintId : null, problem !== null ? errorId : null].filter((id) => id !== null).join(' ') ||
    undefined;
  return (
    <fieldset
      className={`field field-set${problem !== null ? ' field-invalid' : ''}`}
      aria-describedby={describedBy}
      aria-invalid={problem !== null}
    >
      <legend className="field-label">{label}</legend>
      {options.length === 0 && <p className="field-hint">{empty}</p>}
      <div className="check-list">
        {options.map((o) => (
          <label key={o.value} className="check-item">
            <input
              type="checkbox"
              checked={values.includes(o.value)}
              onChange={(e) =>
                onChange(e.target.checked ? [...values, o.value] : values.filter((v) => v !== o.value))
              }
            />
            <span>{o.label}</span>
          </label>
        ))}
      </div>
      {hint && (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      )}
      {problem !== null && (
        <p id={errorId} className="field-error">
          {problem}
        </p>
      )}
    </fieldset>
  );
}
