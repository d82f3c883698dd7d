import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LabelReportResponse, ReportBucket } from '@parlo/protocol';
import { useErrorText } from '../shell/use-error-text.ts';
import { LabelChip } from './label-chips.tsx';
import { fetchLabelReport } from './labels-api.ts';

/** The labels report's query for the Reports page's range: hours are shown per day. */
export function labelReportQueryOf(form: { from: string; to: string; bucket: ReportBucket }): string {
  return new URLSearchParams({
    from: form.from,
    to: form.to,
    bucket: form.bucket === 'total' ? 'total' : 'day',
  }).toString();
}

/**
 * Issue 18: the Reports page's "Labels" table — per day (or the whole period) and label, the
 * conversations that arrived then and carry it. Follows the range the page shows.
 */
export function LabelsReport(props: { from: string; to: string; bucket: ReportBucket }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const titleId = useId();
  const query = labelReportQueryOf(props);
  const [report, setReport] = useState<LabelReportResponse | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const abort = new AbortController();
    fetchLabelReport(query, abort.signal).then(
      (r) => {
        setReport(r);
        setError(null);
      },
      (caught: unknown) => {
        if (!abort.signal.aborted) setError(errorText(caught));
      },
    );
    return () => abort.abort();
  }, [query, errorText]);

  return (
    <section className="labels-report" aria-labelledby={titleId} data-testid="labels-report">
      <h3 id={titleId}>{t('labels.report.title')}</h3>
      <p className="empty-hint">{t('labels.report.hint')}</p>
      {error !== null && (
        <p className="admin-status-failed" role="alert">
          {error}
        </p>
      )}
      {report && report.rows.length === 0 && <p className="empty-hint">{t('labels.report.none')}</p>}
      {report && report.rows.length > 0 && (
        <div className="reports-table-wrap">
          <table className="reports-table">
            <thead>
              <tr>
                <th scope="col">{t('labels.report.period')}</th>
                <th scope="col">{t('labels.report.label')}</th>
                <th scope="col">{t('labels.report.conversations')}</th>
              </tr>
            </thead>
            <tbody>
              {report.rows.map((row) => (
                <tr key={`${row.bucket}|${row.labelId}`} data-testid="labels-report-row">
                  <th scope="row">{row.bucket}</th>
                  <td>
                    <LabelChip
                      label={{ id: row.labelId, name: row.name, color: row.color, description: null }}
                    />
                  </td>
                  <td className="num">{row.conversations}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
