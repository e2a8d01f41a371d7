-- The read-model reconciler (infra/read-model-reconciler.ts) marks each projection it compared with its workflow.
ALTER TABLE "programmes" ADD COLUMN "projection_checked_task_at" TIMESTAMPTZ(3);
