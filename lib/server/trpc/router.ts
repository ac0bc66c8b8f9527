import { router } from './init';
import { overviewRouter } from './routers/overview';
import { integrationsRouter } from './routers/integrations';
import { webhooksRouter } from './routers/webhooks';
import { accountRouter, usersRouter } from './routers/users';
import { flowsRouter } from './routers/flows';
import { runsRouter } from './routers/runs';
import { flowsAsCodeRouter } from './routers/flowsAsCode';
import { logsRouter } from './routers/logs';
import { apiKeysRouter } from './routers/apiKeys';
import { auditRouter } from './routers/audit';

export const appRouter = router({
  overview: overviewRouter,
  integrations: integrationsRouter,
  webhooks: webhooksRouter,
  flows: flowsRouter,
  runs: runsRouter,
  flowsAsCode: flowsAsCodeRouter,
  logs: logsRouter,
  apiKeys: apiKeysRouter,
  users: usersRouter,
  account: accountRouter,
  audit: auditRouter,
});

export type AppRouter = typeof appRouter;
