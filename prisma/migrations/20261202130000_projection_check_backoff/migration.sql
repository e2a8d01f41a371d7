-- Per-row back-off of the read-model reconciler (infra/read-model-reconciler.ts, issue 22): a row whose
-- workflow could not be reached is not claimed again before projection_check_after, which doubles with
-- each consecutive failure (projection_check_failures) up to a cap. A successful check, or a new write
-- by the projection, sets both back (0, NULL).
ALTER TABLE "programmes" ADD COLUMN "projection_check_failures" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN "projection_check_after" TIMESTAMPTZ(3);
