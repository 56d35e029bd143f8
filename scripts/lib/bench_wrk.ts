/**
 * `wrk` for the short-request figures of the benchmark scripts: closed-loop `max_tokens: 1`
 * completions at a fixed concurrency, from a process that shares nothing with the server.
 *
 * @module
 */

/** True when `wrk` is on PATH; installs the Debian package first when allowed and root. */
export async function haveWrk(allowInstall: boolean): Promise<boolean> {
  const probe = () =>
    new Deno.Command("sh", { args: ["-c", "command -v wrk"], stdout: "null" }).output()
      .then((o) => o.success);
  if (await probe()) return true;
  if (!allowInstall || Deno.uid() !== 0) return false;
  console.error("installing wrk (Debian package) for the short-request figures");
  await new Deno.Command("apt-get", { args: ["install", "-y", "wrk"], stdout: "null" }).output();
  return await probe();
}

/** The request wrk sends: a one-token completion of the bench model. */
const WRK_SCRIPT = `wrk.method = "POST"
wrk.body = '{"model":"wva-bench","prompt":"short","max_tokens":1,"ignore_eos":true}'
wrk.headers["Content-Type"] = "application/json"
`;

/** Requests per second over `seconds` at `concurrency` (throws when any answer is not 2xx). */
export async function wrkRate(url: string, concurrency: number, seconds: number): Promise<number> {
  const script = await Deno.makeTempFile({ suffix: ".lua" });
  await Deno.writeTextFile(script, WRK_SCRIPT);
  const out = await new Deno.Command("wrk", {
    args: ["-t1", `-c${concurrency}`, `-d${seconds}s`, "-s", script, `${url}/v1/completions`],
    stdout: "piped",
  }).output();
  await Deno.remove(script);
  const text = new TextDecoder().decode(out.stdout);
  if (/Non-2xx/.test(text)) throw new Error(`wrk saw errors:\n${text}`);
  return Number(text.match(/Requests\/sec:\s+([\d.]+)/)?.[1] ?? NaN);
}
