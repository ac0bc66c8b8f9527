/** A team's own workflow, for a worker that hosts Hookflow's next to its own (test/integration/plugin.test.ts). */
export async function greet(name: string): Promise<string> {
  return `hello ${name}`;
}
