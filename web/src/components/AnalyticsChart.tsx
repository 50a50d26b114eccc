import { BarChart, LineChart } from "echarts/charts";
import { GridComponent, LegendPlainComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import { useEffect, useRef } from "react";

echarts.use([BarChart, LineChart, GridComponent, LegendPlainComponent, TooltipComponent, CanvasRenderer]);

export interface AnalyticsChartProps {
  readonly labels: readonly string[];
  /** Bars on the left axis (counts). */
  readonly bars: { readonly name: string; readonly values: readonly number[] };
  /** A second bar series on the same axis (plan against actual). */
  readonly bars2?: { readonly name: string; readonly values: readonly number[] };
  /** A line on the right axis (minutes); null where nothing was measured. */
  readonly line: { readonly name: string; readonly values: ReadonlyArray<number | null> };
  readonly height?: number;
  readonly testId?: string;
}

/** Counts as bars and a wait as a line over days or hours: the dashboard's two charts. */
export default function AnalyticsChart({ labels, bars, bars2, line, height = 280, testId }: AnalyticsChartProps) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (el === null) return;
    const chart = echarts.init(el, undefined, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 48, right: 56, top: 36, bottom: 32 },
      xAxis: { type: "category", data: [...labels] },
      yAxis: [
        { type: "value", name: bars.name, minInterval: 1 },
        { type: "value", name: line.name, splitLine: { show: false } },
      ],
      series: [
        { type: "bar", name: bars.name, data: [...bars.values], itemStyle: { color: "#90a4ae" } },
        ...(bars2 ? [{ type: "bar", name: bars2.name, data: [...bars2.values], itemStyle: { color: "#1565c0" } }] : []),
        { type: "line", name: line.name, yAxisIndex: 1, data: [...line.values], itemStyle: { color: "#b71c1c" } },
      ],
    });
    const resize = new ResizeObserver(() => chart.resize());
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.dispose();
    };
  }, [labels, bars, bars2, line]);
  return (
    <div
      ref={box}
      style={{ width: "100%", height }}
      data-testid={testId}
      role="img"
      aria-label={`${bars.name} / ${line.name}`}
    />
  );
}
