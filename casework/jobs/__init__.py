"""Background jobs: long work (exports, reports over long periods, key rotation, imports,
retention) run outside the request on RQ with Redis, or in a thread pool of the web process
when no Redis is configured; each job's row shows its progress, outcome and result."""
