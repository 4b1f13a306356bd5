/** Every activity the worker registers; all I/O of the exporter lives here. */
export { describeExporter, testConnection } from './connection';
export { deleteStaged, stageAlerts } from './staging';
export { updateStatus } from './status';
export { writeParquet } from './writeParquet';
