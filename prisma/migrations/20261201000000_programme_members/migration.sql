-- CreateTable
CREATE TABLE "programme_members" (
    "programme_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "added_by" TEXT,
    "added_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "programme_members_pkey" PRIMARY KEY ("programme_id","user_id")
);

-- CreateIndex
CREATE INDEX "programme_members_user_id_idx" ON "programme_members"("user_id");
