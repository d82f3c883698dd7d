import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AutomaticMessage, AutomaticMessages, Catalog, OutOfHoursBehaviour } from '@parlo/protocol';
import {
  fetchAutomaticMessages,
  fetchBusinessHours,
  saveAutomaticMessages,
  saveBusinessHours,
} from '../automation/automation-api.ts';
import { holidaysOf, intervalsOf, linesOf } from '../automation/hours-text.ts';
import { useErrorText } from '../shell/use-error-text.ts';

const DAYS = [1, 2, 3, 4, 5, 6, 0] as const;
/** The i18n key of each day, Sunday (0) first. */
const DAY_KEYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const dayKey = (day: number) => DAY_KEYS[day] ?? 'sun';

interface HoursDraft {
  enabled: boolean;
  lines: string[];
  holidays: string;
  outOfHours: OutOfHoursBehaviour;
  overflowQueueId: string;
  replyEn: string;
  replyIt: string;
}

/**
 * Issue 18 (ADR 27): each queue's business hours (one line of times per day, holidays, what
 * happens out of hours, the reply in English and Italian) and the center's automatic messages.
 * The server audits every change.
 */
export function BusinessHoursSection({ catalog }: { catalog: Catalog }) {
  const { t } = useTranslation();
  const titleId = useId();
  return (
    <section className="admin-section" aria-labelledby={titleId}>
      <h2 id={titleId} className="admin-section-title">
        {t('automation.title')}
      </h2>
      <QueueHours catalog={catalog} />
      <AutomaticMessagesForm />
    </section>
  );
}

type SaveStatus = { ok: boolean; text: string } | null;

/** A form's save: `saving` while it runs, then "Saved." or the error's text. */
function useSave() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [status, setStatus] = useState<SaveStatus>(null);
  const [saving, setSaving] = useState(false);
  async function save(action: () => Promise<void>): Promise<void> {
    setSaving(true);
    try {
      await action();
      setStatus({ ok: true, text: t('automation.saved') });
    } catch (error) {
      setStatus({ ok: false, text: errorText(error) });
    } finally {
      setSaving(false);
    }
  }
  return { status, setStatus, saving, save, errorText };
}

function SaveStatusLine({ status, testId }: { status: SaveStatus; testId: string }) {
  return (
    <p className="admin-status" role="status" data-testid={testId}>
      {status && (
        <span className={status.ok ? 'admin-status-saved' : 'admin-status-failed'}>{status.text}</span>
      )}
    </p>
  );
}

