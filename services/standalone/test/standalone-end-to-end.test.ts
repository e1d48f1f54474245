import { describeEndToEnd } from "@qamesh/testkit";
import { startHarness } from "./standalone-harness.js";

describeEndToEnd("standalone", () => startHarness({ MAX_FILE_BYTES: "20000" }));
