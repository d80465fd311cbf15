// Observability: Prometheus metrics, liveness and readiness.
export { createMetrics, type Metrics, type MetricsOptions } from './metrics.js';
export { mountHealth, type ReadinessCheck } from './health.js';
