/** One state-changing Databricks call, as the audit trail records it (DESIGN §5, §7.12). */
export interface AuditEvent {
  action: { index: number; id?: string; type: string };
  /** What was done, e.g. `jobs.run-now`, `jobs.runs.cancel`, `mlflow.model-versions.create`. */
  operation: string;
  /** The object acted on, e.g. `job:123`, `run:456`, `model:ml_prod.churn.classifier/3`. */
  target: string;
  /** Request summary without secrets (the sink redacts again). */
  request?: Record<string, unknown>;
  result: 'succeeded' | 'failed';
  /** Databricks ids that came back (run_id, version, …). */
  response?: Record<string, unknown>;
  error?: { code: string; message: string };
}

/** Appends audit records; DRY_RUN uses a sink that writes nothing. */
export interface AuditSink {
  record(event: AuditEvent): Promise<void>;
}
