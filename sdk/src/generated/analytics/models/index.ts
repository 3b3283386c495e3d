/* tslint:disable */
/* eslint-disable */
export * from './ClientEvent.js';
export * from './ClientEventBatch.js';
export * from './ClientEventType.js';
export * from './ErrorCode.js';
export * from './EventProperties.js';
export * from './FieldError.js';
export * from './Funnel.js';
export * from './FunnelStep.js';
export * from './IngestResult.js';
export * from './KpiSummary.js';
export * from './Money.js';
export * from './Problem.js';
export * from './ServerEvent.js';
export * from './ServerEventBatch.js';
export * from './ServerEventType.js';
export * from './StockShortage.js';
export * from './SummaryInterval.js';
export * from './SummaryIntervalAverageOrderValue.js';
export * from './ZeroResultSearch.js';
