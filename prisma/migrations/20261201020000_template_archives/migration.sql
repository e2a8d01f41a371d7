-- CreateTable
CREATE TABLE "template_archives" (
    "key" TEXT NOT NULL,
    "archived_by" TEXT,
    "archived_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "template_archives_pkey" PRIMARY KEY ("key")
);
