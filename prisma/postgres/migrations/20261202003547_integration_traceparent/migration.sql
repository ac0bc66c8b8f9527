-- AlterTable
ALTER TABLE "Integration" ADD COLUMN     "sendTraceparent" BOOLEAN NOT NULL DEFAULT false;

