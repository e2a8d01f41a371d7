-- AlterTable
ALTER TABLE "organisations" ADD COLUMN "archived_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "users" ADD COLUMN "deactivated_at" TIMESTAMPTZ(3);
