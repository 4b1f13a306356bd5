/**
 * The worker process: runs the integration workflows and the activities (all
 * I/O: STS, S3, Parquet, staging). Scale by running more of these on the same
 * task queue. AWS credentials come from the SDK's standard credential chain.
 */
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import * as activities from './activities';
import { loadConfig } from './config';

export interface ExporterWorkerOptions {
  connection?: NativeConnection;
  taskQueue?: string;
  /** Pass a prebuilt bundle (tests) to skip bundling at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

export async function createExporterWorker(options: ExporterWorkerOptions = {}): Promise<Worker> {
  const config = loadConfig();
  const connection = options.connection ?? (await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS }));
  return Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: options.taskQueue ?? config.TEMPORAL_TASK_QUEUE,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: require.resolve('./workflows') }),
    activities,
    // Flushes stream whole files; a few at a time keep memory bounded on a small machine.
    maxConcurrentActivityTaskExecutions: 8,
  });
}

async function main(): Promise<void> {
  const config = loadConfig();
  const worker = await createExporterWorker();
  console.log(`worker polling task queue ${config.TEMPORAL_TASK_QUEUE} on ${config.TEMPORAL_ADDRESS} (namespace ${config.TEMPORAL_NAMESPACE})`);
  // Runs until SIGINT/SIGTERM, then drains in-flight tasks.
  await worker.run();
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
