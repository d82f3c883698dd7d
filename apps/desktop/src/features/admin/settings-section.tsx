import { useCallback, useEffect, useId, useReducer, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { updateSettingsRequestSchema, type Settings } from '@parlo/protocol';
import { fetchSettings, updateSettings } from '../../api/client.ts';
import { asRequestError } from '../../api/request-error.ts';
import { SelectField, TextField, useProblemText } from './form-fields.tsx';
import { numberInput, validate, type FieldProblem } from './form-model.ts';
import { INITIAL_SETTINGS_STATE, settingsReducer, shownSettings, type SaveNotice } from './settings-state.ts';

/** S-10..S-13: the administrator's run-time settings, each saved as soon as it changes. */
export function SettingsSection() {
  const { t } = useTranslation();
  const titleId = useId();
  const [state, dispatch] = useReducer(settingsReducer, INITIAL_SETTINGS_STATE);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    dispatch({ type: 'load.started' });
    fetchSettings(controller.signal).then(
      (settings) => dispatch({ type: 'load.succeeded', settings }),
      (error: unknown) => {
        if (!controller.signal.aborted) dispatch({ type: 'load.failed', code: asRequestError(error).code });
      },
    );
    return () => controller.abort();
  }, [attempt]);

  const save = useCallback(async (change: Partial<Settings>) => {
    dispatch({ type: 'save.started', change });
    try {
      dispatch({ type: 'save.succeeded', settings: await updateSettings(change) });
    } catch (error) {
      dispatch({ type: 'save.failed', code: asRequestError(error).code });
    }
  }, []);

  return (
    <section className="admin-section" aria-labelledby={titleId}>
      <h2 id={titleId} className="admin-section-title">
        {t('admin.settings.title')}
      </h2>
      {state.kind === 'loading' && <p className="admin-note">{t('admin.settings.loading')}</p>}
      {state.kind === 'loadFailed' && (
        <div className="admin-load-failed">
          <p className="form-error" role="alert">
            {t('admin.settings.loadFailed', { reason: t(`errors.${state.code}`) })}
          </p>
          <button type="button" className="button button-secondary" onClick={() => setAttempt((n) => n + 1)}>
            {t('admin.settings.retry')}
          </button>
        </div>
      )}
      {state.kind === 'ready' && (
        <>
          <MaskingSetting
            checked={shownSettings(state).maskSensitiveData}
            saving={state.pending !== null}
            onChange={(maskSensitiveData) => {
              if (state.pending === null) void save({ maskSensitiveData });
            }}
          />
          <OtherSettings
            settings={shownSettings(state)}
            saving={state.pending !== null}
            onSave={(change) => {
              if (state.pending === null) void save(change);
            }}
          />
        </>
      )}
      {/* Always rendered, so screen readers announce the outcome when its text appears. */}
      <p className="admin-status" role="status" data-testid="settings-status">
        {state.kind === 'ready' && state.notice !== null && <NoticeText notice={state.notice} />}
      </p>
    </section>
  );
}

function MaskingSetting({
  checked,
  saving,
  onChange,
}: {
  checked: boolean;
  saving: boolean;
  onChange: (checked: boolean) => void;
}) {
  const { t } = useTranslation();
  const hintId = useId();
  return (
    <div className="setting">
      <label className="setting-row">
        {/* Not `disabled` while saving: that would drop keyboard focus. Changes are ignored instead. */}
        <input
          type="checkbox"
          role="switch"
          className="switch"
          checked={checked}
          aria-describedby={hintId}
          aria-busy={saving}
          aria-disabled={saving}
          onChange={(e) => onChange(e.target.checked)}
        />
        <span className="setting-label">{t('admin.settings.maskLabel')}</span>
      </label>
      <p id={hintId} className="setting-hint">
        {t('admin.settings.maskHint')}
      </p>
    </div>
  );
}

/**
 * S-17, read receipts, conference signatures and the disconnect grace period. Switches and
 * selects save as they change; the grace period is typed, validated with the protocol's schema
 * (0..3600 s) next to the field, and saved with its own button.
 */