function QueueHours({ catalog }: { catalog: Catalog }) {
  const { t } = useTranslation();
  const { status, setStatus, saving, save, errorText } = useSave();
  const [queueId, setQueueId] = useState(catalog.queues[0]?.id ?? '');
  const [draft, setDraft] = useState<HoursDraft | null>(null);
  const [zone, setZone] = useState('');
  const [openNow, setOpenNow] = useState<boolean | null>(null);

  useEffect(() => {
    if (queueId === '') return;
    const controller = new AbortController();
    fetchBusinessHours(queueId, controller.signal).then(
      (answer) => {
        const h = answer.businessHours;
        setZone(answer.timeZone);
        setOpenNow(answer.openNow);
        setDraft({
          enabled: h.enabled,
          lines: linesOf(h.intervals),
          holidays: h.holidays.join(', '),
          outOfHours: h.outOfHours,
          overflowQueueId: h.overflowQueueId ?? '',
          replyEn: h.replyEn,
          replyIt: h.replyIt,
        });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setStatus({ ok: false, text: errorText(error) });
      },
    );
    return () => controller.abort();
  }, [queueId, errorText, setStatus]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!draft) return;
    const intervals = intervalsOf(draft.lines);
    if (!intervals.ok) {
      setStatus({
        ok: false,
        text: t('automation.badLine', { day: t(`automation.days.${dayKey(intervals.day)}`) }),
      });
      return;
    }
    const holidays = holidaysOf(draft.holidays);
    if (holidays === null) {
      setStatus({ ok: false, text: t('automation.badHolidays') });
      return;
    }
    await save(async () => {
      const answer = await saveBusinessHours(queueId, {
        enabled: draft.enabled,
        intervals: intervals.intervals,
        holidays,
        outOfHours: draft.outOfHours,
        overflowQueueId: draft.outOfHours === 'overflow' ? draft.overflowQueueId || null : null,
        replyEn: draft.replyEn,
        replyIt: draft.replyIt,
      });
      setOpenNow(answer.openNow);
    });
  }

  const set = (patch: Partial<HoursDraft>) => setDraft((d) => (d ? { ...d, ...patch } : d));
  return (
    <form
      className="automation-form"
      noValidate
      onSubmit={(e) => void submit(e)}
      data-testid="business-hours-form"
    >
      <h3>{t('automation.hoursTitle')}</h3>
      <label className="automation-field">
        <span>{t('automation.queue')}</span>
        <select
          className="select"
          value={queueId}
          onChange={(e) => {
            setQueueId(e.target.value);
            setDraft(null);
            setStatus(null);
          }}
          data-testid="business-hours-queue"
        >
          {catalog.queues.map((q) => (
            <option key={q.id} value={q.id}>
              {q.name}
            </option>
          ))}
        </select>
      </label>
      {draft && (
        <>
          <p className="setting-hint">
            {t('automation.timeZone', { zone })}{' '}
            {openNow !== null && (
              <strong>{openNow ? t('automation.openNow') : t('automation.closedNow')}</strong>
            )}
          </p>
          <label className="automation-check">
            <input
              type="checkbox"
              checked={draft.enabled}
              onChange={(e) => set({ enabled: e.target.checked })}
              data-testid="business-hours-enabled"
            />
            <span>{t('automation.enabled')}</span>
          </label>
          <p className="setting-hint">{t('automation.intervalsHint')}</p>
          {DAYS.map((day) => (
            <label key={day} className="automation-field">
              <span>{t(`automation.days.${dayKey(day)}`)}</span>
              <input
                className="input"
                value={draft.lines[day] ?? ''}
                placeholder="09:00-18:00"
                data-testid={`business-hours-day-${day}`}
                onChange={(e) => set({ lines: draft.lines.map((l, i) => (i === day ? e.target.value : l)) })}
              />
            </label>
          ))}
          <label className="automation-field">
            <span>{t('automation.holidays')}</span>
            <input
              className="input"
              value={draft.holidays}
              onChange={(e) => set({ holidays: e.target.value })}
            />
          </label>
          <label className="automation-field">
            <span>{t('automation.outOfHours')}</span>
            <select
              className="select"
              value={draft.outOfHours}
              onChange={(e) => set({ outOfHours: e.target.value === 'overflow' ? 'overflow' : 'wait' })}
            >
              <option value="wait">{t('automation.wait')}</option>
              <option value="overflow">{t('automation.overflow')}</option>
            </select>
          </label>
          {draft.outOfHours === 'overflow' && (
            <label className="automation-field">
              <span>{t('automation.overflowQueue')}</span>
              <select
                className="select"
                value={draft.overflowQueueId}
                onChange={(e) => set({ overflowQueueId: e.target.value })}
              >
                <option value="" />
                {catalog.queues
                  .filter((q) => q.id !== queueId)
                  .map((q) => (
                    <option key={q.id} value={q.id}>
                      {q.name}
                    </option>
                  ))}
              </select>
            </label>
          )}
          <label className="automation-field">
            <span>{t('automation.replyEn')}</span>
            <textarea
              className="input automation-text"
              value={draft.replyEn}
              rows={2}
              maxLength={1024}
              data-testid="business-hours-reply-en"
              onChange={(e) => set({ replyEn: e.target.value })}
            />
          </label>
          <label className="automation-field">
            <span>{t('automation.replyIt')}</span>
            <textarea
              className="input automation-text"
              value={draft.replyIt}
              rows={2}
              maxLength={1024}
              onChange={(e) => set({ replyIt: e.target.value })}
            />
          </label>
          <button type="submit" className="button" disabled={saving} data-testid="business-hours-save">
            {t('automation.saveHours')}
          </button>
        </>
      )}
      <SaveStatusLine status={status} testId="business-hours-status" />
    </form>
  );
}

