import { HeatmapChart } from "echarts/charts";
import { GridComponent, TooltipComponent, VisualMapContinuousComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import { useEffect, useRef } from "react";

echarts.use([HeatmapChart, GridComponent, TooltipComponent, VisualMapContinuousComponent, CanvasRenderer]);

export interface WaitHeatMapProps {
  /** Weekday names, Monday first (7). */
  readonly weekdays: readonly string[];
  /** The hours shown, e.g. 8…18. */
  readonly hours: readonly number[];
  /** [hour index, weekday index (0 = Monday), mean wait in minutes]. */
  readonly cells: ReadonlyArray<readonly [number, number, number]>;
  readonly label: string;
  readonly height?: number;
  readonly testId?: string;
}

/** Mean wait by hour of issue and weekday: where in the week the line grows. */
export default function WaitHeatMap({ weekdays, hours, cells, label, height = 280, testId }: WaitHeatMapProps) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (el === null) return;
    const chart = echarts.init(el, undefined, { renderer: "canvas" });
    const max = Math.max(1, ...cells.map((c) => c[2]));
    chart.setOption({
      animation: false,
      tooltip: {
        position: "top",
        formatter: (p: { value: [number, number, number] }) =>
          `${weekdays[p.value[1]] ?? ""} ${String(hours[p.value[0]] ?? 0).padStart(2, "0")}:00 — ${p.value[2]}`,
      },
      grid: { left: 56, right: 16, top: 8, bottom: 64 },
      xAxis: {
        type: "category",
        data: hours.map((h) => `${String(h).padStart(2, "0")}:00`),
        splitArea: { show: true },
      },
      yAxis: { type: "category", data: [...weekdays], splitArea: { show: true }, inverse: true },
      visualMap: {
        min: 0,
        max,
        calculable: true,
        orient: "horizontal",
        left: "center",
        bottom: 0,
        text: [label, ""],
        inRange: { color: ["#e8f5e9", "#fff59d", "#ef6c00", "#b71c1c"] },
      },
      series: [{ type: "heatmap", name: label, data: cells.map((c) => [...c]), label: { show: true, fontSize: 10 } }],
    });
    const resize = new ResizeObserver(() => chart.resize());
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.dispose();
    };
  }, [weekdays, hours, cells, label]);
  return <div ref={box} style={{ width: "100%", height }} data-testid={testId} role="img" aria-label={label} />;
}
