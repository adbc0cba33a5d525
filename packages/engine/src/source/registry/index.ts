export type { Credentials } from "./credentials.js";
export { formatReference, type ImageReference, parseReference } from "./reference.js";
export { openRegistryImage, type RegistryOptions } from "./registry-source.js";
