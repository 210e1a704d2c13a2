// Report downloads (评估报告): the buttons on the region and overview pages.
export default {
  zh: {
    label: '评估报告',
    summaryLabel: '汇总报告',
    pdf: 'PDF',
    xlsx: 'Excel',
    hint: '按当前年度与评价框架生成；已闭环的评估轮次以其审定数据为准',
    summaryHint: '对下级地区按当前年度排名汇总',
  },
  en: {
    label: 'Report',
    summaryLabel: 'Summary report',
    pdf: 'PDF',
    xlsx: 'Excel',
    hint: 'For the year and framework shown; a closed round is reported from its approved figures',
    summaryHint: 'Ranks the regions below for the year shown',
  },
}
