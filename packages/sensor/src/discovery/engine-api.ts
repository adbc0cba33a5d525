// The engine API client lives in the engine (the posture collectors use it too).
export { ENGINE_DEFAULTS, EngineApiError, type EngineGetOptions, engineGet, enginePing } from "@rampart/engine";
