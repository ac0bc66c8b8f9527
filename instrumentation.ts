/** Next.js calls register() once when the web app starts: checks that need the server's Node runtime. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { checkTemporalAtStart } = await import('./lib/server/temporal/startup');
  void checkTemporalAtStart();
}
