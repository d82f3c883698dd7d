import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  renderTemplateText,
  templateParameterIssues,
  type ConversationView,
  type MessageView,
  type TemplateView,
} from '@parlo/protocol';
import { newClientMessageId } from '../../lib/client-message-id.ts';
import { useDispatch } from '../../realtime/realtime-context.ts';
import { useErrorText } from '../shell/use-error-text.ts';
import { fetchTemplates, sendTemplate } from './templates-api.ts';
import './templates.css';

interface TemplatePickerProps {
  conversation: ConversationView;
  agentName: string;
}

type Load =
  | { readonly kind: 'loading' }
  | { readonly kind: 'failed'; readonly reason: string }
  | { readonly kind: 'ready'; readonly templates: readonly TemplateView[] };

const keyOf = (template: TemplateView): string => `${template.name}|${template.language}`;

/**
 * Outside the 24-hour window (issue 4): the agent picks one of the number's approved templates,
 * fills one labelled field per `{{n}}` (checked beside the field), sees the preview the customer
 * will read, and sends it. The send shows an optimistic bubble, like the composer's.
 */
export function TemplatePicker({ conversation, agentName }: TemplatePickerProps) {
  const { t } = useTranslation();
  const dispatch = useDispatch();
  const errorText = useErrorText();
  const baseId = useId();
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [selected, setSelected] = useState('');
  const [values, setValues] = useState<Record<string, string>>({});
  const [visited, setVisited] = useState<ReadonlySet<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const abort = new AbortController();
    fetchTemplates(conversation.id, abort.signal).then(
      (response) => setLoad({ kind: 'ready', templates: response.templates }),
      (caught: unknown) => {
        if (!abort.signal.aborted) setLoad({ kind: 'failed', reason: errorText(caught) });
      },
    );
    return () => abort.abort();
  }, [conversation.id, attempt, errorText]);

  if (load.kind === 'loading') {
    return (
      <p className="template-status" role="status">
        {t('templates.loading')}
      </p>
    );
  }
  if (load.kind === 'failed') {
    return (
      <div className="template-status">
        <p className="form-error" role="alert">
          {t('templates.loadFailed', { reason: load.reason })}
        </p>
        <button
          type="button"
          className="button"
          onClick={() => {
            setLoad({ kind: 'loading' });
            setAttempt((n) => n + 1);
          }}
        >
          {t('templates.retry')}
        </button>
      </div>
    );
  }
  if (load.templates.length === 0) {
    return <p className="template-status">{t('templates.none')}</p>;
  }

  const template = load.templates.find((candidate) => keyOf(candidate) === selected);
  const issues = template ? templateParameterIssues(template, values) : {};
  const active = conversation.phase === 'active';

  function choose(key: string) {
    setSelected(key);
    setValues({});
    setVisited(new Set());
    setSubmitted(false);
    setError(null);
  }

  function send() {
    setSubmitted(true);
    if (!template || !active || Object.keys(issues).length > 0) return;
    const clientMessageId = newClientMessageId();
    const filled = { ...values };
    const optimistic: MessageView = {
      id: `local:${clientMessageId}`,
      conversationId: conversation.id,
      direction: 'outbound',
      text: renderTemplateText(template, filled),
      authorName: agentName,
      sentAt: new Date().toISOString(),
      status: 'pending',
      failureReason: null,
      clientMessageId,
    };
    dispatch({ type: 'message.reported', message: optimistic });
    choose('');
    sendTemplate(conversation.id, {
      clientMessageId,
      name: template.name,
      language: template.language,
      values: filled,
    }).then(
      (message) => dispatch({ type: 'message.reported', message }),
      (caught: unknown) => {
        const reason = errorText(caught);
        setError(reason);
        dispatch({
          type: 'message.reported',
          message: { ...optimistic, status: 'failed', failureReason: reason },
        });
      },
    );
  }

  return (
    <section className="template-picker" aria-label={t('templates.title')}>
      <p className="template-intro">{t('templates.intro')}</p>
      {error !== null && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <label className="field">
        <span className="field-label">{t('templates.choose')}</span>
        <select value={selected} onChange={(event) => choose(event.target.value)} disabled={!active}>
          <option value="">{t('templates.choosePlaceholder')}</option>
          {load.templates.map((candidate) => (
            <option key={keyOf(candidate)} value={keyOf(candidate)}>
              {t('templates.option', { name: candidate.name, language: candidate.language })}
            </option>
          ))}
        </select>
      </label>
      {template && (
        <form
          className="template-form"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            send();
          }}
        >
          {template.parameters.length > 0 && (
            <fieldset className="template-parameters">
              <legend className="field-label">{t('templates.parameters')}</legend>
              {template.parameters.map((parameter) => {
                const inputId = `${baseId}-${parameter.id}`;
                const issue = submitted || visited.has(parameter.id) ? issues[parameter.id] : undefined;
                return (
                  <div className="field" key={parameter.id}>
                    <label className="field-label" htmlFor={inputId}>
                      {parameter.component === 'header'
                        ? t('templates.parameterHeader', { key: parameter.key })
                        : t('templates.parameterBody', { key: parameter.key })}
                    </label>
                    <input
                      id={inputId}
                      type="text"
                      value={values[parameter.id] ?? ''}
                      aria-invalid={issue !== undefined}
                      aria-describedby={issue ? `${inputId}-issue` : undefined}
                      onChange={(event) =>
                        setValues((old) => ({ ...old, [parameter.id]: event.target.value }))
                      }
                      onBlur={() => setVisited((old) => new Set(old).add(parameter.id))}
                    />
                    {issue && (
                      <span className="field-issue" id={`${inputId}-issue`}>
                        {t(`templates.issues.${issue}`, { max: String(parameter.maxLength) })}
                      </span>
                    )}
                  </div>
                );
              })}
            </fieldset>
          )}
          <div className="template-preview" role="region" aria-label={t('templates.preview')}>
            <p data-testid="template-preview">{renderTemplateText(template, values)}</p>
            {template.buttons.length > 0 && (
              <ul className="template-buttons">
                {template.buttons.map((label) => (
                  <li key={label}>{label}</li>
                ))}
              </ul>
            )}
          </div>
          <button type="submit" className="button button-primary" disabled={!active}>
            {t('templates.send')}
          </button>
        </form>
      )}
    </section>
  );
}
