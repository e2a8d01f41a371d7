-- CreateIndex
CREATE INDEX "programmes_coordinator_id_status_idx" ON "programmes"("coordinator_id", "status");
