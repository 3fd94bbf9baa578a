// The studio dashboard's bundle (static/dashboard.js): the shared start plus the dashboard page and
// Chart.js, kept out of the collector pages' bundle so collectors never download the chart library.
import { start } from "./boot.js";
import dashboard from "./pages/dashboard.js";

start({ dashboard });
