import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { login } from '../../api/client.ts';
import { asRequestError } from '../../api/request-error.ts';
import { LanguageSelect } from '../shell/language-select.tsx';
import { useErrorText } from '../shell/use-error-text.ts';
import { SsoButton } from './sso-button.tsx';
import './login.css';

interface LoginPageProps {
  /** Called once the session cookie is set. */
  onSignedIn: () => Promise<void>;
}

/** Username + password form. Wrong credentials get one generic message, never which field was wrong. */
export function LoginPage({ onSignedIn }: LoginPageProps) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  // Issue 17: an administrator with TOTP on is asked for a code after a right password.
  const [totpCode, setTotpCode] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await login({ username: username.trim(), password, ...(totpCode === null ? {} : { totpCode }) });
      await onSignedIn();
    } catch (caught) {
      const failure = asRequestError(caught);
      if (failure.code === 'TOTP_REQUIRED') {
        setTotpCode('');
        setError(null);
      } else {
        setError(failure.code === 'INVALID_CREDENTIALS' ? t('login.wrongCredentials') : errorText(failure));
      }
      setBusy(false);
    }
  }

  return (
    <div className="login-screen">
      <div className="login-language">
        <LanguageSelect />
      </div>
      <form className="login-card" onSubmit={(e) => void submit(e)}>
        <div className="brand brand-large" aria-hidden="true">
          <span className="brand-mark">P</span> {t('app.name')}
        </div>
        <h1 className="login-title">{t('login.title')}</h1>
        <label className="field">
          <span className="field-label">{t('login.username')}</span>
          <input
            className="input"
            name="username"
            autoComplete="username"
            required
            autoFocus
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
        </label>
        <label className="field">
          <span className="field-label">{t('login.password')}</span>
          <input
            className="input"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {totpCode !== null && (
          <label className="field">
            <span className="field-label">{t('login.totpCode')}</span>
            <input
              className="input"
              name="totpCode"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9]{6}"
              maxLength={6}
              required
              autoFocus
              value={totpCode}
              onChange={(e) => setTotpCode(e.target.value.replace(/\D/g, ''))}
            />
            <span className="field-hint">{t('login.totpHint')}</span>
          </label>
        )}
        {error !== null && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="button button-primary button-block" disabled={busy} aria-busy={busy}>
          {t('login.submit')}
        </button>
        <SsoButton />
      </form>
    </div>
  );
}
