/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native or Node-only packages stay out of the bundle and load from node_modules at run time.
  serverExternalPackages: [
    '@temporalio/client',
    '@temporalio/envconfig',
    '@temporalio/worker',
    '@temporalio/core-bridge',
    '@prisma/adapter-better-sqlite3',
    'better-sqlite3',
    '@prisma/adapter-pg',
    'pg',
    'nunjucks',
    'pino',
    'pino-pretty',
    'prom-client',
    '@opentelemetry/api',
    '@opentelemetry/sdk-trace-node',
    '@opentelemetry/sdk-trace-base',
    '@opentelemetry/exporter-trace-otlp-http',
    '@opentelemetry/resources',
    '@temporalio/interceptors-opentelemetry',
  ],
  // The container image (Dockerfile) ships the self-contained server Next traces into .next/standalone.
  ...(process.env.HOOKFLOW_STANDALONE === '1' ? { output: 'standalone' } : {}),
  typedRoutes: false,
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
