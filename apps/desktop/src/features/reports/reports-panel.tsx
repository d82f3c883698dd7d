import { useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  reportBucketSchema,
  reportGroupBySchema,
  reportResponseSchema,
  reportsRoutes,
  type ReportResponse,
  type ReportRow,
} from '@parlo/protocol';
import { call } from '../../api/client.ts';
import { useErrorText } from '../shell/use-error-text.ts';
import { LabelsReport } from '../labels/labels-report.tsx';
import { ReportChart } from './report-chart.tsx';
import {
  chartSeries,
  defaultReportForm,
  formatDuration,
  formatPercent,
  reportQueryOf,
  type ReportForm,
} from './report-model.ts';
import './reports.css';

/**
 * Issue 16: historical reports for supervisors and administrators — a date range, per day, hour
 * or in total, by queue, agent, business number or wrap-up reason; a chart, the table and its CSV.
 */
export function ReportsPanel() {
  const { t, i18n } = useTranslation('reports');
  const errorText = useErrorText();
  const titleId = useId();
  const [form, setForm] = useState<ReportForm>(() => defaultReportForm(new Date()));
  const [asked, setAsked] = useState<ReportForm>(form);
  const [report, setReport] = useState<ReportResponse | null>(null);
  // Loading the first report at once.
  const [busy, setBusy] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const change = (patch: Partial<ReportForm>) => setForm((f) => ({ ...f, ...patch }));

  useEffect(() => {
    const abort = new AbortController();
    call(`${reportsRoutes.kpis}?${reportQueryOf(asked)}`, reportResponseSchema, { signal: abort.signal })
      .then((r) => {
        setReport(r);
        setError(null);
      })
      .catch((failure: unknown) => {
        if (!abort.signal.aborted) setError(errorText(failure));
      })
      .finally(() => {
        if (!abort.signal.aborted) setBusy(false);
      });
    return () => abort.abort();
  }, [asked, errorText]);

  function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setAsked({ ...form });
  }

  const series = useMemo(() => (report ? chartSeries(report.buckets, report.rows) : null), [report]);
  const chartLabels = useMemo(
    () => ({
      offered: t('columns.offered'),
      answered: t('columns.answered'),
      abandoned: t('columns.abandoned'),
    }),
    [t],
  );

  return (
    <section className="admin-section reports" aria-labelledby={titleId}>
      <div className="admin-section-header">
        <h2 id={titleId} className="admin-section-title">
          {t('title')}
        </h2>
        <a
          className="button button-secondary"
          href={`${reportsRoutes.kpis}?${reportQueryOf(asked, true)}`}
          download
        >
          {t('downloadCsv')}
        </a>
      </div>
      <p className="empty-hint">{t('hint', { zone: report?.timeZone ?? '…' })}</p>
      <form className="reports-filters" onSubmit={submit}>
        <label className="field">
          <span className="field-label">{t('from')}</span>
          <input
            className="input"
            type="date"
            required
            value={form.from}
            max={form.to}
            onChange={(e) => change({ from: e.target.value })}
          />
        </label>
        <label className="field">
          <span className="field-label">{t('to')}</span>
          <input
            className="input"
            type="date"
            required
            value={form.to}
            min={form.from}
            onChange={(e) => change({ to: e.target.value })}
          />
        </label>
        <label className="field">
          <span className="field-label">{t('bucket')}</span>
          <select
            className="select"
            value={form.bucket}
            onChange={(e) => {
              const bucket = reportBucketSchema.safeParse(e.target.value);
              if (bucket.success) change({ bucket: bucket.data });
            }}
          >
            {reportBucketSchema.options.map((b) => (
              <option key={b} value={b}>
                {t(`buckets.${b}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">{t('groupBy')}</span>
          <select
            className="select"
            value={form.groupBy}
            onChange={(e) => {
              const groupBy = reportGroupBySchema.safeParse(e.target.value);
              if (groupBy.success) change({ groupBy: groupBy.data });
            }}
          >
            {reportGroupBySchema.options.map((g) => (
              <option key={g} value={g}>
                {t(`groups.${g}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="button button-primary" aria-busy={busy}>
          {busy ? t('loading') : t('show')}
        </button>
      </form>
      {error !== null && (
        <p className="admin-status-failed" role="alert">
          {error}
        </p>
      )}
      {report && series && series.x.length > 1 && (
        <ReportChart series={series} timeZone={report.timeZone} labels={chartLabels} title={t('chart')} />
      )}
      {report && report.rows.length === 0 && <p className="empty-hint">{t('none')}</p>}
      {report && report.rows.length > 0 && (
        <div className="reports-table-wrap">
          <table className="reports-table">
            <thead>
              <tr>
                <th scope="col">{t('columns.bucket')}</th>
                {report.groupBy !== 'none' && <th scope="col">{t(`groups.${report.groupBy}`)}</th>}
                <th scope="col">{t('columns.offered')}</th>
                <th scope="col">{t('columns.answered')}</th>
                <th scope="col">{t('columns.abandoned')}</th>
                <th scope="col">{t('columns.serviceLevel')}</th>
                <th scope="col">{t('columns.asa')}</th>
                <th scope="col">{t('columns.aht')}</th>
                <th scope="col">{t('columns.firstResponse')}</th>
                <th scope="col">{t('columns.rona')}</th>
                <th scope="col">{t('columns.declined')}</th>
                <th scope="col">{t('columns.transfers')}</th>
                <th scope="col">{t('columns.conferences')}</th>
                <th scope="col">{t('columns.csat')}</th>
                <th scope="col">{t('columns.wrapUps')}</th>
              </tr>
            </thead>
            <tbody>
              {report.rows.map((row) => (
                <ReportTableRow
                  key={`${row.bucket}|${row.key ?? ''}`}
                  row={row}
                  grouped={report.groupBy !== 'none'}
                  language={i18n.language}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="empty-hint">{t('definitions')}</p>
      {/* Issue 18: conversations per label, over the same range. */}
      <LabelsReport from={asked.from} to={asked.to} bucket={asked.bucket} />
    </section>
  );
}

function ReportTableRow({ row, grouped, language }: { row: ReportRow; grouped: boolean; language: string }) {
  const { t } = useTranslation('reports');
  return (
    <tr>
      <th scope="row">{row.bucket}</th>
      {grouped && <td>{row.name ?? row.key ?? t('noKey')}</td>}
      <td className="num">{row.offered}</td>
      <td className="num">{row.answered}</td>
      <td className="num">{row.abandoned}</td>
      <td className="num">{formatPercent(row.serviceLevelPercent, language)}</td>
      <td className="num">{formatDuration(row.asaSeconds)}</td>
      <td className="num">{formatDuration(row.ahtSeconds)}</td>
      <td className="num">{formatDuration(row.firstResponseSeconds)}</td>
      <td className="num">{row.rona}</td>
      <td className="num">{row.declined}</td>
      <td className="num">{row.transfers}</td>
      <td className="num">{row.conferences}</td>
      <td className="num">
        {row.csatAverage === null
          ? '—'
          : t('csatCell', {
              average: new Intl.NumberFormat(language, { maximumFractionDigits: 2 }).format(row.csatAverage),
              count: row.csatAnswers,
            })}
      </td>
      <td>{row.wrapUps.map((w) => `${w.name ?? w.reasonId ?? t('noReason')}: ${w.count}`).join(', ')}</td>
    </tr>
  );
}
