import { useCallback, useEffect, useId, useReducer, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Settings } from '@parlo/protocol';
import { fetchSettings, updateSettings } from '../../api/client.ts';
import { asRequestError } from '../../api/request-error.ts';
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
        <MaskingSetting
          checked={shownSettings(state).maskSensitiveData}
          saving={state.pending !== null}
          onChange={(maskSensitiveData) => {
            if (state.pending === null) void save({ maskSensitiveData });
          }}
        />
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

function NoticeText({ notice }: { notice: SaveNotice }) {
  const { t } = useTranslation();
  if (notice.kind === 'saveFailed') {
    return (
      <span className="admin-status-failed">
        {t('admin.settings.saveFailed', { reason: t(`errors.${notice.code}`) })}
      </span>
    );
  }
  return (
    <span className="admin-status-saved">
      {notice.settings.maskSensitiveData ? t('admin.settings.savedOn') : t('admin.settings.savedOff')}
    </span>
  );
}
