-- DropIndex
DROP INDEX "WebhookAttempt_webhookId_startedAt_idx";

-- AlterTable
ALTER TABLE "Run" ADD COLUMN "trace" JSONB;

-- AlterTable
ALTER TABLE "WebhookAttempt" ADD COLUMN "actorEmail" TEXT;
ALTER TABLE "WebhookAttempt" ADD COLUMN "actorId" TEXT;
ALTER TABLE "WebhookAttempt" ADD COLUMN "captured" JSONB;
ALTER TABLE "WebhookAttempt" ADD COLUMN "context" JSONB;
ALTER TABLE "WebhookAttempt" ADD COLUMN "customerExternalId" TEXT;
ALTER TABLE "WebhookAttempt" ADD COLUMN "eventId" TEXT;
ALTER TABLE "WebhookAttempt" ADD COLUMN "flowId" TEXT;
ALTER TABLE "WebhookAttempt" ADD COLUMN "integrationId" TEXT;
ALTER TABLE "WebhookAttempt" ADD COLUMN "kind" TEXT;
ALTER TABLE "WebhookAttempt" ADD COLUMN "maxAttempts" INTEGER;
ALTER TABLE "WebhookAttempt" ADD COLUMN "outcome" TEXT;
ALTER TABLE "WebhookAttempt" ADD COLUMN "resendOfId" TEXT;
ALTER TABLE "WebhookAttempt" ADD COLUMN "retryDelayMs" INTEGER;
ALTER TABLE "WebhookAttempt" ADD COLUMN "retryReason" TEXT;

-- Backfill the copied filter columns of attempts recorded before they existed
UPDATE "WebhookAttempt" SET
  "outcome" = CASE
    WHEN "errorClass" IS NULL AND "responseStatus" IS NOT NULL THEN '2xx'
    WHEN "errorClass" = 'http_3xx' THEN '3xx'
    WHEN "errorClass" = 'http_4xx' THEN '4xx'
    WHEN "errorClass" = 'http_5xx' THEN '5xx'
    WHEN "errorClass" = 'timeout' THEN 'timeout'
    WHEN "errorClass" IN ('connection', 'dns', 'tls') THEN 'connection'
    WHEN "errorClass" = 'blocked' THEN 'blocked'
    WHEN "errorClass" IN ('template', 'config') THEN 'template'
    WHEN "errorClass" IN ('rate_limit', 'http_429') THEN 'rate-limit'
  END,
  "kind" = CASE WHEN "runId" IS NULL THEN 'test' END,
  "integrationId" = (SELECT w."integrationId" FROM "Webhook" w WHERE w."id" = "WebhookAttempt"."webhookId"),
  "flowId" = (SELECT r."flowId" FROM "Run" r WHERE r."id" = "WebhookAttempt"."runId"),
  "eventId" = (SELECT r."eventId" FROM "Run" r WHERE r."id" = "WebhookAttempt"."runId"),
  "customerExternalId" = (SELECT c."externalId" FROM "Run" r JOIN "Customer" c ON c."id" = r."customerId" WHERE r."id" = "WebhookAttempt"."runId");

-- CreateTable
CREATE TABLE "StepCount" (
    "flowId" TEXT NOT NULL,
    "unit" TEXT NOT NULL,
    "bucket" INTEGER NOT NULL,
    "nodeId" TEXT NOT NULL,
    "output" TEXT NOT NULL DEFAULT '',
    "entered" INTEGER NOT NULL DEFAULT 0,
    "succeeded" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,

    PRIMARY KEY ("flowId", "unit", "bucket", "nodeId", "output")
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "scopes" TEXT NOT NULL,
    "createdById" TEXT,
    "createdBy" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" DATETIME,
    "revokedAt" DATETIME
);

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_prefix_key" ON "ApiKey"("prefix");

-- CreateIndex
CREATE INDEX "WebhookAttempt_startedAt_id_idx" ON "WebhookAttempt"("startedAt", "id");

-- CreateIndex
CREATE INDEX "WebhookAttempt_webhookId_startedAt_id_idx" ON "WebhookAttempt"("webhookId", "startedAt", "id");

-- CreateIndex
CREATE INDEX "WebhookAttempt_integrationId_startedAt_id_idx" ON "WebhookAttempt"("integrationId", "startedAt", "id");

-- CreateIndex
CREATE INDEX "WebhookAttempt_flowId_startedAt_id_idx" ON "WebhookAttempt"("flowId", "startedAt", "id");

-- CreateIndex
CREATE INDEX "WebhookAttempt_flowId_nodeId_startedAt_id_idx" ON "WebhookAttempt"("flowId", "nodeId", "startedAt", "id");

-- CreateIndex
CREATE INDEX "WebhookAttempt_outcome_startedAt_id_idx" ON "WebhookAttempt"("outcome", "startedAt", "id");

-- CreateIndex
CREATE INDEX "WebhookAttempt_customerExternalId_startedAt_id_idx" ON "WebhookAttempt"("customerExternalId", "startedAt", "id");

-- CreateIndex
CREATE INDEX "WebhookAttempt_eventId_startedAt_id_idx" ON "WebhookAttempt"("eventId", "startedAt", "id");

-- CreateIndex
CREATE INDEX "WebhookAttempt_transactionalId_startedAt_id_idx" ON "WebhookAttempt"("transactionalId", "startedAt", "id");

-- CreateIndex
CREATE INDEX "WebhookAttempt_kind_startedAt_id_idx" ON "WebhookAttempt"("kind", "startedAt", "id");

-- CreateIndex
CREATE INDEX "WebhookAttempt_resendOfId_idx" ON "WebhookAttempt"("resendOfId");

