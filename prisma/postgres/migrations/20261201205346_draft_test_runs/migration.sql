-- DropForeignKey
ALTER TABLE "Run" DROP CONSTRAINT "Run_flowVersionId_fkey";

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "invitedById" TEXT;

-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "testGraph" JSONB,
ADD COLUMN     "testMode" TEXT,
ALTER COLUMN "flowVersionId" DROP NOT NULL;

-- AlterTable
ALTER TABLE "WebhookAttempt" ADD COLUMN     "dryRun" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "WebhookSample" (
    "userId" TEXT NOT NULL,
    "webhookId" TEXT NOT NULL,
    "sample" JSONB NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WebhookSample_pkey" PRIMARY KEY ("userId","webhookId")
);

-- CreateIndex
CREATE INDEX "Run_flowId_testMode_createdAt_idx" ON "Run"("flowId", "testMode", "createdAt");

-- AddForeignKey
ALTER TABLE "WebhookSample" ADD CONSTRAINT "WebhookSample_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebhookSample" ADD CONSTRAINT "WebhookSample_webhookId_fkey" FOREIGN KEY ("webhookId") REFERENCES "Webhook"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_flowVersionId_fkey" FOREIGN KEY ("flowVersionId") REFERENCES "FlowVersion"("id") ON DELETE SET NULL ON UPDATE CASCADE;

