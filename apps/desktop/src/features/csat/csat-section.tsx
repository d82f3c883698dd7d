import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { updateCsatSettingsRequestSchema, type CsatSettings } from '@parlo/protocol';
import { asRequestError } from '../../api/request-error.ts';
import { SelectField, TextField, useProblemText } from '../admin/form-fields.tsx';
import { numberInput, validate, type FieldProblem } from '../admin/form-model.ts';
import { fetchCsatSettings, updateCsatSettings } from './csat-api.ts';

type Draft = Omit<CsatSettings, 'windowHours'> & { windowHours: string };

const toDraft = (s: CsatSettings): Draft => ({ ...s, windowHours: String(s.windowHours) });

/**
 * Issue 18 (ADR 28): the administrator's CSAT settings — off by default; on: the scale, the
 * question and thank-you texts in both languages, the answer window. Saved (and audited) together.
 */
export function CsatSection() {
  const { t } = useTranslation();
  const problemText = useProblemText();
  const titleId = useId();
  const [draft, setDraft] = useState<Draft | null>(null);
  const [problems, setProblems] = useState<Record<string, FieldProblem>>({});
  const [status, setStatus] = useState<string>('');
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    const controller = new AbortController();
    fetchCsatSettings(controller.signal).then(
      (settings) => setDraft(toDraft(settings)),
      (error: unknown) => {
        if (!controller.signal.aborted)
          setStatus(t('csat.failed', { reason: t(`errors.${asRequestError(error).code}`) }));
      },
    );
    return () => controller.abort();
  }, [t]);

  if (draft === null)
    return (
      <section className="admin-section" aria-labelledby={titleId}>
        <h2 id={titleId} className="admin-section-title">
          {t('csat.title')}
        </h2>
        <p className="admin-note" role="status">
          {status || t('csat.loading')}
        </p>
      </section>
    );

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setDraft({ ...draft, [key]: value });
    setStatus('');
  };
  const problem = (field: string) => {
    const p = problems[field];
    return p === undefined ? null : problemText(field, p);
  };

  async function save(event: FormEvent) {
    event.preventDefault();
    if (draft === null || saving) return;
    const result = validate(updateCsatSettingsRequestSchema, {
      ...draft,
      windowHours: numberInput(draft.windowHours, undefined),
    });
    if (!result.ok) {
      setProblems(result.errors);
      return;
    }
    setProblems({});
    setSaving(true);
    try {
      setDraft(toDraft(await updateCsatSettings(result.value)));
      setStatus(t('csat.saved'));
    } catch (error) {
      setStatus(t('csat.failed', { reason: t(`errors.${asRequestError(error).code}`) }));
    } finally {
      setSaving(false);
    }
  }

  return (
    <section className="admin-section" aria-labelledby={titleId} data-testid="csat-settings">
      <h2 id={titleId} className="admin-section-title">
        {t('csat.title')}
      </h2>
      <p className="setting-hint">{t('csat.hint')}</p>
      <form className="admin-form" onSubmit={(e) => void save(e)} noValidate>
        <div className="setting">
          <label className="setting-row">
            <input
              type="checkbox"
              role="switch"
              className="switch"
              checked={draft.enabled}
              onChange={(e) => set('enabled', e.target.checked)}
            />
            <span className="setting-label">{t('csat.enabled')}</span>
          </label>
        </div>
        <SelectField
          label={t('csat.scale')}
          value={draft.scale}
          onChange={(value) => set('scale', value === 'five' ? 'five' : 'three')}
          problem={problem('scale')}
          options={[
            { value: 'three', label: t('csat.scales.three') },
            { value: 'five', label: t('csat.scales.five') },
          ]}
        />
        <TextField
          label={t('csat.questionEn')}
          value={draft.questionEn}
          onChange={(v) => set('questionEn', v)}
          problem={problem('questionEn')}
          multiline
        />
        <TextField
          label={t('csat.questionIt')}
          value={draft.questionIt}
          onChange={(v) => set('questionIt', v)}
          problem={problem('questionIt')}
          multiline
        />
        <TextField
          label={t('csat.windowHours')}
          type="number"
          value={draft.windowHours}
          onChange={(v) => set('windowHours', v)}
          problem={problem('windowHours')}
        />
        <TextField
          label={t('csat.thanksEn')}
          value={draft.thanksEn}
          onChange={(v) => set('thanksEn', v)}
          problem={problem('thanksEn')}
          multiline
        />
        <TextField
          label={t('csat.thanksIt')}
          value={draft.thanksIt}
          onChange={(v) => set('thanksIt', v)}
          problem={problem('thanksIt')}
          multiline
        />
        <div className="form-actions">
          <button type="submit" className="button button-primary" aria-busy={saving}>
            {t('csat.save')}
          </button>
        </div>
      </form>
      <p className="admin-status" role="status" data-testid="csat-status">
        {status}
      </p>
    </section>
  );
}
