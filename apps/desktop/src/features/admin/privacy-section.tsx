import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  customerEraseResponseSchema,
  customerExportSchema,
  privacyCustomersResponseSchema,
  privacyRoutes,
  retentionResponseSchema,
  type PrivacyCustomerView,
  type RetentionSettings,
} from '@parlo/protocol';
import { call } from '../../api/client.ts';
import { asRequestError } from '../../api/request-error.ts';
import { TextField } from './form-fields.tsx';

type RetentionField = keyof RetentionSettings;
const FIELDS: readonly RetentionField[] = [
  'messagesDays',
  'webhookBodyHours',
  'auditLogDays',
  'agentEventsDays',
];
/** Periods an empty field means "keep" for; the others always have a value. */
const NULLABLE: ReadonlySet<RetentionField> = new Set(['messagesDays', 'auditLogDays']);

/**
 * Issue 17: the retention periods, and one customer's data found, exported (GDPR art. 15) or
 * erased (art. 17). The server checks bounds and permissions and audits every use.
 */
export function PrivacySection() {
  const { t } = useTranslation();
  const titleId = useId();
  return (
    <section className="admin-section" aria-labelledby={titleId}>
      <h2 id={titleId} className="admin-section-title">
        {t('console.dataProtection.title')}
      </h2>
      <RetentionForm />
      <CustomerData />
    </section>
  );
}

function RetentionForm() {
  const { t } = useTranslation();
  const [values, setValues] = useState<Record<RetentionField, string> | null>(null);
  const [status, setStatus] = useState<string>('');

  useEffect(() => {
    const controller = new AbortController();
    call(privacyRoutes.retention, retentionResponseSchema, { signal: controller.signal }).then(
      ({ retention }) => setValues(asText(retention)),
      (error: unknown) => {
        if (!controller.signal.aborted)
          setStatus(
            t('console.dataProtection.failed', { reason: t(`errors.${asRequestError(error).code}`) }),
          );
      },
    );
    return () => controller.abort();
  }, [t]);

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!values) return;
    const body: Partial<Record<RetentionField, number | null>> = {};
    for (const field of FIELDS) {
      const text = values[field].trim();
      body[field] = text === '' && NULLABLE.has(field) ? null : Number(text);
    }
    try {
      const { retention } = await call(privacyRoutes.retention, retentionResponseSchema, {
        method: 'PUT',
        body,
      });
      setValues(asText(retention));
      setStatus(t('console.dataProtection.saved'));
    } catch (error) {
      setStatus(t('console.dataProtection.failed', { reason: t(`errors.${asRequestError(error).code}`) }));
    }
  }

  return (
    <form className="admin-form" onSubmit={(e) => void save(e)} data-testid="retention-form">
      <h3>{t('console.dataProtection.retentionTitle')}</h3>
      <p className="admin-note">{t('console.dataProtection.retentionHint')}</p>
      {values &&
        FIELDS.map((field) => (
          <TextField
            key={field}
            type="number"
            label={t(`console.dataProtection.${field}`)}
            value={values[field]}
            problem={null}
            onChange={(value) => setValues({ ...values, [field]: value })}
          />
        ))}
      <button type="submit" className="button button-primary" disabled={!values}>
        {t('console.dataProtection.saveRetention')}
      </button>
      <p className="admin-status" role="status">
        {status}
      </p>
    </form>
  );
}

function asText(retention: RetentionSettings): Record<RetentionField, string> {
  return {
    messagesDays: retention.messagesDays === null ? '' : String(retention.messagesDays),
    webhookBodyHours: String(retention.webhookBodyHours),
    auditLogDays: retention.auditLogDays === null ? '' : String(retention.auditLogDays),
    agentEventsDays: String(retention.agentEventsDays),
  };
}

function CustomerData() {
  const { t } = useTranslation();
  const [identity, setIdentity] = useState('');
  const [found, setFound] = useState<PrivacyCustomerView[] | null>(null);
  const [status, setStatus] = useState('');
  const failed = (error: unknown) =>
    setStatus(t('console.dataProtection.failed', { reason: t(`errors.${asRequestError(error).code}`) }));

  async function find(event: FormEvent) {
    event.preventDefault();
    setStatus('');
    try {
      const query = new URLSearchParams({ identity: identity.trim() });
      const { customers } = await call(`${privacyRoutes.customers}?${query}`, privacyCustomersResponseSchema);
      setFound(customers);
    } catch (error) {
      failed(error);
    }
  }

  async function exportData(customer: PrivacyCustomerView) {
    try {
      const data = await call(privacyRoutes.customerExport(customer.id), customerExportSchema);
      const url = URL.createObjectURL(
        new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }),
      );
      const link = document.createElement('a');
      link.href = url;
      link.download = `parlo-customer-${customer.id}.json`;
      link.click();
      URL.revokeObjectURL(url);
    } catch (error) {
      failed(error);
    }
  }

  async function erase(customer: PrivacyCustomerView) {
    if (!window.confirm(t('console.dataProtection.confirmErase', { name: customer.name || customer.waId })))
      return;
    try {
      const { erased } = await call(privacyRoutes.customerErase(customer.id), customerEraseResponseSchema, {
        method: 'POST',
      });
      setStatus(
        t('console.dataProtection.erased', { messages: erased.rows.messages ?? 0, files: erased.mediaFiles }),
      );
      setFound(null);
    } catch (error) {
      failed(error);
    }
  }

  return (
    <div className="admin-form">
      <h3>{t('console.dataProtection.customerTitle')}</h3>
      <p className="admin-note">{t('console.dataProtection.customerHint')}</p>
      <form onSubmit={(e) => void find(e)}>
        <TextField
          label={t('console.dataProtection.identity')}
          value={identity}
          problem={null}
          onChange={setIdentity}
        />
        <button type="submit" className="button button-secondary" disabled={identity.trim() === ''}>
          {t('console.dataProtection.find')}
        </button>
      </form>
      {found?.length === 0 && <p className="admin-note">{t('console.dataProtection.none')}</p>}
      {found && found.length > 0 && (
        <ul className="admin-list" data-testid="privacy-customers">
          {found.map((customer) => (
            <li key={customer.id}>
              <strong>{customer.name || customer.waId}</strong>{' '}
              {t('console.dataProtection.conversations', {
                count: customer.conversations,
                live: customer.liveConversations,
              })}{' '}
              <button
                type="button"
                className="button button-secondary"
                onClick={() => void exportData(customer)}
              >
                {t('console.dataProtection.export')}
              </button>{' '}
              <button type="button" className="button button-danger" onClick={() => void erase(customer)}>
                {t('console.dataProtection.erase')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <p className="admin-status" role="status">
        {status}
      </p>
    </div>
  );
}
