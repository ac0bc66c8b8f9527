-- CreateTable
CREATE TABLE "RefusedEvent" (
    "id" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "call" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "messageId" TEXT,
    "field" TEXT NOT NULL,
    "error" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RefusedEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "RefusedEvent_receivedAt_idx" ON "RefusedEvent"("receivedAt");

