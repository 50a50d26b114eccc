import { BarChart, LineChart } from "echarts/charts";
import { GridComponent, LegendPlainComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import { useEffect, useRef } from "react";

// Only what this chart draws: the planning page loads this module lazily, and no other page loads ECharts.
echarts.use([BarChart, LineChart, GridComponent, LegendPlainComponent, TooltipComponent, CanvasRenderer]);

export interface PlanChartProps {
  /** Hour labels, e.g. "09:00". */
  readonly hours: readonly string[];
  readonly arrivals: readonly number[];
  readonly counters: readonly number[];
  readonly arrivalsLabel: string;
  readonly countersLabel: string;
  readonly height?: number;
}

/** Arrivals per hour as bars (left axis) and recommended counters as a line (right axis). */
export default function PlanChart({
  hours,
  arrivals,
  counters,
  arrivalsLabel,
  countersLabel,
  height = 300,
}: PlanChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    const el = box.current;
    if (el === null) return;
    const instance = echarts.init(el, undefined, { renderer: "canvas" });
    chart.current = instance;
    const resize = new ResizeObserver(() => instance.resize());
    resize.observe(el);
    return () => {
      resize.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(
      {
        animation: false,
        tooltip: { trigger: "axis" },
        legend: { top: 0, data: [arrivalsLabel, countersLabel] },
        grid: { left: 48, right: 48, top: 36, bottom: 28 },
        xAxis: { type: "category", data: [...hours] },
        yAxis: [
          { type: "value", name: arrivalsLabel, nameTextStyle: { align: "left" }, minInterval: 1 },
          {
            type: "value",
            name: countersLabel,
            nameTextStyle: { align: "right" },
            minInterval: 1,
            splitLine: { show: false },
          },
        ],
        series: [
          { name: arrivalsLabel, type: "bar", data: [...arrivals], itemStyle: { color: "#e57373" }, barMaxWidth: 36 },
          {
            name: countersLabel,
            type: "line",
            yAxisIndex: 1,
            step: "middle",
            data: [...counters],
            itemStyle: { color: "#1e3a8a" },
            lineStyle: { width: 3 },
            symbolSize: 7,
          },
        ],
      },
      true,
    );
  }, [hours, arrivals, counters, arrivalsLabel, countersLabel]);

  return <div ref={box} style={{ width: "100%", height }} data-testid="plan-chart" />;
}
