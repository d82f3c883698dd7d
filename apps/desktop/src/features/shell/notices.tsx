import { createContext, useCallback, useContext, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import './shell.css';

interface Notice {
  id: number;
  text: string;
}

type Notify = (text: string) => void;

const NoticeContext = createContext<Notify>(() => undefined);

const NOTICE_MS = 6000;

/** Shows short-lived messages (e.g. "This request is no longer available") top-centre. */
export function NoticeProvider({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const [notices, setNotices] = useState<readonly Notice[]>([]);
  const nextId = useRef(1);

  const dismiss = useCallback((id: number) => {
    setNotices((list) => list.filter((n) => n.id !== id));
  }, []);

  const notify = useCallback<Notify>(
    (text) => {
      const id = nextId.current;
      nextId.current += 1;
      setNotices((list) => [...list, { id, text }]);
      setTimeout(() => dismiss(id), NOTICE_MS);
    },
    [dismiss],
  );

  return (
    <NoticeContext.Provider value={notify}>
      {children}
      <div className="notices" aria-live="assertive">
        {notices.map((n) => (
          <div key={n.id} className="notice" role="alert">
            <span>{n.text}</span>
            <button
              type="button"
              className="icon-button"
              aria-label={t('app.dismiss')}
              onClick={() => dismiss(n.id)}
            >
              ×
            </button>
          </div>
        ))}
      </div>
    </NoticeContext.Provider>
  );
}

/** The function that shows a notice. */
export function useNotify(): Notify {
  return useContext(NoticeContext);
}