function AutomaticMessagesForm() {
  const { t } = useTranslation();
  const { status, setStatus, saving, save, errorText } = useSave();
  const [draft, setDraft] = useState<AutomaticMessages | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    fetchAutomaticMessages(controller.signal).then(setDraft, (error: unknown) => {
      if (!controller.signal.aborted) setStatus({ ok: false, text: errorText(error) });
    });
    return () => controller.abort();
  }, [errorText, setStatus]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!draft) return;
    await save(async () => setDraft(await saveAutomaticMessages(draft)));
  }

  const set = (patch: Partial<AutomaticMessages>) => setDraft((d) => (d ? { ...d, ...patch } : d));
  return (
    <form
      className="automation-form"
      noValidate
      onSubmit={(e) => void submit(e)}
      data-testid="automatic-messages-form"
    >
      <h3>{t('automation.messagesTitle')}</h3>
      {draft && (
        <>
          <MessageFields
            label={t('automation.welcome')}
            hint={t('automation.welcomeHint', { position: '{{position}}' })}
            value={draft.welcome}
            testId="welcome"
            onChange={(welcome) => set({ welcome })}
          />
          <label className="automation-check">
            <input
              type="checkbox"
              checked={draft.outOfHoursEnabled}
              onChange={(e) => set({ outOfHoursEnabled: e.target.checked })}
            />
            <span>{t('automation.outOfHoursOn')}</span>
          </label>
          <MessageFields
            label={t('automation.closing')}
            value={draft.closing}
            testId="closing"
            onChange={(closing) => set({ closing })}
          />
          <label className="automation-field">
            <span>{t('automation.fallbackTemplate')}</span>
            <input
              className="input"
              value={draft.fallbackTemplate ?? ''}
              onChange={(e) =>
                set({ fallbackTemplate: e.target.value.trim() === '' ? null : e.target.value })
              }
            />
          </label>
          <label className="automation-field">
            <span>{t('automation.defaultLanguage')}</span>
            <select
              className="select"
              value={draft.defaultLanguage}
              onChange={(e) => set({ defaultLanguage: e.target.value === 'it' ? 'it' : 'en' })}
            >
              <option value="en">{t('automation.english')}</option>
              <option value="it">{t('automation.italian')}</option>
            </select>
          </label>
          <button type="submit" className="button" disabled={saving} data-testid="automatic-messages-save">
            {t('automation.saveMessages')}
          </button>
        </>
      )}
      <SaveStatusLine status={status} testId="automatic-messages-status" />
    </form>
  );
}

function MessageFields({
  label,
  hint,
  value,
  testId,
  onChange,
}: {
  label: string;
  hint?: string;
  value: AutomaticMessage;
  testId: string;
  onChange: (value: AutomaticMessage) => void;
}) {
  const { t } = useTranslation();
  return (
    <fieldset className="automation-message">
      <legend>
        <label className="automation-check">
          <input
            type="checkbox"
            checked={value.enabled}
            data-testid={`${testId}-enabled`}
            onChange={(e) => onChange({ ...value, enabled: e.target.checked })}
          />
          <span>{label}</span>
        </label>
      </legend>
      {hint !== undefined && <p className="setting-hint">{hint}</p>}
      <label className="automation-field">
        <span>{t('automation.textEn')}</span>
        <textarea
          className="input automation-text"
          value={value.textEn}
          rows={2}
          maxLength={1024}
          onChange={(e) => onChange({ ...value, textEn: e.target.value })}
        />
      </label>
      <label className="automation-field">
        <span>{t('automation.textIt')}</span>
        <textarea
          className="input automation-text"
          value={value.textIt}
          rows={2}
          maxLength={1024}
          onChange={(e) => onChange({ ...value, textIt: e.target.value })}
        />
      </label>
    </fieldset>
  );
}
