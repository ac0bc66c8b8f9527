-- CreateTable
CREATE TABLE "RefusedEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "source" TEXT NOT NULL,
    "call" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "messageId" TEXT,
    "field" TEXT NOT NULL,
    "error" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "RefusedEvent_receivedAt_idx" ON "RefusedEvent"("receivedAt");

