import { reportQuerySchema, reportResponseSchema, reportsRoutes } from '@parlo/protocol';
import type { FastifyInstance } from 'fastify';
import { registerDocumented, type RouteDoc } from '../openapi/index.ts';
import { parseOr400, type ServerContext } from '../platform/index.ts';
import { requireSupervisor } from '../services/auth/index.ts';
import { kpiReport, reportCsv } from '../services/reports/index.ts';

/** Issue 16's report routes, described once: registered from these objects, documented from them too. */
const docs = {
  kpis: {
    method: 'GET',
    path: reportsRoutes.kpis,
    summary:
      "Historical KPIs (offered, answered, abandoned, service level, ASA, AHT, first response, RONA, transfers, conferences, wrap-up reasons) per day, hour or in total in the center's time zone, by queue, agent, business number or wrap-up reason; supervisors and administrators. CSV with format=csv or Accept: text/csv",
    tag: 'Reports',
    auth: 'user',
    query: reportQuerySchema,
    response: reportResponseSchema,
    errors: ['VALIDATION_FAILED', 'FORBIDDEN'],
  },
} satisfies Record<string, RouteDoc>;

/** Issue 16's report routes, for the OpenAPI document. */
export const REPORT_ROUTE_DOCS: readonly RouteDoc[] = Object.values(docs);

/** Historical reports (issue 16): JSON, or CSV when asked. */
export function registerReportRoutes(app: FastifyInstance, ctx: ServerContext): void {
  registerDocumented(app, docs.kpis, async (request, reply) => {
    await requireSupervisor(ctx.store, request, ctx.clock());
    const query = parseOr400(reportQuerySchema, request.query);
    const report = await kpiReport(ctx, query);
    const wantsCsv =
      query.format === 'csv' || (query.format === undefined && acceptsCsv(request.headers.accept));
    if (!wantsCsv) return report;
    const name = `parlo-report-${report.from}-${report.to}-${report.bucket}-${report.groupBy}.csv`;
    void reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}"`);
    return reportCsv(report);
  });
}

/** Whether the Accept header names text/csv (before any JSON it also accepts). */
function acceptsCsv(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  const types = accept.split(',').map((t) => t.split(';')[0]?.trim().toLowerCase());
  const csv = types.indexOf('text/csv');
  const json = types.indexOf('application/json');
  return csv >= 0 && (json < 0 || csv < json);
}
