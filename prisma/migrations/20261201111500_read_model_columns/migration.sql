-- Issue 18: the read model carries what its readers need, so none re-derives it.
-- Steps: the template's step key (a row of an "each partner" step is keyed step@organisation)
-- and the workflow's own lateness mark.
ALTER TABLE "steps" ADD COLUMN "step_key" TEXT, ADD COLUMN "late" BOOLEAN NOT NULL DEFAULT false;
UPDATE "steps" SET "step_key" = split_part("key", '@', 1);
UPDATE "steps" s SET "late" = true
FROM "programmes" p, jsonb_array_elements(p."state"->'steps') st
WHERE p."id" = s."programme_id" AND st->>'key' = s."step_key" AND (st->>'late')::boolean AND s."status" <> 'completed';
ALTER TABLE "steps" ALTER COLUMN "step_key" SET NOT NULL;

-- Who takes part in a programme (enrolled, in a slot, or assigned a step: domain/visibility.ts
-- programmeOrganisations), with that organisation's own lateness and next due date: a partner's
-- programme list is one indexed join.
CREATE TABLE "programme_organisations" (
    "programme_id" TEXT NOT NULL,
    "organisation_id" TEXT NOT NULL,
    "late_steps" INTEGER NOT NULL DEFAULT 0,
    "next_due_at" TIMESTAMPTZ(3),
    CONSTRAINT "programme_organisations_pkey" PRIMARY KEY ("programme_id","organisation_id")
);
CREATE INDEX "programme_organisations_organisation_id_idx" ON "programme_organisations"("organisation_id");

-- Rows for the programmes projected before: the next projection of each rewrites them exactly.
INSERT INTO "programme_organisations" ("programme_id", "organisation_id", "late_steps", "next_due_at")
SELECT m."programme_id", m."organisation_id",
       (SELECT COUNT(*) FROM "steps" s WHERE s."programme_id" = m."programme_id" AND s."organisation_id" = m."organisation_id" AND s."late")::int,
       (SELECT MIN(s."due_at") FROM "steps" s WHERE s."programme_id" = m."programme_id" AND s."organisation_id" = m."organisation_id" AND s."status" = 'active')
FROM (
  SELECT "programme_id", "organisation_id" FROM "enrolments"
  UNION SELECT "programme_id", "organisation_id" FROM "steps" WHERE "organisation_id" IS NOT NULL
  UNION SELECT p."id", sl.value FROM "programmes" p, jsonb_each_text(p."state"->'slots') sl
) m;
