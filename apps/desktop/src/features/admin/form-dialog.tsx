import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { asRequestError } from '../../api/request-error.ts';
import { saveFailureOf, type FieldErrors, type FieldProblem, type Validation } from './form-model.ts';
import { useProblemText } from './form-fields.tsx';

interface ModalProps {
  title: string;
  onClose: () => void;
  children: ReactNode;
  /** When given, the modal is a form submitted by its submit button or Enter. */
  onSubmit?: () => void;
  wide?: boolean;
}

/** The console's modal: labelled by its title, Escape or × closes it, focus starts inside. */
export function Modal({ title, onClose, children, onSubmit, wide = false }: ModalProps) {
  const { t } = useTranslation();
  const titleId = useId();
  const ref = useRef<HTMLFormElement & HTMLDivElement>(null);

  useEffect(() => {
    // Focus starts in the first field and goes back to what opened the modal when it closes.
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    ref.current?.querySelector<HTMLElement>('input, select, textarea, button[type="submit"]')?.focus();
    return () => {
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (event.key === 'Escape') onClose();
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const content = (
    <>
      <header className="modal-header">
        <h2 id={titleId} className="modal-title">
          {title}
        </h2>
        <button type="button" className="icon-button" aria-label={t('console.close')} onClick={onClose}>
          ×
        </button>
      </header>
      {children}
    </>
  );
  const className = `modal admin-modal${wide ? ' admin-modal-wide' : ''}`;
  return (
    <div className="modal-backdrop">
      {onSubmit ? (
        <form
          ref={ref}
          className={className}
          role="dialog"
          aria-modal="true"
          aria-labelledby={titleId}
          noValidate
          onSubmit={(event: FormEvent) => {
            event.preventDefault();
            onSubmit();
          }}
        >
          {content}
        </form>
      ) : (
        <div ref={ref} className={className} role="dialog" aria-modal="true" aria-labelledby={titleId}>
          {content}
        </div>
      )}
    </div>
  );
}

/** The state every create/edit form shares: problems by field, a form-level message, busy. */
export interface SaveForm {
  problem: (field: string) => string | null;
  formError: string | null;
  busy: boolean;
  /** Validates; when valid, sends; maps a server refusal onto the fields. Resolves true on success. */
  submit: <T>(validation: Validation<T>, send: (value: T) => Promise<unknown>) => Promise<boolean>;
  /** Forgets a field's problem as the administrator edits it. */
  clear: (field: string) => void;
}

export function useSaveForm(formFields: readonly string[]): SaveForm {
  const { t } = useTranslation();
  const problemText = useProblemText();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit<T>(
    validation: Validation<T>,
    send: (value: T) => Promise<unknown>,
  ): Promise<boolean> {
    if (busy) return false;
    if (!validation.ok) {
      setErrors(validation.errors);
      setFormError(t('console.fixFields'));
      return false;
    }
    setBusy(true);
    setErrors({});
    setFormError(null);
    try {
      await send(validation.value);
      return true;
    } catch (caught) {
      const error = asRequestError(caught);
      const failure = saveFailureOf(error, formFields);
      setErrors(failure.fields);
      setFormError(
        failure.code === null
          ? t('console.fixFields')
          : [t(`errors.${failure.code}`), ...failure.other].join(' '),
      );
      return false;
    } finally {
      setBusy(false);
    }
  }

  return {
    problem: (field) => {
      const found: FieldProblem | undefined = errors[field];
      return found ? problemText(field, found) : null;
    },
    formError,
    busy,
    submit,
    clear: (field) => {
      if (!(field in errors)) return;
      const rest = { ...errors };
      delete (rest as Record<string, FieldProblem>)[field];
      setErrors(rest);
    },
  };
}

/** The footer of a form: the form-level message (announced), Cancel and Save. */
export function FormFooter({
  form,
  onCancel,
  submitLabel,
}: {
  form: SaveForm;
  onCancel: () => void;
  submitLabel: string;
}) {
  const { t } = useTranslation();
  return (
    <>
      {form.formError !== null && (
        <p className="form-error" role="alert">
          {form.formError}
        </p>
      )}
      <footer className="modal-footer admin-modal-footer">
        <button type="button" className="button button-secondary" onClick={onCancel}>
          {t('console.cancel')}
        </button>
        <button type="submit" className="button button-primary" disabled={form.busy} aria-busy={form.busy}>
          {submitLabel}
        </button>
      </footer>
    </>
  );
}
