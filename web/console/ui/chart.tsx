import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';
import { useEffect, useMemo, useRef } from 'preact/hooks';
import type { BarChartData, WellbeingChartData } from '../lib/charts';

// Only the pieces the console draws: line charts of wellbeing and bar charts of attendance.
Chart.register(LineController, LineElement, PointElement, BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);
Chart.defaults.color = '#0b0c0c';
Chart.defaults.font.family = 'Arial, Helvetica, sans-serif';
Chart.defaults.font.size = 16;
Chart.defaults.animation = false;

/**
 * A chart drawn on a canvas, with its data in words for screen readers (`summary`, visually
 * hidden): the canvas itself is hidden from them, as the page's tables hold the same numbers.
 */
function ChartCanvas({ config, summary, height }: { config: ChartConfiguration; summary: string; height: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, config);
    return () => chart.destroy();
  }, [config]);
  return (
    <figure class="chart-figure">
      <p class="visually-hidden">{summary}</p>
      <div class="chart" style={{ height: `${height}px` }}>
        <canvas ref={canvas} aria-hidden="true" />
      </div>
    </figure>
  );
}

export function WellbeingChart({ data, summary }: { data: WellbeingChartData; summary: string }) {
  const key = JSON.stringify(data);
  const config = useMemo((): ChartConfiguration => ({
    type: 'line',
    data: {
      labels: data.labels,
      datasets: data.series.map((series) => ({
        label: series.label,
        data: series.data,
        borderColor: series.colour,
        backgroundColor: series.colour,
        borderDash: series.dashed ? [6, 4] : [],
        borderWidth: series.axis === 'swemwbs' ? 4 : 3,
        pointRadius: 5,
        pointStyle: series.axis === 'swemwbs' ? 'rect' : 'circle',
        spanGaps: true,
        yAxisID: series.axis === 'swemwbs' ? 'swemwbs' : 'ons4',
      })),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      plugins: { legend: { position: 'bottom', labels: { usePointStyle: true } } },
      scales: {
        ons4: { type: 'linear', position: 'left', min: 0, max: 10, ticks: { stepSize: 1 }, title: { display: true, text: 'ONS4 (0–10)' } },
        swemwbs: {
          type: 'linear',
          position: 'right',
          min: 7,
          max: 35,
          grid: { drawOnChartArea: false },
          title: { display: true, text: 'SWEMWBS (7–35)' },
        },
      },
    },
  }), [key]);
  return <ChartCanvas config={config} summary={summary} height={380} />;
}

export function AttendanceChart({ data, summary, label }: { data: BarChartData; summary: string; label: string }) {
  const horizontal = data.labels.length > 12 && label !== 'Week';
  const key = JSON.stringify([data, horizontal]);
  const config = useMemo((): ChartConfiguration => ({
    type: 'bar',
    data: {
      labels: data.labels,
      datasets: [{ label: 'Attendances', data: data.data, backgroundColor: '#1d70b8', borderColor: '#003078', borderWidth: 1 }],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      indexAxis: horizontal ? 'y' : 'x',
      plugins: { legend: { display: false } },
      scales: {
        x: { ticks: { autoSkip: true, maxRotation: 60 }, beginAtZero: true },
        y: { beginAtZero: true, ticks: { precision: 0 } },
      },
    },
  }), [key]);
  return <ChartCanvas config={config} summary={summary} height={horizontal ? Math.max(320, data.labels.length * 32) : 320} />;
}
