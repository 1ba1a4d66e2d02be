// The path of the `cutover` executable, read from the JSON messages of `cargo build
// --message-format=json-render-diagnostics` on stdin, so that check.sh finds the binary
// wherever cargo's target directory is.

let messages = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (messages += chunk));
process.stdin.on("end", () => {
  const executable = messages
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line))
    .filter((m) => m.reason === "compiler-artifact" && m.target?.name === "cutover")
    .map((m) => m.executable)
    .find(Boolean);
  if (!executable) {
    console.error("cargo's build messages name no cutover executable");
    process.exit(1);
  }
  console.log(executable);
});
