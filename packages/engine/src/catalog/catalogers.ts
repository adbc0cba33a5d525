import { catalogers as apk } from "./apk/index.js";
import type { Cataloger } from "./cataloger.js";
import { catalogers as dotnet } from "./dotnet/index.js";
import { catalogers as dpkg } from "./dpkg/index.js";
import { catalogers as golang } from "./golang/index.js";
import { catalogers as java } from "./java/index.js";
import { catalogers as npm } from "./npm/index.js";
import { catalogers as php } from "./php/index.js";
import { catalogers as python } from "./python/index.js";
import { catalogers as rpm } from "./rpm/index.js";
import { catalogers as ruby } from "./ruby/index.js";
import { catalogers as rust } from "./rust/index.js";

/** Every cataloger Rampart ships, OS package databases first. */
export const allCatalogers: readonly Cataloger[] = [
  ...dpkg,
  ...apk,
  ...rpm,
  ...npm,
  ...python,
  ...golang,
  ...java,
  ...ruby,
  ...rust,
  ...php,
  ...dotnet,
];
