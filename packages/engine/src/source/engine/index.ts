export { openEngineImage } from "./engine-source.js";
export { type EngineKind, engineSocket } from "./socket.js";
