/** diffIDs of the vuln-app image's layers that the sample findings point at. */
export const LAYERS = {
  base: "sha256:9d67bb48d40b62581875a5358856a1b63e07da27671c580ac1a9259aa863821e",
  node: "sha256:a3f8bbe2ac68642a6001cbfe040074ce758a9b3029b0dc092a8aeb8c89b0f895",
  python: "sha256:199faca762ca0ff029e529932367f5fed0ce9261fd5b68f18a249078fcacb648",
  java: "sha256:5e5ca9618ab6078b6e515e31621a03049bbf29354e7f9918b944b59c32ac131a",
  go: "sha256:5f1ccb47172899645cc4fba0f8a9855e4f6e22fca476d3455ef0efb417546abd",
  secrets: "sha256:bcda18b1e5809245da59738a6924faeb1bc793a3e8e9a6105ff98d60eb3fa17d",
  malware: "sha256:bb6c220c5cb37d468eef5d236653a554cb4d3268515bb0c848c9ad62e5fa4a43",
} as const;
