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
    "trace" JSONB,
    CONSTRAINT "Run_flowId_fkey" FOREIGN KEY ("flowId") REFERENCES "Flow" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Run_flowVersionId_fkey" FOREIGN KEY ("flowVersionId") REFERENCES "FlowVersion" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Run_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Run_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "Event" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_Run" ("createdAt", "customerId", "eventId", "finishedAt", "flowId", "flowVersionId", "id", "startedAt", "status", "trace", "workflowId") SELECT "createdAt", "customerId", "eventId", "finishedAt", "flowId", "flowVersionId", "id", "startedAt", "status", "trace", "workflowId" FROM "Run";
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
    "outcome" TEXT,
    "integrationId" TEXT,
    "flowId" TEXT,
    "customerExternalId" TEXT,
    "eventId" TEXT,
    "maxAttempts" INTEGER,
    "retryDelayMs" INTEGER,
    "retryReason" TEXT,
    "captured" JSONB,
    "context" JSONB,
    "kind" TEXT,
    "resendOfId" TEXT,
    "actorId" TEXT,
    "actorEmail" TEXT,
    "dryRun" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "WebhookAttempt_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_WebhookAttempt" ("actorEmail", "actorId", "attempt", "captureError", "captured", "context", "customerExternalId", "durationMs", "errorClass", "errorMessage", "eventId", "flowId", "id", "integrationId", "kind", "maxAttempts", "nodeId", "outcome", "requestBody", "requestHeaders", "requestMethod", "requestUrl", "resendOfId", "responseBody", "responseHeaders", "responseStatus", "responseTruncated", "retryDelayMs", "retryReason", "runId", "scheduledAt", "startedAt", "transactionalId", "webhookId") SELECT "actorEmail", "actorId", "attempt", "captureError", "captured", "context", "customerExternalId", "durationMs", "errorClass", "errorMessage", "eventId", "flowId", "id", "integrationId", "kind", "maxAttempts", "nodeId", "outcome", "requestBody", "requestHeaders", "requestMethod", "requestUrl", "resendOfId", "responseBody", "responseHeaders", "responseStatus", "responseTruncated", "retryDelayMs", "retryReason", "runId", "scheduledAt", "startedAt", "transactionalId", "webhookId" FROM "WebhookAttempt";
DROP TABLE "WebhookAttempt";
ALTER TABLE "new_WebhookAttempt" RENAME TO "WebhookAttempt";
CREATE INDEX "WebhookAttempt_runId_idx" ON "WebhookAttempt"("runId");
CREATE INDEX "WebhookAttempt_startedAt_id_idx" ON "WebhookAttempt"("startedAt", "id");
CREATE INDEX "WebhookAttempt_webhookId_startedAt_id_idx" ON "WebhookAttempt"("webhookId", "startedAt", "id");
CREATE INDEX "WebhookAttempt_integrationId_startedAt_id_idx" ON "WebhookAttempt"("integrationId", "startedAt", "id");
CREATE INDEX "WebhookAttempt_flowId_startedAt_id_idx" ON "WebhookAttempt"("flowId", "startedAt", "id");
CREATE INDEX "WebhookAttempt_flowId_nodeId_startedAt_id_idx" ON "WebhookAttempt"("flowId", "nodeId", "startedAt", "id");
CREATE INDEX "WebhookAttempt_outcome_startedAt_id_idx" ON "WebhookAttempt"("outcome", "startedAt", "id");
CREATE INDEX "WebhookAttempt_customerExternalId_startedAt_id_idx" ON "WebhookAttempt"("customerExternalId", "startedAt", "id");
CREATE INDEX "WebhookAttempt_eventId_startedAt_id_idx" ON "WebhookAttempt"("eventId", "startedAt", "id");
CREATE INDEX "WebhookAttempt_transactionalId_startedAt_id_idx" ON "WebhookAttempt"("transactionalId", "startedAt", "id");
CREATE INDEX "WebhookAttempt_kind_startedAt_id_idx" ON "WebhookAttempt"("kind", "startedAt", "id");
CREATE INDEX "WebhookAttempt_resendOfId_idx" ON "WebhookAttempt"("resendOfId");
CREATE UNIQUE INDEX "WebhookAttempt_runId_nodeId_attempt_key" ON "WebhookAttempt"("runId", "nodeId", "attempt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

