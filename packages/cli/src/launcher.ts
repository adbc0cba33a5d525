#!/usr/bin/env node
/**
 * The `rampart` command's entry: `rampart sensor` loads only the sensor's bundle; everything else the whole
 * CLI. Keeps the always-running sensor small and every other command as fast to start as before.
 */
if (process.argv[2] === "sensor") await import("./sensor-main.js");
else await import("./main.js");
