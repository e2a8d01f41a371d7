-- CreateEnum
CREATE TYPE "Role" AS ENUM ('admin', 'coordinator', 'manager', 'partner');

-- CreateTable
CREATE TABLE "organisations" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "organisations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "users" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "organisation_id" TEXT,
    "password_hash" TEXT,
    "locale" TEXT NOT NULL DEFAULT 'fr',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "templates" (
    "key" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "definition" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "templates_pkey" PRIMARY KEY ("key","version")
);

-- CreateTable
CREATE TABLE "programmes" (
    "id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "template_key" TEXT NOT NULL,
    "template_version" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "parent_id" TEXT,
    "coordinator_id" TEXT,
    "start_date" TEXT NOT NULL,
    "next_due_at" TIMESTAMPTZ(3),
    "late_steps" INTEGER NOT NULL DEFAULT 0,
    "state_version" INTEGER NOT NULL,
    "state" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "programmes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "steps" (
    "programme_id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "phase_key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "due_at" TIMESTAMPTZ(3),
    "assignee_kind" TEXT NOT NULL,
    "organisation_id" TEXT,
    "milestone" BOOLEAN NOT NULL DEFAULT false,
    "completed_at" TIMESTAMPTZ(3),
    CONSTRAINT "steps_pkey" PRIMARY KEY ("programme_id","key")
);

-- CreateTable
CREATE TABLE "enrolments" (
    "programme_id" TEXT NOT NULL,
    "organisation_id" TEXT NOT NULL,
    "phase_key" TEXT NOT NULL,
    "enrolled_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "enrolments_pkey" PRIMARY KEY ("programme_id","organisation_id","phase_key")
);

-- CreateTable
CREATE TABLE "programme_events" (
    "programme_id" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "actor_id" TEXT,
    "on_behalf_of" TEXT,
    "data" JSONB NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "programme_events_pkey" PRIMARY KEY ("programme_id","seq")
);

-- CreateTable
CREATE TABLE "notifications" (
    "id" TEXT NOT NULL,
    "programme_id" TEXT,
    "step_key" TEXT,
    "kind" TEXT NOT NULL,
    "recipient" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "payload" JSONB NOT NULL,
    "response" TEXT,
    "error" TEXT,
    "queued_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMPTZ(3),
    CONSTRAINT "notifications_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "organisations_name_key" ON "organisations"("name");

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

-- CreateIndex
CREATE INDEX "users_organisation_id_idx" ON "users"("organisation_id");

-- CreateIndex
CREATE INDEX "programmes_status_template_key_idx" ON "programmes"("status", "template_key");

-- CreateIndex
CREATE INDEX "programmes_parent_id_idx" ON "programmes"("parent_id");

-- CreateIndex
CREATE INDEX "programmes_next_due_at_idx" ON "programmes"("next_due_at");

-- CreateIndex
CREATE INDEX "steps_organisation_id_status_due_at_idx" ON "steps"("organisation_id", "status", "due_at");

-- CreateIndex
CREATE INDEX "steps_status_due_at_idx" ON "steps"("status", "due_at");

-- CreateIndex
CREATE INDEX "enrolments_organisation_id_idx" ON "enrolments"("organisation_id");

-- CreateIndex
CREATE INDEX "notifications_programme_id_queued_at_idx" ON "notifications"("programme_id", "queued_at");

-- AddForeignKey
ALTER TABLE "users" ADD CONSTRAINT "users_organisation_id_fkey" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE SET NULL ON UPDATE CASCADE;
