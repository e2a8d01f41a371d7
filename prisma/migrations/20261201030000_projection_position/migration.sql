-- Where in the workflow's history the stored projection was computed (issue 22): the run's start,
-- the history length and the time of the workflow task. A workflow task abandoned by a killed or
-- slow worker can still write its local projection; the retried task, later in history, replaces
-- it even at the same state version. NULL for rows written before.
ALTER TABLE "programmes" ADD COLUMN "projected_run_started_at" TIMESTAMPTZ(3),
ADD COLUMN "projected_history_length" INTEGER,
ADD COLUMN "projected_task_at" TIMESTAMPTZ(3);
