-- A step's due date revision, for calendar clients: SEQUENCE and LAST-MODIFIED of its VEVENT.
ALTER TABLE "steps" ADD COLUMN "due_revision" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN "due_changed_at" TIMESTAMPTZ(3);
