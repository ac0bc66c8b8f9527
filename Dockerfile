# Hookflow's image: one image, two roles. The web app is Next's standalone server; the worker runs from
# the sources with tsx. Build: docker build -t hookflow . ; run: see docker-compose.yml and docs/operations.md.

# 1. Dependencies, exactly as the lock file says (postinstall generates the Prisma clients).
FROM node:20-bookworm-slim AS deps
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
COPY scripts/prisma.mjs scripts/prisma-schemas.mjs scripts/
COPY prisma ./prisma
RUN npm ci --no-audit --no-fund

# 2. Build: the web app as a standalone server, and the workflow bundle the worker loads.
FROM deps AS build
COPY . .
ENV NEXT_TELEMETRY_DISABLED=1 HOOKFLOW_STANDALONE=1
RUN npm run build \
 && node --import tsx scripts/bundle-workflows.ts /app/workflow-bundle.js \
 && npm prune --omit=dev

# 3. Runtime: no build tools, not root.
FROM node:20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 HOSTNAME=0.0.0.0 \
    HOOKFLOW_DATA_DIR=/data HOOKFLOW_WORKFLOW_BUNDLE=/app/workflow-bundle.js
RUN groupadd --system hookflow && useradd --system --gid hookflow --home /app hookflow \
 && mkdir /data && chown hookflow:hookflow /data
# The web app: Next's traced server and its static files.
COPY --from=build --chown=hookflow:hookflow /app/.next/standalone ./
COPY --from=build --chown=hookflow:hookflow /app/.next/static ./.next/static
# The worker, migrations and the CLI: sources and production dependencies.
COPY --from=build --chown=hookflow:hookflow /app/node_modules ./node_modules
COPY --from=build --chown=hookflow:hookflow /app/lib ./lib
COPY --from=build --chown=hookflow:hookflow /app/activities ./activities
COPY --from=build --chown=hookflow:hookflow /app/workflows ./workflows
COPY --from=build --chown=hookflow:hookflow /app/scripts ./scripts
COPY --from=build --chown=hookflow:hookflow /app/prisma ./prisma
COPY --from=build --chown=hookflow:hookflow /app/package.json /app/tsconfig.json /app/workflow-bundle.js ./
USER hookflow
EXPOSE 3000 9464
# The web app by default; the worker is `npm run start:worker`, migrations `npm run db:migrate`.
CMD ["node", "server.js"]
