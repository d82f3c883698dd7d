import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { chartSeries } from './report-model.ts';

interface ReportChartProps {
  readonly series: ReturnType<typeof chartSeries>;
  /** The center's time zone: the axis shows its days and hours. */
  readonly timeZone: string;
  readonly labels: { readonly offered: string; readonly answered: string; readonly abandoned: string };
  readonly title: string;
}

const HEIGHT = 240;

/** Offered, answered and abandoned per period, drawn with uPlot (a canvas; the table beside it holds the figures). */
export function ReportChart({ series, timeZone, labels, title }: ReportChartProps) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = host.current;
    if (!element) return undefined;
    const plot = new uPlot(
      {
        title,
        width: Math.max(element.clientWidth, 320),
        height: HEIGHT,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), timeZone),
        scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
        series: [
          {},
          { label: labels.offered, stroke: '#2f5fd0', width: 2 },
          { label: labels.answered, stroke: '#1a7f37', width: 2 },
          { label: labels.abandoned, stroke: '#c62828', width: 2, dash: [6, 4] },
        ],
      },
      [series.x, series.offered, series.answered, series.abandoned],
      element,
    );
    const resize = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(element.clientWidth, 320), height: HEIGHT }),
    );
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [series, timeZone, labels, title]);
  return <div ref={host} className="report-chart" aria-hidden="true" />;
}
