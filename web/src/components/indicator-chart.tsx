import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

export interface IndicatorPoint {
  label: string;
  actual: number;
  target: number | null;
}

/** Actual against target per indicator; the table next to it carries the same numbers for screen readers. */
export function IndicatorChart({ points }: { points: IndicatorPoint[] }) {
  const { t } = useTranslation();
  const canvas = useRef<HTMLCanvasElement>(null);
  const signature = JSON.stringify(points);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, {
      type: 'bar',
      data: {
        labels: points.map((p) => p.label),
        datasets: [
          { label: t('dashboard.actual'), data: points.map((p) => p.actual), backgroundColor: '#1d4ed8' },
          { label: t('dashboard.target'), data: points.map((p) => p.target ?? 0), backgroundColor: '#cbd5e1' },
        ],
      },
      options: { indexAxis: 'y', responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { position: 'bottom' } } },
    });
    return () => chart.destroy();
    // Rebuilt only when the numbers or the language change.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [signature, t]);
  return (
    <div className="chart" style={{ height: `${Math.max(160, points.length * 56 + 60)}px` }}>
      <canvas ref={canvas} aria-hidden="true" />
    </div>
  );
}