function OtherSettings({
  settings,
  saving,
  onSave,
}: {
  settings: Settings;
  saving: boolean;
  onSave: (change: Partial<Settings>) => void;
}) {
  const { t } = useTranslation();
  const problemText = useProblemText();
  const signaturesHint = useId();
  const monitoringHint = useId();
  const [grace, setGrace] = useState(String(settings.disconnectGraceSeconds));
  const [graceProblem, setGraceProblem] = useState<FieldProblem | null>(null);
  const policies = ['returnToQueue', 'endConversation'] as const;
  const receipts = ['onOpen', 'never'] as const;

  function saveGrace(event: FormEvent) {
    event.preventDefault();
    const result = validate(updateSettingsRequestSchema, {
      disconnectGraceSeconds: numberInput(grace, undefined),
    });
    if (!result.ok) {
      setGraceProblem(result.errors.disconnectGraceSeconds ?? { kind: 'invalid' });
      return;
    }
    setGraceProblem(null);
    onSave(result.value);
  }

  return (
    <>
      <SelectField
        label={t('console.settings.transferPolicy')}
        value={settings.transferNotAcceptedPolicy}
        onChange={(v) => {
          const policy = policies.find((p) => p === v);
          if (policy) onSave({ transferNotAcceptedPolicy: policy });
        }}
        problem={null}
        hint={t('console.settings.transferPolicyHint')}
        options={policies.map((p) => ({ value: p, label: t(`console.settings.policies.${p}`) }))}
      />
      <SelectField
        label={t('console.settings.readReceipts')}
        value={settings.readReceipts}
        onChange={(v) => {
          const receipt = receipts.find((r) => r === v);
          if (receipt) onSave({ readReceipts: receipt });
        }}
        problem={null}
        options={receipts.map((r) => ({ value: r, label: t(`console.settings.receipts.${r}`) }))}
      />
      <div className="setting">
        <label className="setting-row">
          <input
            type="checkbox"
            role="switch"
            className="switch"
            checked={settings.conferenceSignatures}
            aria-describedby={signaturesHint}
            aria-busy={saving}
            aria-disabled={saving}
            onChange={(e) => onSave({ conferenceSignatures: e.target.checked })}
          />
          <span className="setting-label">{t('console.settings.signatures')}</span>
        </label>
        <p id={signaturesHint} className="setting-hint">
          {t('console.settings.signaturesHint')}
        </p>
      </div>
      <div className="setting">
        <label className="setting-row">
          <input
            type="checkbox"
            role="switch"
            className="switch"
            checked={settings.showMonitoringToAgents}
            aria-describedby={monitoringHint}
            aria-busy={saving}
            aria-disabled={saving}
            onChange={(e) => onSave({ showMonitoringToAgents: e.target.checked })}
          />
          <span className="setting-label">{t('console.settings.showMonitoring')}</span>
        </label>
        <p id={monitoringHint} className="setting-hint">
          {t('console.settings.showMonitoringHint')}
        </p>
      </div>
      <SelectField
        label={t('console.settings.timeZone')}
        value={settings.timeZone}
        onChange={(v) => onSave({ timeZone: v })}
        problem={null}
        hint={t('console.settings.timeZoneHint')}
        options={timeZoneOptions(settings.timeZone).map((z) => ({ value: z, label: z }))}
      />
      <form className="setting-inline-form" noValidate onSubmit={saveGrace}>
        <TextField
          label={t('console.settings.grace')}
          type="number"
          value={grace}
          onChange={(v) => {
            setGraceProblem(null);
            setGrace(v);
          }}
          problem={graceProblem === null ? null : problemText('disconnectGraceSeconds', graceProblem)}
          hint={t('console.settings.graceHint')}
        />
        <button type="submit" className="button button-secondary" aria-busy={saving}>
          {t('console.settings.saveGrace')}
        </button>
      </form>
    </>
  );
}

/** The IANA zones this browser knows, UTC first, with the current one even if it does not. */
function timeZoneOptions(current: string): string[] {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return [...new Set(['UTC', current, ...zones])];
}

function NoticeText({ notice }: { notice: SaveNotice }) {
  const { t } = useTranslation();
  if (notice.kind === 'saveFailed') {
    return (
      <span className="admin-status-failed">
        {t('admin.settings.saveFailed', { reason: t(`errors.${notice.code}`) })}
      </span>
    );
  }
  if (notice.changed.length === 1 && notice.changed[0] !== 'maskSensitiveData') {
    return (
      <span className="admin-status-saved">
        {t('console.settings.saved', {
          name: t(`console.settings.names.${notice.changed[0] ?? 'disconnectGraceSeconds'}`),
        })}
      </span>
    );
  }
  return (
    <span className="admin-status-saved">
      {notice.settings.maskSensitiveData ? t('admin.settings.savedOn') : t('admin.settings.savedOff')}
    </span>
  );
}
