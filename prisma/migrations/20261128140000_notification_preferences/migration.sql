-- AlterTable
ALTER TABLE "notifications" ADD COLUMN "user_id" TEXT,
ADD COLUMN "deliver_after" TIMESTAMPTZ(3),
ADD COLUMN "attempt_token" TEXT,
ADD COLUMN "sending_at" TIMESTAMPTZ(3),
ADD COLUMN "message_id" TEXT,
ADD COLUMN "digest_id" TEXT;

-- CreateTable
CREATE TABLE "notification_preferences" (
    "user_id" TEXT NOT NULL,
    "delivery" TEXT NOT NULL DEFAULT 'immediate',
    "quiet_start" TEXT,
    "quiet_end" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "notification_preferences_pkey" PRIMARY KEY ("user_id")
);

-- CreateIndex
CREATE INDEX "notifications_status_queued_at_idx" ON "notifications"("status", "queued_at");

-- CreateIndex
CREATE INDEX "notifications_user_id_status_idx" ON "notifications"("user_id", "status");

-- CreateIndex
CREATE INDEX "notifications_digest_id_idx" ON "notifications"("digest_id");
