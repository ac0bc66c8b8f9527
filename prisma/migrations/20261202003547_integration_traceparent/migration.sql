-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Integration" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "rootUrl" TEXT NOT NULL,
    "rateLimitPerSecond" REAL,
    "connectTimeoutMs" INTEGER NOT NULL DEFAULT 10000,
    "requestTimeoutMs" INTEGER NOT NULL DEFAULT 30000,
    "sendTraceparent" BOOLEAN NOT NULL DEFAULT false,
    "signingSecret" TEXT,
    "previousSigningSecret" TEXT,
    "signingRotatedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Integration" ("connectTimeoutMs", "createdAt", "id", "name", "previousSigningSecret", "rateLimitPerSecond", "requestTimeoutMs", "rootUrl", "signingRotatedAt", "signingSecret", "updatedAt") SELECT "connectTimeoutMs", "createdAt", "id", "name", "previousSigningSecret", "rateLimitPerSecond", "requestTimeoutMs", "rootUrl", "signingRotatedAt", "signingSecret", "updatedAt" FROM "Integration";
DROP TABLE "Integration";
ALTER TABLE "new_Integration" RENAME TO "Integration";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

