// Drives the official TypeScript SDK (@openai/codex-sdk) against a `codex` executable, unchanged.
// argv: <sdk index.js> <codex path> <mode: start|resume|schema|image|options|baseurl|fail> <workdir>
//       [thread id | image | extra dir | base url]
// Prints one JSON object per step on stdout; the pytest side asserts on it. Env comes from the
// parent (CODEX_HOME, the mock provider's key), so nothing here touches ~/.codex.
const [sdkPath, codexPath, mode, workdir, extra] = process.argv.slice(2);
const { Codex } = await import(sdkPath);

const codex = new Codex({ codexPathOverride: codexPath });
const options = { workingDirectory: workdir, skipGitRepoCheck: true };

function report(step, thread, turn) {
  console.log(JSON.stringify({
    step,
    threadId: thread.id,
    finalResponse: turn.finalResponse,
    usage: turn.usage,
    itemTypes: turn.items.map((item) => item.type),
  }));
}

if (mode === "start") {
  const thread = codex.startThread(options);
  report("run", thread, await thread.run("Say hello"));
  const { events } = await thread.runStreamed("Again");
  const types = [];
  for await (const event of events) types.push(event.type);
  console.log(JSON.stringify({ step: "streamed", threadId: thread.id, types }));
} else if (mode === "resume") {
  const thread = codex.resumeThread(extra, options);
  report("resumed", thread, await thread.run("Continue"));
} else if (mode === "schema") {
  const thread = codex.startThread(options);
  const schema = {
    type: "object",
    properties: { answer: { type: "string" } },
    required: ["answer"],
    additionalProperties: false,
  };
  report("schema", thread, await thread.run("Answer in JSON", { outputSchema: schema }));
} else if (mode === "image") {
  const thread = codex.startThread(options);
  report("image", thread, await thread.run([
    { type: "text", text: "Describe" },
    { type: "local_image", path: extra },
  ]));
} else if (mode === "options") {
  // Every ThreadOptions field the SDK turns into flags or --config overrides.
  const thread = codex.startThread({
    ...options,
    model: "gpt-5.5",
    sandboxMode: "workspace-write",
    additionalDirectories: [extra],
    modelReasoningEffort: "low",
    networkAccessEnabled: false,
    webSearchMode: "disabled",
    approvalPolicy: "never",
  });
  report("options", thread, await thread.run("With options"));
} else if (mode === "baseurl") {
  // The SDK's own baseUrl and apiKey options (--config openai_base_url=..., CODEX_API_KEY).
  const direct = new Codex({ codexPathOverride: codexPath, baseUrl: extra, apiKey: "sk-sdk-key" });
  const thread = direct.startThread(options);
  report("baseurl", thread, await thread.run("Via baseUrl"));
} else if (mode === "fail") {
  const thread = codex.startThread(options);
  try {
    await thread.run("This fails");
    console.log(JSON.stringify({ step: "fail", error: null }));
  } catch (err) {
    console.log(JSON.stringify({ step: "fail", error: String(err.message) }));
  }
}
