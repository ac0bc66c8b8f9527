-- AlterTable
ALTER TABLE "User" ADD COLUMN "invitedById" TEXT;

-- CreateTable
CREATE TABLE "WebhookSample" (
    "userId" TEXT NOT NULL,
    "webhookId" TEXT NOT NULL,
    "sample" JSONB NOT NULL,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("userId", "webhookId"),
    CONSTRAINT "WebhookSample_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "WebhookSample_webhookId_fkey" FOREIGN KEY ("webhookId") REFERENCES "Webhook" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Run" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "flowId" TEXT NOT NULL,
    "flowVersionId" TEXT,
    "testMode" TEXT,
    "testGraph" JSONB,
    "workflowId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    CONSTRAINT "Run_flowId_fkey" FOREIGN KEY ("flowId") REFERENCES "Flow" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Run_flowVersionId_fkey" FOREIGN KEY ("flowVersionId") REFERENCES "FlowVersion" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Run_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Run_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "Event" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_Run" ("createdAt", "customerId", "eventId", "finishedAt", "flowId", "flowVersionId", "id", "startedAt", "status", "workflowId") SELECT "createdAt", "customerId", "eventId", "finishedAt", "flowId", "flowVersionId", "id", "startedAt", "status", "workflowId" FROM "Run";
DROP TABLE "Run";
ALTER TABLE "new_Run" RENAME TO "Run";
CREATE UNIQUE INDEX "Run_workflowId_key" ON "Run"("workflowId");
CREATE INDEX "Run_flowId_testMode_createdAt_idx" ON "Run"("flowId", "testMode", "createdAt");
CREATE INDEX "Run_status_idx" ON "Run"("status");
CREATE INDEX "Run_createdAt_idx" ON "Run"("createdAt");
CREATE UNIQUE INDEX "Run_flowId_eventId_key" ON "Run"("flowId", "eventId");
CREATE TABLE "new_WebhookAttempt" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "runId" TEXT,
    "nodeId" TEXT,
    "webhookId" TEXT NOT NULL,
    "transactionalId" TEXT,
    "attempt" INTEGER NOT NULL DEFAULT 1,
    "scheduledAt" DATETIME,
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "durationMs" INTEGER,
    "requestMethod" TEXT NOT NULL,
    "requestUrl" TEXT NOT NULL,
    "requestHeaders" JSONB NOT NULL,
    "requestBody" TEXT,
    "responseStatus" INTEGER,
    "responseHeaders" JSONB,
    "responseBody" TEXT,
    "responseTruncated" BOOLEAN NOT NULL DEFAULT false,
    "errorClass" TEXT,
    "errorMessage" TEXT,
    "captureError" TEXT,
    "dryRun" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "WebhookAttempt_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_WebhookAttempt" ("attempt", "captureError", "durationMs", "errorClass", "errorMessage", "id", "nodeId", "requestBody", "requestHeaders", "requestMethod", "requestUrl", "responseBody", "responseHeaders", "responseStatus", "responseTruncated", "runId", "scheduledAt", "startedAt", "transactionalId", "webhookId") SELECT "attempt", "captureError", "durationMs", "errorClass", "errorMessage", "id", "nodeId", "requestBody", "requestHeaders", "requestMethod", "requestUrl", "responseBody", "responseHeaders", "responseStatus", "responseTruncated", "runId", "scheduledAt", "startedAt", "transactionalId", "webhookId" FROM "WebhookAttempt";
DROP TABLE "WebhookAttempt";
ALTER TABLE "new_WebhookAttempt" RENAME TO "WebhookAttempt";
CREATE INDEX "WebhookAttempt_webhookId_startedAt_idx" ON "WebhookAttempt"("webhookId", "startedAt");
CREATE INDEX "WebhookAttempt_runId_idx" ON "WebhookAttempt"("runId");
CREATE UNIQUE INDEX "WebhookAttempt_runId_nodeId_attempt_key" ON "WebhookAttempt"("runId", "nodeId", "attempt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

