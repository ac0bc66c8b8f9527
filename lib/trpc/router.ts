import { router } from './init';
import { overviewRouter } from './routers/overview';

export const appRouter = router({
  overview: overviewRouter,
});

export type AppRouter = typeof appRouter;
