/** What to do when no sensor has registered yet: the command to run on each host. */
export function NoSensors() {
  return (
    <div className="card empty" data-testid="topology-empty">
      <h2>No sensors yet — run this command</h2>
      <p>On each host to watch, with an API key of scope "sensor":</p>
      <pre>{`RAMPART_API_KEY=rpk_… rampart sensor --console ${window.location.origin} --fingerprint <the fingerprint rampart console printed>`}</pre>
      <p>
        Or start the console with <code>--local-sensor</code> to report this machine.
      </p>
    </div>
  );
}
