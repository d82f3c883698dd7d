import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { SignInLockView, TotpEnrollResponse } from '@parlo/protocol';
import {
  confirmTotp,
  disableTotp,
  enrollTotp,
  fetchSignInLocks,
  fetchTotpStatus,
  unlockSignIn,
} from '../../api/admin-client.ts';
import { asRequestError, type RequestErrorCode } from '../../api/request-error.ts';
import { formatDateTime } from './audit-state.ts';

type Loaded<T> =
  { key: number; kind: 'ready'; value: T } | { key: number; kind: 'failed'; code: RequestErrorCode };

/** Loads `fetch` again whenever `key` changes; the answer of an older key is never shown. */
function useLoaded<T>(key: number, fetch: (signal: AbortSignal) => Promise<T>): Loaded<T> | null {
  const [answer, setAnswer] = useState<Loaded<T> | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    fetch(controller.signal).then(
      (value) => setAnswer({ key, kind: 'ready', value }),
      (error: unknown) => {
        if (!controller.signal.aborted) setAnswer({ key, kind: 'failed', code: asRequestError(error).code });
      },
    );
    return () => controller.abort();
  }, [key, fetch]);
  return answer !== null && answer.key === key ? answer : null;
}

/**
 * Issue 17: usernames and addresses with failed sign-ins (locked ones can be unlocked, audited),
 * and the administrator's own two-step sign-in (TOTP): enroll, confirm with a code, turn off.
 */
export function SignInSecurity() {
  return (
    <>
      <SignInLocks />
      <TwoStepSignIn />
    </>
  );
}

function SignInLocks() {
  const { t, i18n } = useTranslation();
  const titleId = useId();
  const [attempt, setAttempt] = useState(0);
  const [failure, setFailure] = useState<RequestErrorCode | null>(null);
  const loaded = useLoaded<SignInLockView[]>(attempt, fetchSignInLocks);

  async function unlock(key: string) {
    setFailure(null);
    try {
      await unlockSignIn(key);
    } catch (error) {
      setFailure(asRequestError(error).code);
    }
    setAttempt((n) => n + 1);
  }

  const locks = loaded?.kind === 'ready' ? loaded.value : [];
  const code = failure ?? (loaded?.kind === 'failed' ? loaded.code : null);
  return (
    <section className="admin-section" aria-labelledby={titleId}>
      <div className="admin-section-header">
        <h2 id={titleId} className="admin-section-title">
          {t('console.signInLocks.title')}
        </h2>
        <button type="button" className="button button-secondary" onClick={() => setAttempt((n) => n + 1)}>
          {t('console.audit.refresh')}
        </button>
      </div>
      <p className="admin-note">{t('console.signInLocks.intro')}</p>
      {code !== null && (
        <p className="form-error" role="alert">
          {t('console.loadFailed', { reason: t(`errors.${code}`) })}
        </p>
      )}
      <table className="data-table" aria-labelledby={titleId}>
        <thead>
          <tr>
            <th scope="col">{t('console.signInLocks.subject')}</th>
            <th scope="col">{t('console.signInLocks.failures')}</th>
            <th scope="col">{t('console.signInLocks.lastFailure')}</th>
            <th scope="col">{t('console.signInLocks.lockedUntil')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('console.signInLocks.unlock')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {locks.map((lock) => (
            <tr key={lock.key}>
              <td>
                {lock.subject} <span className="muted">{t(`console.signInLocks.kind.${lock.kind}`)}</span>
              </td>
              <td className="numeric">{lock.failures}</td>
              <td>
                <time dateTime={lock.lastFailureAt}>{formatDateTime(lock.lastFailureAt, i18n.language)}</time>
              </td>
              <td>
                {lock.lockedUntil === null ? (
                  '—'
                ) : (
                  <time dateTime={lock.lockedUntil}>{formatDateTime(lock.lockedUntil, i18n.language)}</time>
                )}
              </td>
              <td>
                <button
                  type="button"
                  className="button button-secondary"
                  aria-label={t('console.signInLocks.unlockNamed', { name: lock.subject })}
                  onClick={() => void unlock(lock.key)}
                >
                  {t('console.signInLocks.unlock')}
                </button>
              </td>
            </tr>
          ))}
          {locks.length === 0 && (
            <tr>
              <td colSpan={5} className="data-table-empty">
                {loaded === null ? t('console.loading') : t('console.signInLocks.none')}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
}

function TwoStepSignIn() {
  const { t } = useTranslation();
  const titleId = useId();
  const [attempt, setAttempt] = useState(0);
  const loaded = useLoaded(attempt, fetchTotpStatus);
  const [enrollment, setEnrollment] = useState<TotpEnrollResponse | null>(null);
  const [code, setCode] = useState('');
  const [failure, setFailure] = useState<RequestErrorCode | null>(null);
  const enabled = loaded?.kind === 'ready' && loaded.value.enabled;

  async function run(action: () => Promise<unknown>) {
    setFailure(null);
    try {
      await action();
      setCode('');
      setAttempt((n) => n + 1);
      return true;
    } catch (error) {
      setFailure(asRequestError(error).code);
      return false;
    }
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (enabled) void run(() => disableTotp(code));
    else void run(() => confirmTotp(code)).then((done) => done && setEnrollment(null));
  }

  return (
    <section className="admin-section" aria-labelledby={titleId}>
      <div className="admin-section-header">
        <h2 id={titleId} className="admin-section-title">
          {t('console.totp.title')}
        </h2>
      </div>
      <p className="admin-note">{enabled ? t('console.totp.on') : t('console.totp.off')}</p>
      {!enabled && enrollment === null && loaded?.kind === 'ready' && (
        <button
          type="button"
          className="button button-secondary"
          onClick={() => void run(async () => setEnrollment(await enrollTotp()))}
        >
          {t('console.totp.enroll')}
        </button>
      )}
      {!enabled && enrollment !== null && (
        <div className="admin-note">
          <p>{t('console.totp.scan')}</p>
          <p>
            {t('console.totp.secret')} <code>{enrollment.secret}</code>
          </p>
          <p>
            <a href={enrollment.uri}>{t('console.totp.link')}</a>
          </p>
        </div>
      )}
      {(enabled || enrollment !== null) && (
        <form onSubmit={submit}>
          <label className="field">
            <span className="field-label">{t('console.totp.code')}</span>
            <input
              className="input"
              name="totpCode"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9]{6}"
              maxLength={6}
              required
              value={code}
              onChange={(e) => setCode(e.target.value.replace(/\D/g, ''))}
            />
          </label>
          <button type="submit" className="button button-primary">
            {enabled ? t('console.totp.disable') : t('console.totp.confirm')}
          </button>
        </form>
      )}
      {failure !== null && (
        <p className="form-error" role="alert">
          {t(`errors.${failure}`)}
        </p>
      )}
    </section>
  );
}
